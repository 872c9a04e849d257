import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import { groupId } from './model';

export const NODE_WIDTH = 190;
export const NODE_HEIGHT = 68;
const GROUP_PADDING = '[top=40,left=20,bottom=20,right=20]';

export interface LayoutInput {
  nodes: { id: string; namespace: string }[];
  edges: { id: string; source: string; target: string }[];
  groups: string[];
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Positions by node id; group boxes by group id. Child positions are relative to their group. */
export type LayoutResult = Record<string, Box>;

/** Set on the root and on every namespace box: ELK reads spacing per compound node. */
const SPACING = {
  'elk.spacing.nodeNode': '30',
  // Room between layers for the edge labels (value and mTLS mark).
  'elk.layered.spacing.nodeNodeBetweenLayers': '150',
};

/** Layered, left to right (clients to servers), as service graphs read. */
export function elkGraph(input: LayoutInput): ElkNode {
  const leaf = (id: string): ElkNode => ({ id, width: NODE_WIDTH, height: NODE_HEIGHT });
  const large = input.nodes.length > 300;
  const edges: ElkExtendedEdge[] = input.edges
    .filter((e) => e.source !== e.target)
    .map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] }));
  const children: ElkNode[] = input.groups.length
    ? input.groups.map((ns) => ({
        id: groupId(ns),
        layoutOptions: { ...SPACING, 'elk.padding': GROUP_PADDING },
        children: input.nodes.filter((n) => n.namespace === ns).map((n) => leaf(n.id)),
      }))
    : input.nodes.map((n) => leaf(n.id));
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
  const walk = (n: ElkNode) => {
    for (const c of n.children ?? []) {
      out[c.id] = { x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? 0, height: c.height ?? 0 };
      walk(c);
    }
  };
  walk(laid);
  return out;
}
