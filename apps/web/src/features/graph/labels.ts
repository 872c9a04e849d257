import { EGRESS_NETWORK_KIND } from '@meshviz/shared';
import { kindTitle } from '../../app/paths';
import { formatLatency, formatRps } from '../../format/format';
import type { EdgeLabelChoice } from './MetricEdge';
import type { ViewEdge, ViewNode } from './model';

/** A node's second line, on screen and in exports: its kind, or what a collapsed node holds. */
export function nodeKindText(n: ViewNode): string {
  if (n.members > 0) return `namespace · ${n.members} workload${n.members === 1 ? '' : 's'}`;
  if (n.kind === 'unknown') return 'outside the mesh';
  if (n.kind === EGRESS_NETWORK_KIND) return 'EgressNetwork · outside the cluster';
  return `${kindTitle(n.kind)}${n.meshed ? '' : ' · unmeshed'}`;
}

/** An edge's label: TCP, its RPS, or its p95 (the worst p95 of summed calls: quantiles do not add). */
export function edgeText(e: ViewEdge, label: EdgeLabelChoice): string {
  if (e.protocol === 'tcp') return 'TCP';
  if (label === 'p95')
    return `${e.members > 1 ? 'max p95' : 'p95'} ${formatLatency(e.latencyMs.p95)}`;
  return formatRps(e.rps);
}
