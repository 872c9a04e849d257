import {
  BaseEdge,
  EdgeLabelRenderer,
  getBezierPath,
  useStore,
  type Edge,
  type EdgeProps,
  type ReactFlowState,
} from '@xyflow/react';
import { EGRESS_NETWORK_KIND } from '@meshviz/shared';
import { memo, useEffect } from 'react';
import { HEALTH_COLOUR, healthOf } from '../../format/format';
import { MtlsMark } from '../../components/MtlsMark';
import { edgeText } from './labels';
import type { ViewEdge } from './model';
import { graphRenders } from './render-count';

export type EdgeLabelChoice = 'rps' | 'p95';

/** A node id (`ns/kind/name`) that stands for an EgressNetwork. */
const isEgress = (id: string) => id.split('/')[1] === EGRESS_NETWORK_KIND;

/**
 * Below this zoom labels are unreadable anyway; dropping them keeps panning
 * smooth when a large graph is zoomed out (a boolean selector re-renders an
 * edge only when the threshold is crossed).
 */
const LABEL_MIN_ZOOM = 0.45;
const showLabels = (s: ReactFlowState) => s.transform[2] >= LABEL_MIN_ZOOM;

export type MetricEdgeType = Edge<
  {
    edge: ViewEdge;
    label: EdgeLabelChoice;
    dim: boolean;
    onSelect: (id: string) => void;
  },
  'metric'
>;

/**
 * An edge's line by its mTLS state, so the state reads without colour and
 * without the label (hidden when zoomed out): solid when every request was
 * secured, dotted when some were, dashed when none.
 */
export const MTLS_DASH: Record<'all' | 'some' | 'none' | 'idle', string | undefined> = {
  all: undefined,
  some: '1 4',
  none: '6 4',
  idle: undefined,
};

/** A call between workloads: coloured by success rate, labelled with RPS or p95, with its mTLS mark. */
export const MetricEdge = memo(function MetricEdge(props: EdgeProps<MetricEdgeType>) {
  useEffect(() => {
    graphRenders.edges++;
  });
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, selected } =
    props;
  const [path, labelX, labelY] = getBezierPath({
    sourceX,
    sourceY,
    targetX,
    targetY,
    sourcePosition,
    targetPosition,
  });
  const labelled = useStore(showLabels);
  if (!data) return null;
  const e = data.edge;
  const colour = HEALTH_COLOUR[healthOf(e.successRate)];
  const text = edgeText(e, data.label);
  return (
    <>
      <BaseEdge
        id={id}
        path={path}
        markerEnd={props.markerEnd}
        style={{
          stroke: colour,
          strokeWidth: selected ? 3 : 1.6,
          opacity: data.dim ? 0.25 : 1,
          strokeDasharray: MTLS_DASH[e.mtls.state ?? 'idle'],
          strokeLinecap: e.mtls.state === 'some' ? 'round' : undefined,
        }}
      />
      {labelled && (
        <EdgeLabelRenderer>
          <div
            className={`edge-label nodrag nopan${data.dim ? ' dim' : ''}`}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
            role="group"
            aria-label={`edge ${e.source} to ${e.target}`}
            data-testid={`edge-${e.id}`}
          >
            <button
              type="button"
              className="edge-value"
              style={{ borderColor: colour }}
              onClick={() => data.onSelect(e.id)}
              aria-label={`Details of ${e.source} to ${e.target}: ${text}`}
            >
              {text}
            </button>
            {isEgress(e.target) ? (
              <span
                className="mtls mtls-idle"
                title="Leaves the cluster through an EgressNetwork: mTLS does not apply"
              >
                egress
              </span>
            ) : (
              <MtlsMark mtls={e.mtls} />
            )}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
});
