import {
  Background,
  Controls,
  MarkerType,
  ReactFlow,
  useReactFlow,
  useStoreApi,
  type Node,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect, useMemo } from 'react';
import type { LayoutResult } from './layout';
import { groupId, type GraphView } from './model';
import { MetricEdge, type EdgeLabelChoice, type MetricEdgeType } from './MetricEdge';
import {
  NamespaceGroup,
  WorkloadNode,
  type NamespaceGroupType,
  type WorkloadNodeType,
} from './WorkloadNode';

const nodeTypes = { workload: WorkloadNode, namespace: NamespaceGroup };
const edgeTypes = { metric: MetricEdge };

/** Never zoom in past 100% to fit a small graph: text would look oversized. */
const FIT = { padding: 0.1, maxZoom: 1 };

/** Many elements: render only what is on screen, so panning stays smooth at 1,000 nodes. */
const VIRTUALISE_FROM = 200;

/**
 * The thin renderer: laid-out nodes and edges into react-flow, read-only.
 * Clicking a node opens its workload; clicking an edge selects it.
 */
export function GraphCanvas({
  view,
  boxes,
  label,
  selectedEdge,
  onSelectEdge,
  onOpenNode,
}: {
  view: GraphView;
  boxes: LayoutResult;
  label: EdgeLabelChoice;
  selectedEdge?: string;
  onSelectEdge: (id: string) => void;
  onOpenNode: (id: string) => void;
}) {
  const store = useStoreApi();
  const nodes = useMemo(() => {
    // New node objects (a search, new numbers) would otherwise lose the sizes react-flow
    // measured and stay hidden until measured again: carry them over.
    const lookup = store.getState().nodeLookup;
    const measured = (id: string) => {
      const m = lookup.get(id)?.measured;
      return m?.width !== undefined && m.height !== undefined
        ? { measured: { width: m.width, height: m.height } }
        : {};
    };
    const out: Node[] = [];
    for (const ns of view.groups) {
      const box = boxes[groupId(ns)];
      if (!box) continue;
      const group: NamespaceGroupType = {
        id: groupId(ns),
        type: 'namespace',
        position: { x: box.x, y: box.y },
        style: { width: box.width, height: box.height },
        data: { namespace: ns },
        selectable: false,
        focusable: false,
        ...measured(groupId(ns)),
      };
      out.push(group);
    }
    for (const n of view.nodes) {
      const box = boxes[n.id];
      if (!box) continue;
      const node: WorkloadNodeType = {
        id: n.id,
        type: 'workload',
        position: { x: box.x, y: box.y },
        data: { node: n, onOpen: onOpenNode },
        ...measured(n.id),
        ...(view.groups.length
          ? { parentId: groupId(n.namespace), extent: 'parent' as const }
          : {}),
      };
      out.push(node);
    }
    return out;
  }, [view, boxes, onOpenNode, store]);

  const dimmed = useMemo(() => new Set(view.nodes.filter((n) => n.dim).map((n) => n.id)), [view]);
  const edges = useMemo(
    () =>
      view.edges.map((e): MetricEdgeType => ({
        id: e.id,
        source: e.source,
        target: e.target,
        type: 'metric',
        selected: e.id === selectedEdge,
        markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
        data: {
          edge: e,
          label,
          dim: dimmed.has(e.source) && dimmed.has(e.target),
          onSelect: onSelectEdge,
        },
      })),
    [view, label, selectedEdge, dimmed, onSelectEdge],
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
      fitView
      fitViewOptions={FIT}
      proOptions={{ hideAttribution: true }}
      onNodeClick={(_, node) => {
        if (node.type === 'workload') onOpenNode(node.id);
      }}
      onEdgeClick={(_, edge) => onSelectEdge(edge.id)}
    >
      <FitOnChange shape={nodes.length} />
      <Background gap={24} />
      <Controls showInteractive={false} />
    </ReactFlow>
  );
}

/** Fits the view again when the set of nodes changes (new layout, filters). */
function FitOnChange({ shape }: { shape: number }) {
  const flow = useReactFlow();
  useEffect(() => {
    const t = setTimeout(() => void flow.fitView(FIT), 0);
    return () => clearTimeout(t);
  }, [shape, flow]);
  return null;
}
