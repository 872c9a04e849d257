import { useQuery } from '@tanstack/react-query';
import { ReactFlowProvider } from '@xyflow/react';
import { useMemo, useState } from 'react';
import { download, fileName } from '../../components/download';
import { useGraphActions } from './actions';
import { graphSvg, svgToPng } from './export-image';
import { GraphCanvas } from './GraphCanvas';
import { graphLayouts } from './layout-memory';
import type { EdgeLabelChoice } from './MetricEdge';
import { shapeKey, type GraphView } from './model';
import { runLayout } from './run-layout';

/** What the drawing shows, in words. */
function shown(view: GraphView): string {
  const workloads = view.nodes.reduce((sum, n) => sum + (n.members || 1), 0);
  const folded = view.nodes.filter((n) => n.members > 0).length;
  return [
    `${view.nodes.length} nodes`,
    `${view.edges.length} edges`,
    folded ? `${folded} namespaces collapsed (${workloads} workloads)` : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

/**
 * A graph view laid out (in the worker) and rendered. The drawing is kept
 * per scope for the session (`graphLayouts`): refreshed numbers, filters and
 * new nodes never move a node, and a revisit shows the graph without laying
 * it out again.
 */
export function ServiceGraph({
  view,
  scope,
  label,
  selectedEdge,
  onSelectEdge,
  onOpenNode,
  onFocusNode,
  onExpand,
  onCollapse,
  exportAs,
  height = 560,
}: {
  view: GraphView;
  /** What graph this is (page and namespaces), so each keeps its own drawing. */
  scope: string;
  label: EdgeLabelChoice;
  selectedEdge?: string;
  onSelectEdge: (id: string) => void;
  onOpenNode: (id: string) => void;
  onFocusNode?: (id: string) => void;
  onExpand?: (namespace: string) => void;
  onCollapse?: (namespace: string) => void;
  /** Offers SVG and PNG downloads, named after this view and window. */
  exportAs?: { what: string; window: string };
  height?: number | string;
}) {
  const fullScope = `${scope}|${view.layoutScope}`;
  const [generation, setGeneration] = useState(0);
  const placed = useMemo(
    () => graphLayouts.place(fullScope, view.layout),
    // `generation` forces a fresh look after "Lay out again".
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [fullScope, view.layout, generation],
  );
  const layout = useQuery({
    queryKey: ['graph-layout', fullScope, generation, placed ? '' : shapeKey(view.layout)],
    queryFn: async () => {
      // User Timing marks: the web benchmark reads the layout's share of the first paint.
      performance.mark('meshviz:layout-start');
      const boxes = await runLayout(view.layout);
      performance.measure('meshviz:layout', 'meshviz:layout-start');
      return graphLayouts.keep(fullScope, boxes, view.layout.nodes.length);
    },
    enabled: !placed,
    staleTime: Infinity,
    gcTime: 0,
    retry: false,
  });
  const drawing = placed ?? layout.data;

  const actions = useGraphActions({
    open: onOpenNode,
    focus: onFocusNode,
    expand: onExpand,
    collapse: onCollapse,
  });

  const [exportError, setExportError] = useState('');
  const saveImage = async (type: 'svg' | 'png') => {
    if (!drawing || !exportAs) return;
    const title = `meshviz · ${exportAs.what} · last ${exportAs.window}`;
    const { svg, width, height } = graphSvg(view, drawing.boxes, label, title);
    const name = fileName(exportAs.what, exportAs.window, type);
    try {
      setExportError('');
      if (type === 'svg') download(name, svg, 'image/svg+xml');
      else download(name, await svgToPng(svg, width, height), 'image/png');
    } catch (err) {
      setExportError(
        `Could not export the graph: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  };
  const relayout = () => {
    graphLayouts.forget(fullScope);
    setGeneration((g) => g + 1);
  };

  if (view.nodes.length === 0) {
    return <p className="state empty">No workloads to show with these filters.</p>;
  }
  return (
    <div className="graph-canvas" style={{ height }} aria-label="Service graph" role="figure">
      {drawing ? (
        <>
          <ReactFlowProvider key={`${fullScope}#${drawing.drawing}`}>
            <GraphCanvas
              view={view}
              boxes={drawing.boxes}
              label={label}
              selectedEdge={selectedEdge}
              actions={actions}
              onSelectEdge={onSelectEdge}
              viewport={drawing.viewport}
              onViewportChange={(v) => graphLayouts.keepViewport(fullScope, v)}
            />
          </ReactFlowProvider>
          {/* Over the graph, not above it: a longer text must not move the graph down. */}
          <p className="graph-shown" role="status">
            {shown(view)}
          </p>
          <div className="graph-actions">
            <button
              type="button"
              onClick={relayout}
              title="Lay the whole graph out afresh; nodes will move"
            >
              Lay out again
            </button>
            {exportAs && (
              <>
                <button type="button" onClick={() => saveImage('svg')}>
                  Download SVG
                </button>
                <button type="button" onClick={() => void saveImage('png')}>
                  Download PNG
                </button>
              </>
            )}
          </div>
          {exportError && (
            <p className="state failed graph-export-error" role="alert">
              {exportError}
            </p>
          )}
        </>
      ) : layout.isError ? (
        <p className="state failed" role="alert">
          Could not lay out the graph: {layout.error.message}
        </p>
      ) : (
        <p className="state loading" role="status">
          Laying out {view.nodes.length} workloads…
        </p>
      )}
    </div>
  );
}
