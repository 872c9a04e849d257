import type { GraphEdge, GraphNode, GraphResponse, Mtls } from '@meshviz/shared';
import { healthOf } from '../../format/format';
import { COLLAPSE_FROM, layoutInputOf, type LayoutInput } from '@meshviz/shared/graph-layout';

/** How the user filters the graph; all of it lives in the URL. */
export interface GraphFilters {
  /** Text matched against names (or `namespace/name`); matches are highlighted, the rest dimmed. */
  search: string;
  hideIdle: boolean;
  /** Errors only: failing workloads and edges, with the peers of failing edges. */
  hideHealthy: boolean;
  groupByNamespace: boolean;
  /** Namespaces drawn as one node each, with their calls summed. */
  collapsed?: ReadonlySet<string>;
  /** A node id: show it and its neighbours up to `hops` calls away, either way. */
  focus?: string;
  hops?: number;
  /** Keep only the N nodes with the most traffic (0: all). */
  top?: number;
  /** A namespace: show its workloads and their direct callers and callees only. */
  around?: string;
}

export interface ViewNode extends GraphNode {
  match: boolean;
  dim: boolean;
  /** Workloads folded into this node: 0 for a workload, more for a collapsed namespace. */
  members: number;
}

export interface ViewEdge extends GraphEdge {
  /** Calls summed into this edge: 1 between workloads, more between collapsed namespaces. */
  members: number;
}

export interface GraphView {
  nodes: ViewNode[];
  edges: ViewEdge[];
  /** Namespaces boxed in the shown graph, when grouping; empty otherwise. */
  groups: string[];
  matches: number;
  /**
   * What is laid out: the graph after collapsing, before any filter, so that
   * filters hide nodes without moving the others.
   */
  layout: LayoutInput;
  /** The drawing the layout belongs to (grouping and collapsed namespaces); filters leave it alone. */
  layoutScope: string;
}

const busy = (rps: number | null) => rps !== null && rps > 0;
const unhealthy = (sr: number | null) => {
  const h = healthOf(sr);
  return h === 'poor' || h === 'warning';
};

export { COLLAPSE_FROM, groupId, layoutEdges } from '@meshviz/shared/graph-layout';
/** The node standing for a collapsed namespace (`:` never occurs in Kubernetes names). */
export const collapsedId = (namespace: string) => `collapsed:${namespace}`;
export const COLLAPSED_PREFIX = 'collapsed:';

/** Success share and rate of `parts`, weighted by each part's requests. */
function summed(parts: { rps: number | null; successRate: number | null }[]): {
  rps: number | null;
  successRate: number | null;
} {
  let rps = 0;
  let ok = 0;
  let any = false;
  for (const p of parts) {
    if (p.rps === null) continue;
    any = true;
    rps += p.rps;
    ok += p.rps * (p.successRate ?? 0);
  }
  if (!any) return { rps: null, successRate: null };
  return { rps, successRate: rps > 0 ? ok / rps : null };
}

/** mTLS of summed calls: shares weighted by requests; `some` unless every part agrees. */
function summedMtls(parts: GraphEdge[]): GraphEdge['mtls'] {
  let total = 0;
  let secured = 0;
  const reasons = new Map<string, number>();
  const states = new Set<Mtls['state']>();
  const servers = new Set<string>();
  const clients = new Set<string | null>();
  for (const p of parts) {
    clients.add(p.mtls.clientIdentity);
    for (const s of p.mtls.serverIdentities) servers.add(s);
    if (p.mtls.state === null) continue;
    states.add(p.mtls.state);
    const r = p.rps ?? 0;
    total += r;
    secured += r * (p.mtls.securedShare ?? 0);
    for (const x of p.mtls.reasons)
      reasons.set(x.reason, (reasons.get(x.reason) ?? 0) + r * x.share);
  }
  const state: Mtls['state'] =
    states.size === 0 ? null : states.size === 1 ? [...states][0]! : 'some';
  return {
    securedShare: total > 0 ? secured / total : state === null ? null : state === 'all' ? 1 : 0,
    state,
    reasons: [...reasons]
      .map(([reason, share]) => ({ reason, share: total > 0 ? share / total : 0 }))
      .sort((a, b) => b.share - a.share),
    clientIdentity: clients.size === 1 ? [...clients][0]! : null,
    serverIdentities: [...servers].sort(),
  };
}

/**
 * The graph with each collapsed namespace folded into one node. Its calls
 * are summed per peer: rates add up, success and mTLS shares are weighted by
 * requests, and p95 is the worst of the summed calls (quantiles do not add).
 * Calls inside a collapsed namespace are counted in its node only.
 */
export function collapse(
  graph: Pick<GraphResponse, 'nodes' | 'edges'>,
  collapsed: ReadonlySet<string>,
): { nodes: ViewNode[]; edges: ViewEdge[] } {
  const plain = (n: GraphNode): ViewNode => ({ ...n, match: false, dim: false, members: 0 });
  if (collapsed.size === 0)
    return { nodes: graph.nodes.map(plain), edges: graph.edges.map((e) => ({ ...e, members: 1 })) };
  const where = new Map<string, string>();
  const members = new Map<string, GraphNode[]>();
  const nodes: ViewNode[] = [];
  for (const n of graph.nodes) {
    if (!collapsed.has(n.namespace)) {
      where.set(n.id, n.id);
      nodes.push(plain(n));
      continue;
    }
    const id = collapsedId(n.namespace);
    where.set(n.id, id);
    const list = members.get(id) ?? [];
    list.push(n);
    members.set(id, list);
  }
  for (const [id, list] of members) {
    const namespace = id.slice(COLLAPSED_PREFIX.length);
    const worst = Math.max(...list.map((n) => n.latencyMs.p95 ?? -1));
    nodes.push({
      id,
      namespace,
      kind: 'unknown',
      name: namespace,
      meshed: list.some((n) => n.meshed),
      ...summed(list),
      latencyMs: { p50: null, p95: worst < 0 ? null : worst, p99: null },
      match: false,
      dim: false,
      members: list.length,
    });
  }
  const byPair = new Map<string, GraphEdge[]>();
  for (const e of graph.edges) {
    const s = where.get(e.source) ?? e.source;
    const t = where.get(e.target) ?? e.target;
    const key = `${s}>${t}`;
    const list = byPair.get(key) ?? [];
    list.push(e);
    byPair.set(key, list);
  }
  const edges: ViewEdge[] = [];
  for (const [id, list] of byPair) {
    const [first] = list;
    if (!first) continue;
    if (list.length === 1 && first.id === id) {
      edges.push({ ...first, members: 1 });
      continue;
    }
    const [source = '', target = ''] = id.split('>');
    if (source === target) continue;
    const worst = Math.max(...list.map((e) => e.latencyMs.p95 ?? -1));
    edges.push({
      id,
      source,
      target,
      protocol: list.some((e) => e.protocol === 'http') ? 'http' : 'tcp',
      ...summed(list),
      latencyMs: { p95: worst < 0 ? null : worst },
      mtls: summedMtls(list),
      members: list.length,
    });
  }
  nodes.sort((a, b) => a.id.localeCompare(b.id));
  edges.sort((a, b) => a.id.localeCompare(b.id));
  return { nodes, edges };
}

/**
 * Namespaces drawn as one node: from `?collapsed=` (a list, or `none`), else,
 * on large graphs, all of them but the one namespace the user picked.
 */
export function collapsedSet(
  param: string,
  namespaces: string[],
  nodes: number,
  picked: string[],
): Set<string> {
  if (param === 'none') return new Set();
  if (param !== 'auto') return new Set(param.split(',').filter(Boolean));
  if (nodes <= COLLAPSE_FROM) return new Set();
  return new Set(namespaces.filter((n) => picked.length !== 1 || n !== picked[0]));
}

/** Nodes within `hops` calls of `from`, following calls either way. */
function neighbourhood(edges: ViewEdge[], from: string, hops: number): Set<string> {
  const peers = new Map<string, string[]>();
  const link = (a: string, b: string) => {
    const l = peers.get(a) ?? [];
    l.push(b);
    peers.set(a, l);
  };
  for (const e of edges) {
    link(e.source, e.target);
    link(e.target, e.source);
  }
  const seen = new Set([from]);
  let ring = [from];
  for (let h = 0; h < hops && ring.length; h++) {
    const next: string[] = [];
    for (const id of ring)
      for (const p of peers.get(id) ?? [])
        if (!seen.has(p)) {
          seen.add(p);
          next.push(p);
        }
    ring = next;
  }
  return seen;
}

/**
 * The shown graph from the API's graph: namespaces collapsed, filters
 * applied, search marked. Pure, so it is tested without a browser and reused
 * by the bench.
 */
export function graphView(
  graph: Pick<GraphResponse, 'nodes' | 'edges'>,
  f: GraphFilters,
): GraphView {
  const collapsedSet = f.collapsed ?? new Set<string>();
  const all = collapse(graph, collapsedSet);
  const folded = (n: ViewNode) => n.members > 0;
  const layout = layoutInputOf(
    all.nodes.map((n) => ({ id: n.id, namespace: n.namespace, folded: folded(n) })),
    all.edges,
    f.groupByNamespace,
  );
  const boxed = layout.groups;
  const layoutScope = `${f.groupByNamespace ? 'grouped' : 'flat'}|${[...collapsedSet].sort().join(',')}`;

  let edges = all.edges;
  let keep = new Set(all.nodes.map((n) => n.id));
  const restrict = (ids: Set<string>) => {
    keep = new Set([...keep].filter((id) => ids.has(id)));
    edges = edges.filter((e) => keep.has(e.source) && keep.has(e.target));
  };

  if (f.around) {
    // A collapsed namespace's node carries its namespace too.
    const insideIds = new Set(all.nodes.filter((n) => n.namespace === f.around).map((n) => n.id));
    edges = edges.filter((e) => insideIds.has(e.source) || insideIds.has(e.target));
    restrict(new Set([...insideIds, ...edges.flatMap((e) => [e.source, e.target])]));
  }
  if (f.focus && keep.has(f.focus)) restrict(neighbourhood(edges, f.focus, f.hops ?? 1));
  if (f.hideIdle) {
    edges = edges.filter((e) => busy(e.rps));
    const active = new Set(edges.flatMap((e) => [e.source, e.target]));
    restrict(new Set(all.nodes.filter((n) => busy(n.rps) || active.has(n.id)).map((n) => n.id)));
  }
  if (f.hideHealthy) {
    // Keep what is failing and whatever it talks to, so a failure keeps its context.
    const bad = edges.filter((e) => unhealthy(e.successRate));
    const around = new Set(bad.flatMap((e) => [e.source, e.target]));
    for (const n of all.nodes) if (unhealthy(n.successRate)) around.add(n.id);
    restrict(around);
  }
  if (f.top && f.top > 0 && keep.size > f.top) {
    // Traffic of a node: every call it takes part in, either way, or its own rate if more.
    const traffic = new Map<string, number>();
    for (const e of edges) {
      const r = e.rps ?? 0;
      traffic.set(e.source, (traffic.get(e.source) ?? 0) + r);
      traffic.set(e.target, (traffic.get(e.target) ?? 0) + r);
    }
    const score = (n: ViewNode) => Math.max(traffic.get(n.id) ?? 0, n.rps ?? 0);
    const ranked = all.nodes
      .filter((n) => keep.has(n.id))
      .sort((a, b) => score(b) - score(a) || a.id.localeCompare(b.id));
    restrict(new Set(ranked.slice(0, f.top).map((n) => n.id)));
  }
  edges = edges.filter((e) => keep.has(e.source) && keep.has(e.target));

  const needle = f.search.trim().toLowerCase();
  let matches = 0;
  const nodes: ViewNode[] = all.nodes
    .filter((n) => keep.has(n.id))
    .map((n) => {
      // Names only, unless the search names a namespace too (`emojivoto/web`).
      const text = needle.includes('/') ? `${n.namespace}/${n.name}` : n.name;
      const match = needle !== '' && text.toLowerCase().includes(needle);
      if (match) matches++;
      return { ...n, match, dim: needle !== '' && !match };
    });
  const shownGroups = new Set(nodes.filter((n) => !folded(n)).map((n) => n.namespace));
  const groups = boxed.filter((g) => shownGroups.has(g));
  return { nodes, edges, groups, matches, layout, layoutScope };
}

/** A key that changes only when the laid-out graph's shape does, so refreshed numbers do not re-layout. */
export function shapeKey(layout: LayoutInput): string {
  return [
    layout.groups.join(','),
    layout.nodes.map((n) => n.id).join('|'),
    layout.edges.map((e) => e.id).join('|'),
  ].join('#');
}
