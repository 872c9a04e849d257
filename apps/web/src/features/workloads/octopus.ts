import type { GraphNode, WorkloadDetail } from '@meshviz/shared';
import type { LayoutResult } from '@meshviz/shared/graph-layout';
import { NODE_HEIGHT, NODE_WIDTH } from '@meshviz/shared/graph-layout';
import type { GraphView } from '../graph/model';

const COLUMN_GAP = 200;
const ROW_GAP = 24;

/** The workload as a graph node, so it sits in the middle of its neighbours. */
export function selfNode(d: WorkloadDetail): GraphNode {
  const w = d.workload;
  return {
    id: `${w.namespace}/${w.kind}/${w.name}`,
    namespace: w.namespace,
    kind: w.kind,
    name: w.name,
    meshed: w.meshedPods > 0,
    successRate: w.successRate,
    rps: w.rps,
    latencyMs: w.latencyMs,
  };
}

/**
 * The "octopus": clients in a column on the left, the workload in the
 * middle, the servers it calls on the right. A fixed layout, no worker.
 */
export function octopus(d: WorkloadDetail): { view: GraphView; boxes: LayoutResult } {
  const self = selfNode(d);
  const left = d.inbound.map((n) => n.node);
  const right = d.outbound.map((n) => n.node);
  const boxes: LayoutResult = {};
  const tallest = Math.max(left.length, right.length, 1);
  const height = (count: number) => count * NODE_HEIGHT + (count - 1) * ROW_GAP;
  const column = (nodes: GraphNode[], x: number) => {
    const top = (height(tallest) - height(nodes.length)) / 2;
    nodes.forEach((n, i) => {
      boxes[n.id] = {
        x,
        y: top + i * (NODE_HEIGHT + ROW_GAP),
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
      };
    });
  };
  column(left, 0);
  column(right, 2 * (NODE_WIDTH + COLUMN_GAP));
  boxes[self.id] = {
    x: NODE_WIDTH + COLUMN_GAP,
    y: (height(tallest) - NODE_HEIGHT) / 2,
    width: NODE_WIDTH,
    height: NODE_HEIGHT,
  };
  // A workload calling itself would sit on both sides; it keeps its place in the middle.
  const seen = new Set<string>();
  const nodes = [self, ...left, ...right]
    .filter((n) => (seen.has(n.id) ? false : (seen.add(n.id), true)))
    .map((n) => ({ ...n, match: false, dim: false, members: 0 }));
  const edges = [...d.inbound, ...d.outbound].map((n) => ({ ...n.edge, members: 1 }));
  const layout = {
    nodes: nodes.map((n) => ({ id: n.id })),
    edges: edges.map((e) => ({ id: e.id, source: e.source, target: e.target })),
    groups: [],
  };
  return {
    view: { nodes, edges, groups: [], matches: 0, layout, layoutScope: 'octopus' },
    boxes,
  };
}
