import type { GraphEdge, GraphNode, GraphResponse } from '@meshviz/shared';
import { healthOf } from '../../format/format';

/** How the user filters the graph; all of it lives in the URL. */
export interface GraphFilters {
  /** Text matched against names (or `namespace/name`); matches are highlighted, the rest dimmed. */
  search: string;
  hideIdle: boolean;
  hideHealthy: boolean;
  groupByNamespace: boolean;
}

export interface ViewNode extends GraphNode {
  match: boolean;
  dim: boolean;
}

export interface GraphView {
  nodes: ViewNode[];
  edges: GraphEdge[];
  /** Namespaces of the shown nodes, when grouping; empty otherwise. */
  groups: string[];
  matches: number;
}

const busy = (rps: number | null) => rps !== null && rps > 0;
const unhealthy = (sr: number | null) => {
  const h = healthOf(sr);
  return h === 'poor' || h === 'warning';
};

/**
 * The shown graph from the API's graph: filters applied, search marked.
 * Pure, so it is tested without a browser and reused by the bench.
 */
export function graphView(
  graph: Pick<GraphResponse, 'nodes' | 'edges'>,
  f: GraphFilters,
): GraphView {
  let edges = graph.edges;
  let keep = new Set(graph.nodes.map((n) => n.id));

  if (f.hideIdle) {
    edges = edges.filter((e) => busy(e.rps));
    const active = new Set(edges.flatMap((e) => [e.source, e.target]));
    keep = new Set(graph.nodes.filter((n) => busy(n.rps) || active.has(n.id)).map((n) => n.id));
  }
  if (f.hideHealthy) {
    // Keep what is failing and whatever it talks to, so a failure keeps its context.
    const bad = edges.filter((e) => unhealthy(e.successRate));
    const around = new Set(bad.flatMap((e) => [e.source, e.target]));
    for (const n of graph.nodes) if (unhealthy(n.successRate)) around.add(n.id);
    keep = new Set([...keep].filter((id) => around.has(id)));
  }
  edges = edges.filter((e) => keep.has(e.source) && keep.has(e.target));

  const needle = f.search.trim().toLowerCase();
  let matches = 0;
  const nodes: ViewNode[] = graph.nodes
    .filter((n) => keep.has(n.id))
    .map((n) => {
      // Names only, unless the search names a namespace too (`emojivoto/web`).
      const text = needle.includes('/') ? `${n.namespace}/${n.name}` : n.name;
      const match = needle !== '' && text.toLowerCase().includes(needle);
      if (match) matches++;
      return { ...n, match, dim: needle !== '' && !match };
    });
  const groups = f.groupByNamespace ? [...new Set(nodes.map((n) => n.namespace))].sort() : [];
  return { nodes, edges, groups, matches };
}

/** A key that changes only when the graph's shape does, so refreshed numbers do not re-layout. */
export function shapeKey(view: GraphView): string {
  return [
    view.groups.join(','),
    view.nodes.map((n) => n.id).join('|'),
    view.edges.map((e) => e.id).join('|'),
  ].join('#');
}

export const groupId = (namespace: string) => `namespace:${namespace}`;
