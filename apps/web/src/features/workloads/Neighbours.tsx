import type { Neighbour } from '@meshviz/shared';
import { kindTitle } from '../../app/paths';
import { DataTable } from '../../components/DataTable';
import { edgeColumns } from '../../components/golden-columns';
import { WorkloadLink } from '../../components/ObjectLink';

/** Clients (inbound) or servers (outbound) of a workload, with the edge's numbers. */
export function NeighbourTable({
  id,
  label,
  rows,
  empty,
}: {
  id: string;
  label: string;
  rows: Neighbour[];
  empty: string;
}) {
  return (
    <DataTable<Neighbour>
      id={id}
      label={label}
      rows={rows}
      rowKey={(r) => r.node.id}
      defaultSort="-rps"
      empty={empty}
      columns={[
        {
          key: 'name',
          header: 'Workload',
          value: (r) => `${r.node.namespace}/${r.node.name}`,
          render: (r) => <WorkloadLink {...r.node} showNamespace />,
        },
        {
          key: 'kind',
          header: 'Kind',
          value: (r) => r.node.kind,
          render: (r) => (r.node.kind === 'unknown' ? 'outside the mesh' : kindTitle(r.node.kind)),
        },
        ...edgeColumns<Neighbour>((r) => r.edge),
      ]}
    />
  );
}
