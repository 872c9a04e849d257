/**
 * The service graph's layout, the same wherever it runs: in the API (one
 * warm engine, results shared by every viewer) or in the browser's worker
 * when the API cannot. Pure: ELK itself is loaded by the caller.
 */
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';

/** The id of a namespace's box in the graph and its layout. */
export const groupId = (namespace: string) => `namespace:${namespace}`;

export const NODE_WIDTH = 190;
export const NODE_HEIGHT = 68;
const GROUP_PADDING = '[top=40,left=20,bottom=20,right=20]';

export interface LayoutInput {
  /** `group`: the namespace box the node is drawn in, if any. */
  nodes: { id: string; group?: string }[];
  edges: { id: string; source: string; target: string }[];
  groups: string[];
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
  /** The group box this one sits in; its position is then relative to that box. */
  parent?: string;
}

/** Positions by node id; group boxes by group id. Child positions are relative to their group. */
export type LayoutResult = Record<string, Box>;

/** Set on the root and on every namespace box: ELK reads these per compound node. */
const SPACING = {
  // Edges are drawn by the canvas, not along ELK's routes: the cheapest routing will do
  // (orthogonal routing is about a quarter of a 100-node layout, in Node).
  'elk.edgeRouting': 'POLYLINE',
  'elk.spacing.nodeNode': '30',
  // Room between layers for the edge labels (value and mTLS mark).
  'elk.layered.spacing.nodeNodeBetweenLayers': '150',
};

/** Layered, left to right (clients to servers), as service graphs read. */
export function elkGraph(input: LayoutInput): ElkNode {
  const leaf = (id: string): ElkNode => ({ id, width: NODE_WIDTH, height: NODE_HEIGHT });
  // One layered pass across namespaces costs about 6x more (0.6-1.0 s at 100 nodes on two
  // slow cores, against 0.1 s for namespaces laid out one by one): only for small graphs.
  const large = input.nodes.length > 60;
  const edges: ElkExtendedEdge[] = input.edges
    .filter((e) => e.source !== e.target)
    .map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] }));
  const members = new Map<string, ElkNode[]>();
  const children: ElkNode[] = [];
  for (const n of input.nodes) {
    if (n.group === undefined) {
      children.push(leaf(n.id));
      continue;
    }
    const list = members.get(n.group) ?? [];
    list.push(leaf(n.id));
    members.set(n.group, list);
  }
  for (const ns of input.groups)
    children.push({
      id: groupId(ns),
      layoutOptions: { ...SPACING, 'elk.padding': GROUP_PADDING },
      children: members.get(ns) ?? [],
    });
  return {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      // Small graphs: one layered pass across namespaces, so cross-namespace calls also flow
      // left to right. Large ones: each namespace on its own, which is far cheaper.
      'elk.hierarchyHandling': large ? 'SEPARATE_CHILDREN' : 'INCLUDE_CHILDREN',
      ...SPACING,
      'elk.spacing.componentComponent': '40',
      // Thousands of nodes: fewer crossing-minimisation sweeps keep the layout within seconds.
      ...(large ? { 'elk.layered.thoroughness': '1' } : {}),
    },
    children,
    edges,
  };
}

/** Flattens ELK's answer into boxes by id. */
export function boxesOf(laid: ElkNode): LayoutResult {
  const out: LayoutResult = {};
  const walk = (n: ElkNode, parent?: string) => {
    for (const c of n.children ?? []) {
      const box: Box = { x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? 0, height: c.height ?? 0 };
      out[c.id] = parent === undefined ? box : { ...box, parent };
      walk(c, c.id);
    }
  };
  walk(laid);
  return out;
}

/** What the layout reads of a call: its ends, and its rate to pick the busiest on dense graphs. */
interface LayoutEdge {
  id: string;
  source: string;
  target: string;
  rps: number | null;
}

/** Above this many workloads the graph opens with every namespace collapsed. */
export const COLLAPSE_FROM = 1500;

/** Calls per node the layout considers on a dense graph, each way. */
const LAYOUT_EDGES_EACH_WAY = 2;

/**
 * The calls the layout places nodes by. A dense graph (100 collapsed
 * namespaces with 4,600 summed edges between them) takes the layout engine
 * a minute; its busiest calls alone give the same left-to-right reading in
 * well under a second. So beyond three edges a node, each node keeps its
 * two busiest calls out and its two busiest calls in. Every edge is still
 * drawn; only the placement ignores the rest.
 */
export function layoutEdges<E extends LayoutEdge>(edges: E[], nodes: number): E[] {
  if (edges.length <= 3 * nodes) return edges;
  const busiest = (a: E, b: E) => (b.rps ?? 0) - (a.rps ?? 0) || a.id.localeCompare(b.id);
  const out = new Map<string, E[]>();
  const into = new Map<string, E[]>();
  for (const e of edges) {
    if (e.source === e.target) continue;
    (out.get(e.source) ?? out.set(e.source, []).get(e.source)!).push(e);
    (into.get(e.target) ?? into.set(e.target, []).get(e.target)!).push(e);
  }
  const keep = new Set<E>();
  for (const lists of [out, into])
    for (const list of lists.values())
      for (const e of list.sort(busiest).slice(0, LAYOUT_EDGES_EACH_WAY)) keep.add(e);
  return edges.filter((e) => keep.has(e));
}

/**
 * The layout input of a drawing, built the same way in the browser and in the
 * API (which lays out a graph answer ahead of its viewers): every node, in a
 * namespace box when grouped and not folded into a collapsed namespace; the
 * calls `layoutEdges` keeps; the boxes, sorted.
 */
export function layoutInputOf(
  nodes: { id: string; namespace: string; folded?: boolean }[],
  edges: LayoutEdge[],
  groupByNamespace: boolean,
): LayoutInput {
  return {
    nodes: nodes.map((n) =>
      groupByNamespace && !n.folded ? { id: n.id, group: n.namespace } : { id: n.id },
    ),
    edges: layoutEdges(edges, nodes.length).map((e) => ({
      id: e.id,
      source: e.source,
      target: e.target,
    })),
    groups: groupByNamespace
      ? [...new Set(nodes.filter((n) => !n.folded).map((n) => n.namespace))].sort()
      : [],
  };
}

/** Lays a graph out with an ELK instance (the caller's: a Web Worker's, or the API's thread's). */
export async function layOut(
  elk: { layout(graph: ElkNode): Promise<ElkNode> },
  input: LayoutInput,
): Promise<LayoutResult> {
  return boxesOf(await elk.layout(elkGraph(input)));
}
