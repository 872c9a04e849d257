import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { ReactFlowProvider } from '@xyflow/react';
import { GraphCanvas } from './GraphCanvas';
import type { EdgeLabelChoice } from './MetricEdge';
import { shapeKey, type GraphView } from './model';
import { runLayout } from './run-layout';

/**
 * A graph view laid out (in the worker) and rendered. The layout is cached
 * by the graph's shape, so refreshed numbers keep every node in place.
 */
export function ServiceGraph({
  view,
  label,
  selectedEdge,
  onSelectEdge,
  onOpenNode,
  height = 560,
}: {
  view: GraphView;
  label: EdgeLabelChoice;
  selectedEdge?: string;
  onSelectEdge: (id: string) => void;
  onOpenNode: (id: string) => void;
  height?: number | string;
}) {
  const key = shapeKey(view);
  const layout = useQuery({
    queryKey: ['graph-layout', key],
    queryFn: () =>
      runLayout({
        nodes: view.nodes.map((n) => ({ id: n.id, namespace: n.namespace })),
        edges: view.edges.map((e) => ({ id: e.id, source: e.source, target: e.target })),
        groups: view.groups,
      }),
    staleTime: Infinity,
    gcTime: 60_000,
    retry: false,
    // A new shape keeps the old positions until its layout arrives; new nodes appear then.
    placeholderData: keepPreviousData,
  });
  if (view.nodes.length === 0) {
    return <p className="state empty">No workloads to show with these filters.</p>;
  }
  return (
    <div className="graph-canvas" style={{ height }} aria-label="Service graph" role="figure">
      {layout.isPending ? (
        <p className="state loading" role="status">
          Laying out {view.nodes.length} workloads…
        </p>
      ) : layout.isError ? (
        <p className="state failed" role="alert">
          Could not lay out the graph: {layout.error.message}
        </p>
      ) : (
        <ReactFlowProvider>
          <GraphCanvas
            view={view}
            boxes={layout.data}
            label={label}
            selectedEdge={selectedEdge}
            onSelectEdge={onSelectEdge}
            onOpenNode={onOpenNode}
          />
        </ReactFlowProvider>
      )}
    </div>
  );
}
