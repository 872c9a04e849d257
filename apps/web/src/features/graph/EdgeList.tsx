import type { GraphEdge } from '@meshviz/shared';
import { useParam } from '../../app/url-state';
import { DataTable } from '../../components/DataTable';
import { edgeColumns } from '../../components/golden-columns';

/**
 * The graph's edges (those its filters show) as a table, closed until asked
 * for: every edge can be found, sorted and opened by keyboard or screen
 * reader, however far the graph is zoomed out. Open or closed lives in the URL.
 */
export function EdgeList({
  edges,
  onSelect,
}: {
  edges: GraphEdge[];
  onSelect: (id: string) => void;
}) {
  const [shown, setShown] = useParam('edges');
  const open = shown === 'table';
  return (
    <details
      className="edge-list"
      open={open}
      onToggle={(e) => {
        const now = e.currentTarget.open;
        if (now !== open) setShown(now ? 'table' : '', { replace: true });
      }}
    >
      <summary>Edges as a table ({edges.length})</summary>
      {open && (
        <DataTable<GraphEdge>
          id="edges"
          label="Edges"
          rows={edges}
          rowKey={(e) => e.id}
          filterOn={(e) => `${e.source} ${e.target}`}
          defaultSort="-rps"
          empty="No edges with these filters."
          columns={[
            {
              key: 'from',
              header: 'Client',
              value: (e) => e.source,
              render: (e) => (
                <button
                  type="button"
                  className="link"
                  onClick={() => onSelect(e.id)}
                  aria-label={`Details of ${e.source} to ${e.target}`}
                >
                  {e.source}
                </button>
              ),
            },
            { key: 'to', header: 'Server', value: (e) => e.target },
            { key: 'protocol', header: 'Protocol', value: (e) => e.protocol.toUpperCase() },
            ...edgeColumns<GraphEdge>((e) => e),
          ]}
        />
      )}
    </details>
  );
}
