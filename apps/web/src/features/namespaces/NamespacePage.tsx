import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import type { WorkloadRow } from '@meshviz/shared';
import { graphQuery, workloadsQuery } from '../../api/mesh';
import { useLiveInterval } from '../../app/live';
import { kindTitle, paths } from '../../app/paths';
import { useKeepParams, useParam, useWindow } from '../../app/url-state';
import { DataTable, type Column } from '../../components/DataTable';
import { goldenColumns, mtlsColumn } from '../../components/golden-columns';
import { WorkloadLink } from '../../components/ObjectLink';
import { QueryState } from '../../components/QueryState';
import { UpstreamErrors } from '../../components/UpstreamErrors';
import { formatBytesRate, formatCount } from '../../format/format';
import { graphView } from '../graph/model';
import { ServiceGraph } from '../graph/ServiceGraph';
import { useOpenNode } from '../graph/GraphPage';

const identity: Column<WorkloadRow>[] = [
  {
    key: 'name',
    header: 'Name',
    value: (r) => r.name,
    render: (r) => <WorkloadLink namespace={r.namespace} kind={r.kind} name={r.name} />,
  },
  { key: 'kind', header: 'Kind', value: (r) => r.kind, render: (r) => kindTitle(r.kind) },
];

const httpColumns: Column<WorkloadRow>[] = [
  ...identity,
  {
    key: 'meshed',
    header: 'Meshed',
    numeric: true,
    value: (r) => (r.totalPods ? r.meshedPods / r.totalPods : null),
    render: (r) => (r.kind === 'services' ? '—' : `${r.meshedPods}/${r.totalPods}`),
  },
  ...goldenColumns<WorkloadRow>((r) => r),
  mtlsColumn((r) => r.mtls),
];

const tcpColumns: Column<WorkloadRow>[] = [
  ...identity,
  {
    key: 'conns',
    header: 'Connections',
    numeric: true,
    value: (r) => r.tcp.openConnections,
    render: (r) => formatCount(r.tcp.openConnections),
  },
  {
    key: 'read',
    header: 'Read',
    numeric: true,
    value: (r) => r.tcp.readBytesPerSec,
    render: (r) => formatBytesRate(r.tcp.readBytesPerSec),
  },
  {
    key: 'write',
    header: 'Write',
    numeric: true,
    value: (r) => r.tcp.writeBytesPerSec,
    render: (r) => formatBytesRate(r.tcp.writeBytesPerSec),
  },
];

/** A namespace: its graph, then its workloads' HTTP and TCP traffic. */
export function NamespacePage() {
  const { ns = '' } = useParams();
  const [window] = useWindow();
  const [kind, setKind] = useParam('kind');
  const keep = useKeepParams();
  const interval = useLiveInterval();
  const workloads = useQuery({ ...workloadsQuery(ns, window), refetchInterval: interval });
  const graph = useQuery({ ...graphQuery(ns, window), refetchInterval: interval });
  const openNode = useOpenNode();
  const navigate = useNavigate();
  const view = useMemo(
    () =>
      graph.data &&
      graphView(graph.data, {
        search: '',
        hideIdle: false,
        hideHealthy: false,
        groupByNamespace: false,
      }),
    [graph.data],
  );

  return (
    <section>
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to={keep(paths.namespaces())}>Namespaces</Link> / {ns}
      </nav>
      <h1>Namespace {ns}</h1>
      <QueryState query={workloads} what={`the workloads of ${ns}`}>
        {(data) => {
          const kinds = [...new Set(data.workloads.map((w) => w.kind))].sort();
          const rows = data.workloads.filter((w) => !kind || w.kind === kind);
          const tcpRows = rows.filter(
            (w) => w.tcp.openConnections !== null || w.tcp.readBytesPerSec !== null,
          );
          return (
            <>
              <UpstreamErrors errors={data.errors} />
              <h2>Graph</h2>
              <p className="caption">
                Calls between {ns}'s workloads and their peers over the last {data.window}.{' '}
                <Link to={keep(paths.graph(ns))}>Open in the graph view</Link> ·{' '}
                <Link to={keep(paths.policy(ns))}>Policy</Link>
              </p>
              {view ? (
                <ServiceGraph
                  view={view}
                  scope={`namespace:${ns}`}
                  label="rps"
                  onSelectEdge={(id) =>
                    void navigate(keep(`${paths.graph(ns)}&edge=${encodeURIComponent(id)}`))
                  }
                  onOpenNode={openNode}
                  height={380}
                />
              ) : (
                <p className="state loading">Loading the graph…</p>
              )}
              <h2>HTTP</h2>
              <label>
                Kind{' '}
                <select
                  aria-label="Kind"
                  value={kind}
                  onChange={(e) => setKind(e.target.value, { replace: true })}
                >
                  <option value="">all</option>
                  {kinds.map((k) => (
                    <option key={k} value={k}>
                      {kindTitle(k)}
                    </option>
                  ))}
                </select>
              </label>
              <DataTable
                id="http"
                label="HTTP traffic"
                rows={rows}
                columns={httpColumns}
                rowKey={(r) => `${r.kind}/${r.name}`}
                filterOn={(r) => r.name}
                defaultSort="kind"
                empty="No workloads in this namespace."
              />
              <h2>TCP</h2>
              <DataTable
                id="tcp"
                label="TCP traffic"
                rows={tcpRows}
                columns={tcpColumns}
                rowKey={(r) => `${r.kind}/${r.name}`}
                defaultSort="kind"
                empty="No TCP traffic reported by meshed pods in the window."
              />
            </>
          );
        }}
      </QueryState>
    </section>
  );
}
