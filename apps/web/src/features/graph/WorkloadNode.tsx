import {
  Handle,
  Position,
  useStore,
  type Node,
  type NodeProps,
  type ReactFlowState,
} from '@xyflow/react';
import { memo, useEffect } from 'react';
import { formatPercent, formatRps, healthOf } from '../../format/format';
import type { GraphActions } from './actions';
import { nodeKindText } from './labels';
import type { ViewNode } from './model';
import { graphRenders } from './render-count';

/**
 * Below this zoom a node's kind and numbers are too small to read: it keeps
 * its name (a button, for the keyboard) and its health colour and shape,
 * which keeps a zoomed-out graph of a thousand nodes light to draw.
 */
const DETAIL_MIN_ZOOM = 0.3;
const detailed = (s: ReactFlowState) => s.transform[2] >= DETAIL_MIN_ZOOM;

export type WorkloadNodeType = Node<{ node: ViewNode; actions: GraphActions }, 'workload'>;

function Stats({ node }: { node: ViewNode }) {
  const health = healthOf(node.successRate);
  return (
    <div className="node-stats">
      <span className={`sr sr-${health}`} aria-label="success rate">
        {formatPercent(node.successRate)}
      </span>
      <span aria-label="requests per second">{formatRps(node.rps)}</span>
    </div>
  );
}

/** Health by shape alone, for a zoomed-out node. */
function HealthMark({ node }: { node: ViewNode }) {
  const health = healthOf(node.successRate);
  return (
    <div className="node-stats">
      <span
        className={`sr sr-${health}`}
        aria-label={`success rate ${formatPercent(node.successRate)}`}
      />
    </div>
  );
}

const classesOf = (n: ViewNode, extra: string) =>
  [
    'graph-node',
    extra,
    `health-${healthOf(n.successRate)}`,
    n.meshed ? '' : 'unmeshed',
    n.match ? 'match' : '',
    n.dim ? 'dim' : '',
  ].join(' ');

/** A workload: name, kind, success rate and RPS; border coloured by health, dashed when unmeshed. */
export const WorkloadNode = memo(function WorkloadNode({ data }: NodeProps<WorkloadNodeType>) {
  useEffect(() => {
    graphRenders.nodes++;
  });
  const n = data.node;
  const { actions } = data;
  const detail = useStore(detailed);
  return (
    <div
      className={classesOf(n, '')}
      role="group"
      aria-label={`${n.namespace}/${n.name}`}
      data-testid={`node-${n.id}`}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      {n.kind === 'unknown' ? (
        <div className="node-name" title={`${n.namespace}/${n.name}`}>
          {n.name}
        </div>
      ) : (
        // A button, so the keyboard can open the workload as a click on the node does.
        <button
          type="button"
          className="node-name nodrag"
          title={`Open ${n.namespace}/${n.name}`}
          onClick={(e) => {
            e.stopPropagation();
            actions.open(n.id);
          }}
        >
          {n.name}
        </button>
      )}
      {detail && <div className="node-kind">{nodeKindText(n)}</div>}
      {detail ? <Stats node={n} /> : <HealthMark node={n} />}
      {detail && actions.focus && (
        <button
          type="button"
          className="node-focus nodrag"
          aria-label={`Focus on ${n.namespace}/${n.name}`}
          title="Show only this workload and its neighbours"
          onClick={(e) => {
            e.stopPropagation();
            actions.focus?.(n.id);
          }}
        >
          ◎
        </button>
      )}
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});

export type CollapsedNamespaceType = Node<{ node: ViewNode; actions: GraphActions }, 'collapsed'>;

/** A collapsed namespace: its workloads as one node, with their calls summed; a click expands it. */
export const CollapsedNamespace = memo(function CollapsedNamespace({
  data,
}: NodeProps<CollapsedNamespaceType>) {
  useEffect(() => {
    graphRenders.nodes++;
  });
  const n = data.node;
  return (
    <div
      className={classesOf(n, 'collapsed')}
      role="group"
      aria-label={`namespace ${n.namespace}, collapsed`}
      data-testid={`node-${n.id}`}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <button
        type="button"
        className="node-name nodrag"
        title={`Expand ${n.namespace}`}
        aria-label={`Expand namespace ${n.namespace}`}
        onClick={(e) => {
          e.stopPropagation();
          data.actions.expand?.(n.namespace);
        }}
      >
        ⊞ {n.namespace}
      </button>
      <div className="node-kind">{nodeKindText(n)}</div>
      <Stats node={n} />
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});

export type NamespaceGroupType = Node<
  { namespace: string; label: string; actions?: GraphActions },
  'namespace'
>;

/** The box around a namespace's workloads when the graph is grouped, with a collapse button. */
export const NamespaceGroup = memo(function NamespaceGroup({
  data,
}: NodeProps<NamespaceGroupType>) {
  const collapse = data.actions?.collapse;
  return (
    // Nodes that arrived after the layout share a box with no namespace.
    <div className={data.namespace ? 'graph-group' : 'graph-group graph-arrivals'}>
      <span className="group-label">
        {data.label}
        {collapse && (
          <button
            type="button"
            className="group-collapse nodrag"
            aria-label={`Collapse namespace ${data.namespace}`}
            title="Show this namespace as one node"
            onClick={(e) => {
              e.stopPropagation();
              collapse(data.namespace);
            }}
          >
            ⊟
          </button>
        )}
      </span>
    </div>
  );
});
