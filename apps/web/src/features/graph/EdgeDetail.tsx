import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { EGRESS_NETWORK_KIND, type GraphEdge, type GraphNode } from '@meshviz/shared';
import { timeseriesQuery } from '../../api/mesh';
import { useLiveInterval } from '../../app/live';
import { useWindow } from '../../app/url-state';
import { GoldenCharts } from '../../components/GoldenCharts';
import { SuccessRate } from '../../components/Metric';
import { MtlsMark, reasonText } from '../../components/MtlsMark';
import { WorkloadLink } from '../../components/ObjectLink';
import { QueryState } from '../../components/QueryState';
import { formatLatency, formatPercent, formatRps } from '../../format/format';

function EdgeSeries({ source, target }: { source: GraphNode; target: GraphNode }) {
  const [window] = useWindow();
  const query = useQuery({
    ...timeseriesQuery(
      { namespace: source.namespace, kind: source.kind, name: source.name },
      { peer: `${target.namespace}/${target.kind}/${target.name}` },
      window,
    ),
    refetchInterval: useLiveInterval(),
  });
  return (
    <QueryState query={query} what="the edge's history">
      {(data) => <GoldenCharts points={data.points} compact />}
    </QueryState>
  );
}

/** One edge: its numbers, who talks to whom with which identity, why any of it is plaintext. */
/** A node's name in the detail: a link to a workload, or a collapsed namespace and its size. */
function NodeName({ node, id }: { node?: Shown; id: string }) {
  if (!node) return <>{id}</>;
  if (node.members)
    return (
      <>
        namespace {node.namespace} ({node.members} workloads)
      </>
    );
  return <WorkloadLink {...node} showNamespace />;
}

type Shown = GraphNode & { members?: number };

export function EdgeDetail({
  edge,
  nodes,
  onClose,
}: {
  /** `members`: calls summed into this edge, between collapsed namespaces. */
  edge: GraphEdge & { members?: number };
  nodes: Map<string, Shown>;
  onClose: () => void;
}) {
  const summed = (edge.members ?? 1) > 1;
  const source = nodes.get(edge.source);
  const target = nodes.get(edge.target);
  const charted =
    !summed &&
    source &&
    target &&
    source.kind !== 'unknown' &&
    target.kind !== 'unknown' &&
    target.kind !== 'services' &&
    target.kind !== EGRESS_NETWORK_KIND &&
    target.kind !== 'pods';
  // Focus follows the opened edge, so keyboard users land on it from the graph or the edge table.
  const panel = useRef<HTMLElement>(null);
  useEffect(() => {
    panel.current?.focus({ preventScroll: true });
  }, [edge.id]);
  return (
    <aside
      className="detail"
      aria-label="Edge detail"
      ref={panel}
      tabIndex={-1}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !e.isDefaultPrevented()) onClose();
      }}
    >
      <header>
        <h2>
          <NodeName node={source} id={edge.source} /> → <NodeName node={target} id={edge.target} />
        </h2>
        <button type="button" onClick={onClose} aria-label="Close edge detail">
          ✕
        </button>
      </header>
      <dl className="facts">
        <dt>Protocol</dt>
        <dd>{edge.protocol.toUpperCase()}</dd>
        <dt>Success rate</dt>
        <dd>
          <SuccessRate value={edge.successRate} />
        </dd>
        <dt>RPS</dt>
        <dd>{formatRps(edge.rps)}</dd>
        {summed && (
          <>
            <dt>Calls summed</dt>
            <dd>{edge.members} workload pairs</dd>
          </>
        )}
        <dt>{summed ? 'Worst latency p95' : 'Latency p95'}</dt>
        <dd>{formatLatency(edge.latencyMs.p95)}</dd>
        <dt>mTLS</dt>
        <dd>
          <MtlsMark mtls={edge.mtls} />
        </dd>
        <dt>Client identity</dt>
        <dd>{edge.mtls.clientIdentity ?? 'none (no proxy or no identity)'}</dd>
        <dt>Server identity</dt>
        <dd>
          {edge.mtls.serverIdentities.length ? edge.mtls.serverIdentities.join(', ') : 'none'}
        </dd>
      </dl>
      {edge.mtls.reasons.length > 0 && (
        <>
          <h3>Plaintext</h3>
          <ul>
            {edge.mtls.reasons.map((r) => (
              <li key={r.reason}>
                {formatPercent(r.share)} of requests: <code>{r.reason}</code> —{' '}
                {reasonText(r.reason)}
              </li>
            ))}
          </ul>
        </>
      )}
      {charted && <EdgeSeries source={source} target={target} />}
    </aside>
  );
}
