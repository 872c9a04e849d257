import {
  Background,
  Controls,
  MarkerType,
  ReactFlow,
  useStoreApi,
  type Node,
  type Viewport,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useLayoutEffect, useMemo, useRef } from 'react';
import type { GraphActions } from './actions';
import { NODE_HEIGHT, NODE_WIDTH, type LayoutResult } from '@meshviz/shared/graph-layout';
import { ARRIVALS } from './layout-memory';
import { groupId, type GraphView } from './model';
import { MetricEdge, type EdgeLabelChoice, type MetricEdgeType } from './MetricEdge';
import {
  CollapsedNamespace,
  NamespaceGroup,
  WorkloadNode,
  type CollapsedNamespaceType,
  type NamespaceGroupType,
  type WorkloadNodeType,
} from './WorkloadNode';

const nodeTypes = {
  workload: WorkloadNode,
  namespace: NamespaceGroup,
  collapsed: CollapsedNamespace,
};
const edgeTypes = { metric: MetricEdge };

/** Never zoom in past 100% to fit a small graph: text would look oversized. */
const FIT = { padding: 0.1, maxZoom: 1 };

/** Many elements: render only what is on screen, so panning stays smooth at 1,000 nodes. */
const VIRTUALISE_FROM = 200;

/**
 * Keeps the element built for the same content, so that react-flow and the
 * memoised node and edge components skip everything a refresh did not change.
 */
function useStable<T>(owner: unknown): (id: string, signature: string, build: () => T) => T {
  const ref = useRef({ owner, built: new Map<string, { signature: string; value: T }>() });
  return (id, signature, build) => {
    // Elements hold `owner` (the actions): a new one makes every element anew.
    if (ref.current.owner !== owner) ref.current = { owner, built: new Map() };
    const known = ref.current.built.get(id);
    if (known?.signature === signature) return known.value;
    const value = build();
    ref.current.built.set(id, { signature, value });
    return value;
  };
}

/**
 * The thin renderer: laid-out nodes and edges into react-flow, read-only.
 * Clicking a node opens its workload; clicking an edge selects it. The view
 * is fitted once, when a drawing is first shown, and then left to the user:
 * refreshes and filters never move it.
 */
export function GraphCanvas({
  view,
  boxes,
  label,
  selectedEdge,
  actions,
  onSelectEdge,
  viewport,
  onViewportChange,
}: {
  view: GraphView;
  boxes: LayoutResult;
  label: EdgeLabelChoice;
  selectedEdge?: string;
  actions: GraphActions;
  onSelectEdge: (id: string) => void;
  /** Where the user left this drawing; fitted to the screen when absent. */
  viewport?: Viewport;
  onViewportChange: (v: Viewport) => void;
}) {
  const store = useStoreApi();
  const select = useRef(onSelectEdge);
  useLayoutEffect(() => {
    select.current = onSelectEdge;
  });
  const onSelect = useCallback((id: string) => select.current(id), []);
  const stableNode = useStable<Node>(actions);
  const stableEdge = useStable<MetricEdgeType>(onSelect);

  const nodes = useMemo(() => {
    // New node objects would otherwise lose the sizes react-flow measured and
    // stay hidden until measured again: carry them over.
    const lookup = store.getState().nodeLookup;
    const measured = (id: string) => {
      const m = lookup.get(id)?.measured;
      return m?.width !== undefined && m.height !== undefined
        ? { measured: { width: m.width, height: m.height } }
        : {};
    };
    const boxNode = (id: string, namespace: string, label: string) => {
      const box = boxes[id];
      if (!box) return undefined;
      return stableNode(id, `${box.x},${box.y},${box.width},${box.height},${label}`, () => {
        const group: NamespaceGroupType = {
          id,
          type: 'namespace',
          position: { x: box.x, y: box.y },
          style: { width: box.width, height: box.height },
          data: { namespace, label, actions: namespace ? actions : undefined },
          selectable: false,
          focusable: false,
          ...measured(id),
        };
        return group;
      });
    };
    const out: Node[] = [];
    for (const ns of view.groups) {
      const group = boxNode(groupId(ns), ns, ns);
      if (group) out.push(group);
    }
    const arrivals = boxNode(ARRIVALS, '', 'New since the layout');
    if (arrivals) out.push(arrivals);
    for (const n of view.nodes) {
      const box = boxes[n.id];
      if (!box) continue;
      const parent = box.parent !== undefined && view.groups.length ? box.parent : undefined;
      const signature = `${JSON.stringify(n)}@${box.x},${box.y},${parent ?? ''}`;
      out.push(
        stableNode(n.id, signature, () => {
          const common = {
            id: n.id,
            position: { x: box.x, y: box.y },
            // Known sizes: a node shows in the first frame instead of after being measured.
            initialWidth: NODE_WIDTH,
            initialHeight: NODE_HEIGHT,
            data: { node: n, actions },
            ...measured(n.id),
            ...(parent ? { parentId: parent, extent: 'parent' as const } : {}),
          };
          return n.members > 0
            ? ({ ...common, type: 'collapsed' } satisfies CollapsedNamespaceType)
            : ({ ...common, type: 'workload' } satisfies WorkloadNodeType);
        }),
      );
    }
    return out;
    // `stableNode` only reads a ref.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [view, boxes, store, actions]);

  const dimmed = useMemo(() => new Set(view.nodes.filter((n) => n.dim).map((n) => n.id)), [view]);
  const edges = useMemo(
    () =>
      view.edges.map((e) => {
        const selected = e.id === selectedEdge;
        const dim = dimmed.has(e.source) && dimmed.has(e.target);
        return stableEdge(e.id, `${JSON.stringify(e)}|${label}|${selected}|${dim}`, () => ({
          id: e.id,
          source: e.source,
          target: e.target,
          type: 'metric' as const,
          selected,
          markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
          data: { edge: e, label, dim, onSelect },
        }));
      }),
    // `stableEdge` only reads a ref.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [view, label, selectedEdge, dimmed, onSelect],
  );

  return (
    <ReactFlow
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      edgeTypes={edgeTypes}
      nodesDraggable={false}
      nodesConnectable={false}
      elementsSelectable
      onlyRenderVisibleElements={nodes.length >= VIRTUALISE_FROM}
      minZoom={0.05}
      maxZoom={2}
      {...(viewport ? { defaultViewport: viewport } : { fitView: true, fitViewOptions: FIT })}
      onMoveEnd={(_, v) => onViewportChange(v)}
      proOptions={{ hideAttribution: true }}
      onNodeClick={(_, node) => {
        if (node.type === 'workload') actions.open(node.id);
        if (node.type === 'collapsed')
          actions.expand?.((node as CollapsedNamespaceType).data.node.namespace);
      }}
      onEdgeClick={(_, edge) => onSelect(edge.id)}
    >
      <Background gap={24} />
      <Controls showInteractive={false} />
    </ReactFlow>
  );
}
