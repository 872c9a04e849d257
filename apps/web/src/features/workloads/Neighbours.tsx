import type { Neighbour } from '@meshviz/shared';
import { kindTitle } from '../../app/paths';
import { DataTable } from '../../components/DataTable';
import { mtlsColumn } from '../../components/golden-columns';
import { SuccessRate } from '../../components/Metric';
import { WorkloadLink } from '../../components/ObjectLink';
import { formatLatency, formatRps } from '../../format/format';

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
        {
          key: 'sr',
          header: 'Success rate',
          numeric: true,
          value: (r) => r.edge.successRate,
          render: (r) => <SuccessRate value={r.edge.successRate} />,
        },
        {
          key: 'rps',
          header: 'RPS',
          numeric: true,
          value: (r) => r.edge.rps,
          render: (r) => formatRps(r.edge.rps),
        },
        {
          key: 'p95',
          header: 'Latency P95',
          numeric: true,
          value: (r) => r.edge.latencyMs.p95,
          render: (r) => formatLatency(r.edge.latencyMs.p95),
        },
        mtlsColumn((r) => r.edge.mtls),
      ]}
    />
  );
}
