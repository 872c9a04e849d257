import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { kindTitle } from '../../app/paths';
import { formatPercent, formatRps, healthOf } from '../../format/format';
import type { ViewNode } from './model';

export type WorkloadNodeType = Node<{ node: ViewNode; onOpen: (id: string) => void }, 'workload'>;

/** A workload: name, kind, success rate and RPS; border coloured by health, dashed when unmeshed. */
export const WorkloadNode = memo(function WorkloadNode({ data }: NodeProps<WorkloadNodeType>) {
  const n = data.node;
  const health = healthOf(n.successRate);
  const classes = [
    'graph-node',
    `health-${health}`,
    n.meshed ? '' : 'unmeshed',
    n.match ? 'match' : '',
    n.dim ? 'dim' : '',
  ].join(' ');
  return (
    <div
      className={classes}
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
            data.onOpen(n.id);
          }}
        >
          {n.name}
        </button>
      )}
      <div className="node-kind">
        {n.kind === 'unknown' ? 'outside the mesh' : kindTitle(n.kind)}
        {!n.meshed && n.kind !== 'unknown' ? ' · unmeshed' : ''}
      </div>
      <div className="node-stats">
        <span className={`sr sr-${health}`} aria-label="success rate">
          {formatPercent(n.successRate)}
        </span>
        <span aria-label="requests per second">{formatRps(n.rps)}</span>
      </div>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});

export type NamespaceGroupType = Node<{ namespace: string }, 'namespace'>;

/** The box around a namespace's workloads when the graph is grouped. */
export const NamespaceGroup = memo(function NamespaceGroup({
  data,
}: NodeProps<NamespaceGroupType>) {
  return (
    <div className="graph-group">
      <span className="group-label">{data.namespace}</span>
    </div>
  );
});
