import {
  EGRESS_NETWORK_KIND,
  type GraphEdge,
  type GraphNode,
  type GraphResponse,
} from '@meshviz/shared';
import { golden, mtlsOf, NO_TRAFFIC, responseFails, tlsReason } from '../model/golden';
import { DST_LABELS, SOURCE_LABELS } from '../model/kinds';
import { workloadsOf } from '../model/workloads';
import { eq, ne, re, type Matcher, type Sample } from '../sources/metrics/engine';
import { regexLiteral } from '../sources/metrics/promql';
import { Answer } from './answer';
import { egressDestinations } from './egress';
import { QUANTILES, type MeshDeps } from './deps';

function countResponse(acc: { success: number; failure: number }, s: Sample): void {
  if (responseFails(s.labels)) acc.failure += s.value;
  else acc.success += s.value;
}

const nodeId = (ns: string, kind: string, name: string) => `${ns}/${kind}/${name}`;

interface EdgeAcc {
  id: string;
  source: string;
  target: string;
  success: number;
  failure: number;
  secured: number;
  plain: Map<string, number>;
  serverIds: Set<string>;
  p95: number | null;
  tcpBytes: number;
}

/**
 * The service graph of `namespaces`, computed once per refresh for every
 * page and viewer that asks. Without `latency`, edges and nodes carry no
 * latency quantiles (null): pages that show only traffic and TLS (the mTLS
 * page) skip the histogram queries, about half the cost of a whole mesh.
 */
export function graphView(
  deps: MeshDeps,
  namespaces: string[] | 'all',
  window: { seconds: number; text: string },
  { latency = true } = {},
): Promise<GraphResponse> {
  return deps.answers.get(latency ? 'graph' : 'graph-traffic', [namespaces, window], () =>
    buildGraph(deps, namespaces, window, latency),
  );
}

/**
 * Workloads as nodes, and who calls whom as edges, for some namespaces or
 * all. Edges come from meshed clients' outbound metrics (which know the
 * destination workload and identity) and, for clients without a proxy, from
 * the servers' inbound plaintext traffic.
 */
async function buildGraph(
  deps: MeshDeps,
  namespaces: string[] | 'all',
  window: { seconds: number; text: string },
  latency: boolean,
): Promise<GraphResponse> {
  const { snapshot, pods, names } = deps.snapshots.get();
  const answer = new Answer(deps.topology.errors(), deps.proxyErrors());
  const w = window.seconds;
  const e = deps.engine;
  const all = namespaces === 'all';
  const wanted = new Set(all ? snapshot.namespaces.map((n) => n.name) : namespaces);
  const nsRegex = [...wanted].map(regexLiteral).join('|') || '^$';
  // Edges touching the namespaces: from a client in them, or to a server in them.
  const scopes: Matcher[][] = all
    ? [[]]
    : [[re('namespace', nsRegex)], [re('dst_namespace', nsRegex)]];
  const edgeBy = ['namespace', ...SOURCE_LABELS, 'dst_namespace', ...DST_LABELS];
  const outbound = (extra: Matcher[]) => [eq('direction', 'outbound'), ...extra];
  // Series with no `dst_<kind>` at all are resolved through their service (or authority).
  const unowned = (extra: Matcher[]) => [...outbound(extra), ...DST_LABELS.map((l) => eq(l, ''))];
  const unownedBy = ['namespace', ...SOURCE_LABELS, 'dst_namespace', 'dst_service', 'authority'];

  const run = async (scope: Matcher[]) =>
    Promise.all([
      answer.metrics(
        e.rate({
          metric: 'response_total',
          matchers: outbound(scope),
          by: [...edgeBy, 'classification'],
          windowSeconds: w,
        }),
      ),
      answer.metrics(
        e.rate({
          metric: 'request_total',
          matchers: outbound(scope),
          by: [...edgeBy, 'tls', 'no_tls_reason', 'server_id'],
          windowSeconds: w,
        }),
      ),
      latency
        ? answer.metrics(
            e.quantiles({
              histogram: 'response_latency_ms',
              matchers: outbound(scope),
              by: edgeBy,
              windowSeconds: w,
              quantiles: [0.95],
            }),
          )
        : [],
      answer.metrics(
        e.rate({
          metric: 'tcp_write_bytes_total',
          matchers: [...outbound(scope), eq('peer', 'dst')],
          by: [...edgeBy, 'tls', 'no_tls_reason', 'server_id'],
          windowSeconds: w,
        }),
      ),
      answer.metrics(
        e.rate({
          metric: 'response_total',
          matchers: unowned(scope),
          by: [...unownedBy, 'classification'],
          windowSeconds: w,
        }),
      ),
      answer.metrics(
        e.rate({
          metric: 'request_total',
          matchers: unowned(scope),
          by: [...unownedBy, 'tls', 'no_tls_reason', 'server_id'],
          windowSeconds: w,
        }),
      ),
    ]);
  const inScope: Matcher[] = all ? [] : [re('namespace', nsRegex)];
  const [scoped, nodeResp, nodeLat, fromUnmeshed, fromUnmeshedResp, egress] = await Promise.all([
    Promise.all(scopes.map(run)),
    answer.metrics(
      e.rate({
        metric: 'response_total',
        matchers: [eq('direction', 'inbound'), ...inScope],
        by: ['namespace', ...SOURCE_LABELS, 'classification'],
        windowSeconds: w,
      }),
    ),
    latency
      ? answer.metrics(
          e.quantiles({
            histogram: 'response_latency_ms',
            matchers: [eq('direction', 'inbound'), ...inScope],
            by: ['namespace', ...SOURCE_LABELS],
            windowSeconds: w,
            quantiles: QUANTILES,
          }),
        )
      : [],
    answer.metrics(
      e.rate({
        metric: 'request_total',
        matchers: [
          eq('direction', 'inbound'),
          ne('tls', 'true'),
          eq('no_tls_reason', 'no_tls_from_remote'),
          ...inScope,
        ],
        by: ['namespace', ...SOURCE_LABELS, 'no_tls_reason'],
        windowSeconds: w,
      }),
    ),
    answer.metrics(
      e.rate({
        metric: 'response_total',
        matchers: [
          eq('direction', 'inbound'),
          ne('tls', 'true'),
          eq('no_tls_reason', 'no_tls_from_remote'),
          ...inScope,
        ],
        by: ['namespace', ...SOURCE_LABELS, 'classification'],
        windowSeconds: w,
      }),
    ),
    // The graph draws their rates, not their latency.
    egressDestinations(deps, window, { latency: false }),
  ]);
  answer.adopt(egress.errors);

  const nodes = new Map<string, GraphNode>();
  const podsByWorkload = new Map<string, { meshed: number }>();
  const workloads = workloadsOf(snapshot, pods);
  for (const wl of workloads)
    podsByWorkload.set(nodeId(wl.namespace, wl.kind, wl.name), { meshed: wl.meshedPods });
  // Node ids and edges are found by the label values themselves (strings the engine holds
  // once, their hashes known) rather than by an id built per sample: a whole mesh's answer
  // reads tens of thousands of samples for a few thousand nodes and edges.
  const ids = new Map<string, Map<string, Map<string, string>>>();
  const ensureNode = (ns: string, kind: GraphNode['kind'], name: string): string => {
    let byKind = ids.get(ns);
    if (!byKind) ids.set(ns, (byKind = new Map()));
    let byName = byKind.get(kind);
    if (!byName) byKind.set(kind, (byName = new Map()));
    const known = byName.get(name);
    if (known !== undefined) return known;
    const id = nodeId(ns, kind, name);
    byName.set(name, id);
    if (!nodes.has(id)) {
      nodes.set(id, {
        id,
        namespace: ns,
        kind,
        name,
        meshed: (podsByWorkload.get(id)?.meshed ?? 0) > 0,
        ...NO_TRAFFIC,
      });
    }
    return id;
  };
  for (const wl of workloads) {
    if (wanted.has(wl.namespace) && wl.namespace !== snapshot.linkerdNamespace)
      ensureNode(wl.namespace, wl.kind, wl.name);
  }

  const edges = new Map<string, EdgeAcc>();
  const edgesFrom = new Map<string, Map<string, EdgeAcc>>();
  const edgeBetween = (source: string, target: string): EdgeAcc => {
    let bySource = edgesFrom.get(source);
    if (!bySource) edgesFrom.set(source, (bySource = new Map()));
    let acc = bySource.get(target);
    if (!acc) {
      const id = `${source}>${target}`;
      acc = {
        id,
        source,
        target,
        success: 0,
        failure: 0,
        secured: 0,
        plain: new Map(),
        serverIds: new Set(),
        p95: null,
        tcpBytes: 0,
      };
      edges.set(id, acc);
      bySource.set(target, acc);
    }
    return acc;
  };
  const edgeOf = (labels: Record<string, string>): EdgeAcc | undefined => {
    const src = names.source(labels);
    const dst = names.destination(labels);
    if (!src || !dst || !labels.namespace || !labels.dst_namespace) return undefined;
    return edgeBetween(
      ensureNode(labels.namespace, src.kind, src.name),
      ensureNode(labels.dst_namespace, dst.kind, dst.name),
    );
  };
  const edgeOfUnowned = (labels: Record<string, string>): EdgeAcc | undefined => {
    const src = names.source(labels);
    const dst = names.destinationByService(labels);
    if (!src || !dst || !labels.namespace) return undefined;
    return edgeBetween(
      ensureNode(labels.namespace, src.kind, src.name),
      ensureNode(dst.namespace, dst.ref.kind, dst.ref.name),
    );
  };
  // With two scopes (clients in the namespaces, servers in them) a series can answer both.
  const seen = new Set<string>();
  const dedupe =
    scoped.length === 1
      ? () => true
      : (s: Sample) => {
          const k = JSON.stringify(s.labels);
          if (seen.has(k)) return false;
          seen.add(k);
          return true;
        };
  for (const [resp, req, lat, tcp, unownedResp, unownedReq] of scoped) {
    for (const s of resp) {
      const acc = dedupe(s) ? edgeOf(s.labels) : undefined;
      if (acc) countResponse(acc, s);
    }
    for (const s of unownedResp) {
      const acc = dedupe(s) ? edgeOfUnowned(s.labels) : undefined;
      if (acc) countResponse(acc, s);
    }
    const countTls = (acc: EdgeAcc | undefined, sample: Sample) => {
      if (!acc) return;
      const labels = sample.labels;
      const reason = tlsReason(labels);
      if (reason === undefined) acc.secured += sample.value;
      else acc.plain.set(reason, (acc.plain.get(reason) ?? 0) + sample.value);
      if (labels.server_id) acc.serverIds.add(labels.server_id);
    };
    for (const s of req) if (dedupe(s)) countTls(edgeOf(s.labels), s);
    for (const s of unownedReq) if (dedupe(s)) countTls(edgeOfUnowned(s.labels), s);
    for (const s of lat) {
      const acc = edgeOf(s.labels);
      const v = s.values['0.95'];
      if (acc && v !== undefined && Number.isFinite(v)) acc.p95 = v;
    }
    for (const s of tcp) {
      const acc = dedupe(s) ? edgeOf(s.labels) : undefined;
      if (!acc) continue;
      acc.tcpBytes += s.value;
      // Opaque traffic has no request metrics: TLS comes from the connection's labels.
      if (acc.success + acc.failure === 0) {
        const reason = tlsReason(s.labels);
        if (reason === undefined) acc.secured += s.value;
        else acc.plain.set(reason, (acc.plain.get(reason) ?? 0) + s.value);
        if (s.labels.server_id) acc.serverIds.add(s.labels.server_id);
      }
    }
  }
  // Clients without a proxy: the server only knows the traffic was plaintext.
  for (const s of fromUnmeshed) {
    const dst = names.source(s.labels);
    if (!dst || !s.labels.namespace) continue;
    const acc = edgeBetween(
      ensureNode(s.labels.namespace, 'unknown', 'unmeshed clients'),
      ensureNode(s.labels.namespace, dst.kind, dst.name),
    );
    acc.plain.set('no_tls_from_remote', (acc.plain.get('no_tls_from_remote') ?? 0) + s.value);
  }
  for (const s of fromUnmeshedResp) {
    const dst = names.source(s.labels);
    if (!dst || !s.labels.namespace) continue;
    const acc = edges.get(
      `${nodeId(s.labels.namespace, 'unknown', 'unmeshed clients')}>${nodeId(s.labels.namespace, dst.kind, dst.name)}`,
    );
    if (acc) countResponse(acc, s);
  }

  // Calls leaving the cluster, to the EgressNetwork that took them (refused ones as failures).
  for (const d of egress.destinations) {
    const net = d.network;
    if (!net || !(wanted.has(d.client.namespace) || wanted.has(net.namespace))) continue;
    const acc = edgeBetween(
      ensureNode(d.client.namespace, d.client.kind, d.client.name),
      ensureNode(net.namespace, EGRESS_NETWORK_KIND, net.name),
    );
    if (d.protocol === 'http' || d.protocol === 'grpc') {
      acc.failure += d.failedPerSecond;
      acc.success += d.perSecond - d.failedPerSecond;
    }
  }

  // Node stats: server-side for meshed workloads, else what their clients saw.
  const nodeTally = new Map<string, { success: number; failure: number }>();
  for (const s of nodeResp) {
    const wl = names.source(s.labels);
    if (!wl || !s.labels.namespace) continue;
    const id = nodeId(s.labels.namespace, wl.kind, wl.name);
    const t = nodeTally.get(id) ?? { success: 0, failure: 0 };
    countResponse(t, s);
    nodeTally.set(id, t);
  }
  // Workloads whose series carry several label values (a Rollout's ReplicaSets): their
  // quantiles, and those of their edges, come from queries of their own.
  const spanning = new Set(
    (latency ? names.spanning() : [])
      .filter((x) => wanted.has(x.namespace))
      .map((x) => nodeId(x.namespace, x.kind, x.name)),
  );
  const ref = (id: string) => {
    const n = nodes.get(id);
    return n ? { namespace: n.namespace, kind: n.kind, name: n.name } : undefined;
  };
  const quantilesOf = async (matchers: Matcher[], quantiles: number[]) =>
    (
      await answer.metrics(
        e.quantiles({
          histogram: 'response_latency_ms',
          matchers,
          by: [],
          windowSeconds: w,
          quantiles,
        }),
      )
    )[0]?.values;
  const [spanningNodeLat] = await Promise.all([
    Promise.all(
      [...spanning].map(async (id) => {
        const r = ref(id);
        const values = r
          ? await quantilesOf(
              [eq('direction', 'inbound'), ...names.self(r.namespace, r.kind, r.name)],
              QUANTILES,
            )
          : undefined;
        return [id, values] as const;
      }),
    ).then((l) => new Map(l)),
    Promise.all(
      [...edges.values()]
        .filter((acc) => spanning.has(acc.source) || spanning.has(acc.target))
        .map(async (acc) => {
          const [src, dst] = [ref(acc.source), ref(acc.target)];
          if (!src || !dst || dst.kind === 'unknown' || src.kind === 'unknown') return;
          const v = await quantilesOf(
            [
              eq('direction', 'outbound'),
              ...names.self(src.namespace, src.kind, src.name),
              ...names.destinationOf(dst.namespace, dst.kind, dst.name),
            ],
            [0.95],
          );
          const p95 = v?.['0.95'];
          acc.p95 = p95 !== undefined && Number.isFinite(p95) ? p95 : null;
        }),
    ),
  ]);
  // Lookups by node, built once: a whole mesh has thousands of nodes and edges.
  const latencyByNode = new Map<string, Record<string, number>>();
  for (const l of nodeLat) {
    const wl = names.source(l.labels);
    const id = wl && l.labels.namespace && nodeId(l.labels.namespace, wl.kind, wl.name);
    if (id && !latencyByNode.has(id)) latencyByNode.set(id, l.values);
  }
  const incoming = new Map<string, { success: number; failure: number }>();
  for (const x of edges.values()) {
    const t = incoming.get(x.target) ?? { success: 0, failure: 0 };
    t.success += x.success;
    t.failure += x.failure;
    incoming.set(x.target, t);
  }
  for (const node of nodes.values()) {
    const t = nodeTally.get(node.id);
    if (t) {
      const lat = spanning.has(node.id) ? spanningNodeLat.get(node.id) : latencyByNode.get(node.id);
      Object.assign(node, golden(t.success, t.failure, lat));
    } else if (!node.meshed) {
      const calls = incoming.get(node.id);
      Object.assign(node, golden(calls?.success ?? 0, calls?.failure ?? 0));
    }
  }

  // A workload's identity: that of its first meshed pod.
  const identities = new Map<string, string | null>();
  for (const p of pods) {
    const id = nodeId(p.namespace, p.workload.kind, p.workload.name);
    if (p.meshed && !identities.has(id)) identities.set(id, p.identity ?? null);
  }
  const clientIdentity = (id: string): string | null =>
    nodes.get(id)?.meshed ? (identities.get(id) ?? null) : null;
  const edgeList: GraphEdge[] = [];
  for (const acc of edges.values()) {
    const http = acc.success + acc.failure > 0;
    const g = golden(acc.success, acc.failure);
    edgeList.push({
      id: acc.id,
      source: acc.source,
      target: acc.target,
      protocol: http ? 'http' : 'tcp',
      rps: g.rps,
      successRate: g.successRate,
      latencyMs: { p95: http ? acc.p95 : null },
      mtls: {
        ...mtlsOf(acc.secured, acc.plain),
        clientIdentity: clientIdentity(acc.source),
        serverIdentities: [...acc.serverIds].sort(),
      },
    });
  }
  return {
    window: window.text,
    namespaces: [...wanted].sort(),
    nodes: [...nodes.values()].sort((a, b) => a.id.localeCompare(b.id)),
    edges: edgeList.sort((a, b) => a.id.localeCompare(b.id)),
    errors: answer.errors,
  };
}
