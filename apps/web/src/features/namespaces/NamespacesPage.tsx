import { useQuery } from '@tanstack/react-query';
import type { NamespaceRow as Row } from '@meshviz/shared';
import { Link } from 'react-router-dom';
import { namespacesQuery } from '../../api/mesh';
import { useLiveInterval } from '../../app/live';
import { paths } from '../../app/paths';
import { useKeepParams, useWindow } from '../../app/url-state';
import { DataTable } from '../../components/DataTable';
import { goldenColumns, mtlsColumn } from '../../components/golden-columns';
import { QueryState } from '../../components/QueryState';
import { UpstreamErrors } from '../../components/UpstreamErrors';

/** Every namespace with its meshed pods, golden metrics and mTLS share. */
export function NamespacesPage() {
  const [window] = useWindow();
  const keep = useKeepParams();
  const query = useQuery({ ...namespacesQuery(window), refetchInterval: useLiveInterval() });
  return (
    <section>
      <h1>Namespaces</h1>
      <QueryState query={query} what="namespaces">
        {(data) => (
          <>
            <UpstreamErrors errors={data.errors} />
            <p className="caption">
              Inbound traffic of each namespace's meshed pods over the last {data.window}.
            </p>
            <DataTable<Row>
              id="ns"
              label="Namespaces"
              rows={data.namespaces}
              rowKey={(r) => r.name}
              filterOn={(r) => r.name}
              defaultSort="name"
              empty="No namespaces are visible to meshviz."
              columns={[
                {
                  key: 'name',
                  header: 'Namespace',
                  value: (r) => r.name,
                  render: (r) => <Link to={keep(paths.namespace(r.name))}>{r.name}</Link>,
                },
                {
                  key: 'meshed',
                  header: 'Meshed pods',
                  numeric: true,
                  value: (r) => (r.totalPods ? r.meshedPods / r.totalPods : null),
                  render: (r) => `${r.meshedPods}/${r.totalPods}`,
                },
                ...goldenColumns<Row>((r) => r),
                mtlsColumn((r) => r.mtls),
              ]}
            />
          </>
        )}
      </QueryState>
    </section>
  );
}
