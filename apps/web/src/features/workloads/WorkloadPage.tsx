import { useQuery } from '@tanstack/react-query';
import { ReactFlowProvider } from '@xyflow/react';
import { useMemo } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import type { WorkloadDetail } from '@meshviz/shared';
import { timeseriesQuery, workloadQuery } from '../../api/mesh';
import { useLiveInterval } from '../../app/live';
import { kindTitle, paths } from '../../app/paths';
import { useKeepParams, useWindow } from '../../app/url-state';
import { GoldenCharts } from '../../components/GoldenCharts';
import { SuccessRate } from '../../components/Metric';
import { MtlsMark } from '../../components/MtlsMark';
import { QueryState } from '../../components/QueryState';
import { UpstreamErrors } from '../../components/UpstreamErrors';
import { formatLatency, formatRps } from '../../format/format';
import { useGraphActions } from '../graph/actions';
import { GraphCanvas } from '../graph/GraphCanvas';
import { useOpenNode } from '../graph/GraphPage';
import { NeighbourTable } from './Neighbours';
import { octopus } from './octopus';
import { WorkloadTabs } from './WorkloadTabs';

function Header({ d }: { d: WorkloadDetail }) {
  const w = d.workload;
  const meshState =
    w.meshedPods === 0 ? 'not meshed' : w.meshedPods < w.totalPods ? 'partly meshed' : 'meshed';
  return (
    <div className="workload-header">
      <dl className="facts inline">
        <dt>Mesh</dt>
        <dd className={`mesh-${meshState.replace(' ', '-')}`}>
          {meshState} ({w.meshedPods}/{w.totalPods} pods)
        </dd>
        {w.injectionPending && (
          <>
            <dt>Injection</dt>
            <dd className="warning-text">
              pending: injection is enabled but some pods have no proxy; restart the workload
            </dd>
          </>
        )}
        <dt>Identity</dt>
        <dd>{w.identity ?? 'none'}</dd>
        <dt>Success rate</dt>
        <dd>
          <SuccessRate value={w.successRate} />
        </dd>
        <dt>RPS</dt>
        <dd>{formatRps(w.rps)}</dd>
        <dt>Latency p50 / p95 / p99</dt>
        <dd>
          {formatLatency(w.latencyMs.p50)} / {formatLatency(w.latencyMs.p95)} /{' '}
          {formatLatency(w.latencyMs.p99)}
        </dd>
        <dt>mTLS</dt>
        <dd>
          <MtlsMark mtls={w.mtls} />
        </dd>
      </dl>
    </div>
  );
}

function Octopus({ d }: { d: WorkloadDetail }) {
  const { view, boxes } = useMemo(() => octopus(d), [d]);
  const openNode = useOpenNode();
  const actions = useGraphActions({ open: openNode });
  const navigate = useNavigate();
  const keep = useKeepParams();
  if (d.inbound.length + d.outbound.length === 0)
    return <p className="state empty">No traffic to or from this workload in the window.</p>;
  return (
    <div
      className="graph-canvas"
      style={{ height: 320 }}
      role="figure"
      aria-label="Neighbours graph"
    >
      {/* A new neighbour changes the drawing: fit it again. */}
      <ReactFlowProvider key={view.nodes.length}>
        <GraphCanvas
          view={view}
          boxes={boxes}
          label="rps"
          onSelectEdge={(id) =>
            void navigate(
              keep(`${paths.graph(d.workload.namespace)}&edge=${encodeURIComponent(id)}`),
            )
          }
          actions={actions}
          onViewportChange={() => undefined}
        />
      </ReactFlowProvider>
    </div>
  );
}

/** One workload: its state, its golden metrics over time, who it talks to, and its details. */
export function WorkloadPage() {
  const { ns = '', kind = '', name = '' } = useParams();
  const [window] = useWindow();
  const keep = useKeepParams();
  const interval = useLiveInterval();
  const ref = { namespace: ns, kind, name };
  const detail = useQuery({ ...workloadQuery(ref, window), refetchInterval: interval });
  const series = useQuery({ ...timeseriesQuery(ref, {}, window), refetchInterval: interval });

  return (
    <section>
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to={keep(paths.namespaces())}>Namespaces</Link> /{' '}
        <Link to={keep(paths.namespace(ns))}>{ns}</Link> / {name} ·{' '}
        <Link to={keep(paths.policy(ns))}>Policy of {ns}</Link>
      </nav>
      <h1>
        {kindTitle(kind)} {name}
      </h1>
      <QueryState query={detail} what={`${kindTitle(kind)} ${ns}/${name}`}>
        {(d) => (
          <>
            <UpstreamErrors errors={d.errors} />
            <Header d={d} />
            <h2>Over the last {d.window}</h2>
            <QueryState query={series} what="history">
              {(s) => <GoldenCharts points={s.points} />}
            </QueryState>
            <h2>Neighbours</h2>
            <Octopus d={d} />
            <div className="two-columns">
              <div>
                <h3>Upstream (clients)</h3>
                <NeighbourTable
                  id="in"
                  label="Inbound neighbours"
                  rows={d.inbound}
                  empty="No clients called this workload in the window."
                />
              </div>
              <div>
                <h3>Downstream (servers)</h3>
                <NeighbourTable
                  id="out"
                  label="Outbound neighbours"
                  rows={d.outbound}
                  empty="This workload called nothing in the window."
                />
              </div>
            </div>
            <WorkloadTabs detail={d} workload={ref} />
          </>
        )}
      </QueryState>
    </section>
  );
}
