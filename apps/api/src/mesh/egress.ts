import type { EgressDestination, EgressResponse } from '@meshviz/shared';
import { egressDenied, egressNetworksOf } from '../model/egress';
import { responseFails } from '../model/golden';
import { SOURCE_LABELS } from '../model/kinds';
import type { CrdObject } from '../model/route-config';
import { ne, re } from '../sources/metrics/engine';
import { Answer } from './answer';
import { QUANTILES, type MeshDeps } from './deps';

/** `outbound_*_route_request_duration_seconds` buckets in ms (mesh-facts §2). */
const ROUTE_BUCKETS_MS = [50, 500, 1000, 10_000];
/** What the egress families are split by: the client, the parent, the route, the host. */
const ROW_BY = [
  'namespace',
  ...SOURCE_LABELS,
  'parent_kind',
  'parent_namespace',
  'parent_name',
  'parent_port',
  'route_kind',
  'route_namespace',
  'route_name',
  'hostname',
];
/** The parent of egress traffic: an EgressNetwork, or the proxy's fallback (`egress-fallback`). */
const EGRESS_PARENT = re('parent_kind', 'EgressNetwork|default');
const FALLBACK = 'egress-fallback';

const REQUESTS = [
  { protocol: 'http', family: 'outbound_http_route', status: 'http_status' },
  { protocol: 'grpc', family: 'outbound_grpc_route', status: 'grpc_status' },
] as const;
const CONNECTIONS = [
  { protocol: 'tls', family: 'outbound_tls_route' },
  { protocol: 'tcp', family: 'outbound_tcp_route' },
] as const;

/**
 * Every workload's calls to destinations outside the cluster, from its
 * proxies' outbound route families: one row per client, EgressNetwork (or
 * fallback), port, protocol, route and host. Requests a network's policy
 * refused count as failures (the app did not get what it asked for).
 * Computed once per refresh for the egress page and the graph.
 */
export function egressDestinations(
  deps: MeshDeps,
  window: { seconds: number; text: string },
  { latency = true } = {},
): Promise<{ destinations: EgressDestination[]; errors: Answer['errors'] }> {
  return deps.answers.get(
    latency ? 'egress-destinations' : 'egress-traffic',
    [window],
    async () => {
      const answer = new Answer([], []);
      const destinations = await destinationsOf(deps, answer, window.seconds, latency);
      return { destinations, errors: answer.errors };
    },
  );
}

async function destinationsOf(
  deps: MeshDeps,
  answer: Answer,
  w: number,
  latency: boolean,
): Promise<EgressDestination[]> {
  const e = deps.engine;
  const { names } = deps.snapshots.get();
  const [requests, latencies, opened, failedCloses] = await Promise.all([
    Promise.all(
      REQUESTS.map((r) =>
        answer.metrics(
          e.rate({
            metric: `${r.family}_request_statuses_total`,
            matchers: [EGRESS_PARENT],
            by: [...ROW_BY, r.status, 'error'],
            windowSeconds: w,
          }),
        ),
      ),
    ),
    Promise.all(
      REQUESTS.map((r) =>
        !latency
          ? []
          : answer.metrics(
              e.quantiles({
                histogram: `${r.family}_request_duration_seconds`,
                matchers: [EGRESS_PARENT],
                by: ROW_BY,
                windowSeconds: w,
                quantiles: QUANTILES,
              }),
            ),
      ),
    ),
    Promise.all(
      CONNECTIONS.map((c) =>
        answer.metrics(
          e.rate({
            metric: `${c.family}_open_total`,
            matchers: [EGRESS_PARENT],
            by: ROW_BY,
            windowSeconds: w,
          }),
        ),
      ),
    ),
    Promise.all(
      CONNECTIONS.map((c) =>
        answer.metrics(
          e.rate({
            metric: `${c.family}_close_total`,
            matchers: [EGRESS_PARENT, ne('error', '')],
            by: [...ROW_BY, 'error'],
            windowSeconds: w,
          }),
        ),
      ),
    ),
  ]);

  const rows = new Map<
    string,
    EgressDestination & { outcomeBy: Map<string, number>; success: number }
  >();
  const rowOf = (
    labels: Record<string, string>,
    protocol: EgressDestination['protocol'],
  ): (EgressDestination & { outcomeBy: Map<string, number>; success: number }) | undefined => {
    const fallback = labels.parent_kind !== 'EgressNetwork';
    if (fallback && labels.parent_name !== FALLBACK) return undefined;
    const client = labels.namespace ? names.source(labels) : undefined;
    if (!client || !labels.namespace) return undefined;
    const key = [
      labels.namespace,
      client.kind,
      client.name,
      labels.parent_kind,
      labels.parent_namespace,
      labels.parent_name,
      labels.parent_port,
      protocol,
      labels.route_kind,
      labels.route_namespace,
      labels.route_name,
      labels.hostname,
    ].join('\u0000');
    let row = rows.get(key);
    if (!row) {
      const port = Number(labels.parent_port);
      row = {
        client: { namespace: labels.namespace, kind: client.kind, name: client.name },
        network: fallback
          ? null
          : { namespace: labels.parent_namespace ?? '', name: labels.parent_name ?? '' },
        hostname: labels.hostname ? labels.hostname : null,
        port: labels.parent_port && Number.isInteger(port) ? port : null,
        protocol,
        route: {
          kind: labels.route_kind ?? '',
          namespace: labels.route_namespace ?? '',
          name: labels.route_name ?? '',
        },
        verdict: egressDenied(labels.route_kind ?? '', labels.route_name ?? '')
          ? 'denied'
          : 'allowed',
        perSecond: 0,
        successRate: null,
        failedPerSecond: 0,
        outcomes: [],
        latencyMs: { p50: null, p95: null, p99: null },
        outcomeBy: new Map(),
        success: 0,
      };
      rows.set(key, row);
    }
    return row;
  };
  const tally = (row: { outcomeBy: Map<string, number> }, outcome: string, v: number) =>
    row.outcomeBy.set(outcome, (row.outcomeBy.get(outcome) ?? 0) + v);

  REQUESTS.forEach((r, i) => {
    for (const s of requests[i] ?? []) {
      const row = rowOf(s.labels, r.protocol);
      if (!row) continue;
      row.perSecond += s.value;
      if (row.verdict === 'denied' || responseFails(s.labels)) row.failedPerSecond += s.value;
      else row.success += s.value;
      tally(row, s.labels.error || s.labels[r.status] || 'unknown', s.value);
    }
    for (const s of latencies[i] ?? []) {
      const row = rowOf(s.labels, r.protocol);
      if (!row) continue;
      const ms = (q: string) => {
        const v = s.values[q];
        return v !== undefined && Number.isFinite(v) ? v * 1000 : null;
      };
      row.latencyMs = { p50: ms('0.5'), p95: ms('0.95'), p99: ms('0.99') };
    }
  });
  CONNECTIONS.forEach((c, i) => {
    for (const s of opened[i] ?? []) {
      const row = rowOf(s.labels, c.protocol);
      if (row) row.perSecond += s.value;
    }
    for (const s of failedCloses[i] ?? []) {
      const row = rowOf(s.labels, c.protocol);
      if (!row) continue;
      row.failedPerSecond += s.value;
      tally(row, s.labels.error ?? 'unknown', s.value);
    }
  });
  return [...rows.values()]
    .map(({ outcomeBy, success, ...row }) => ({
      ...row,
      successRate:
        (row.protocol === 'http' || row.protocol === 'grpc') && row.perSecond > 0
          ? success / row.perSecond
          : null,
      outcomes: [...outcomeBy]
        .map(([outcome, perSecond]) => ({ outcome, perSecond }))
        .sort((a, b) => b.perSecond - a.perSecond || a.outcome.localeCompare(b.outcome)),
    }))
    .sort((a, b) =>
      `${a.client.namespace}/${a.client.name}/${a.hostname ?? ''}/${a.route.name}`.localeCompare(
        `${b.client.namespace}/${b.client.name}/${b.hostname ?? ''}/${b.route.name}`,
      ),
    );
}

/** The cluster's Gateway-API routes an EgressNetwork can be the parent of. */
function attachableRoutes(deps: Pick<MeshDeps, 'topology'>): CrdObject[] {
  return [
    'httproutes.policy',
    'httproutes.gateway',
    'grpcroutes.gateway',
    'tcproutes.gateway',
    'tlsroutes.gateway',
  ].flatMap((key) => deps.topology.list<CrdObject>(key));
}

/** The egress page: each EgressNetwork with what went through it, and every external destination. */
export async function egressView(
  deps: MeshDeps,
  window: { seconds: number; text: string },
): Promise<EgressResponse> {
  const { snapshot } = deps.snapshots.get();
  const globalNamespace = snapshot.linkerd.globalEgressNamespace;
  const answer = new Answer(deps.topology.errors(), deps.proxyErrors());
  const { destinations, errors } = await egressDestinations(deps, window);
  const configs = egressNetworksOf(
    deps.topology.list<CrdObject>('egressnetworks'),
    attachableRoutes(deps),
    globalNamespace,
  );
  const through = (n: { namespace: string; name: string }, connections: boolean, denied: boolean) =>
    destinations
      .filter(
        (d) =>
          d.network?.namespace === n.namespace &&
          d.network.name === n.name &&
          (d.protocol === 'tls' || d.protocol === 'tcp') === connections &&
          (!denied || d.verdict === 'denied'),
      )
      .reduce((sum, d) => sum + d.perSecond, 0);
  return {
    window: window.text,
    globalNamespace,
    networks: configs.map((n) => ({
      ...n,
      requestsPerSecond: through(n, false, false),
      deniedRequestsPerSecond: through(n, false, true),
      connectionsPerSecond: through(n, true, false),
      deniedConnectionsPerSecond: through(n, true, true),
    })),
    destinations,
    hostnamesRecorded: destinations.some((d) => d.hostname !== null),
    latencyBucketsMs: ROUTE_BUCKETS_MS,
    errors: [...answer.errors, ...errors].filter(
      (e, i, all) => all.findIndex((x) => x.message === e.message) === i,
    ),
  };
}
