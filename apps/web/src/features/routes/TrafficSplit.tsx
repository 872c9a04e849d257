import type { RouteBackend, RoutesResponse } from '@meshviz/shared';
import { DataTable, type Column } from '../../components/DataTable';
import { figureColumn } from '../../components/figure-column';
import { SuccessRate } from '../../components/Metric';
import { formatLatency, formatLatencyBucket, formatPercent, formatRps } from '../../format/format';

interface SplitRow extends RouteBackend {
  route: string;
}

/**
 * Where each route's attempts went: its backend Services with the weight its
 * rules give them next to the share they took, and each one's success and
 * latency, as `linkerd viz stat-outbound` lists backends. A canary shows as
 * a backend with a small weight; a share far from its weight, or a backend
 * that fails where the others do not, is what to look at.
 */
export function TrafficSplit({ data }: { data: RoutesResponse }) {
  // Routes that split: more than one backend, configured or seen (one backend taking
  // everything is the route's parent, or a rule's only backendRef, and says nothing new).
  const rows: SplitRow[] = data.routes
    .filter((r) => (r.backends?.length ?? 0) > 1)
    .flatMap((r) => (r.backends ?? []).map((b) => ({ ...b, route: r.name })));
  if (rows.length === 0) return null;
  const bounds = data.backendLatencyBucketsMs;
  const latency = (v: number | null) =>
    bounds ? formatLatencyBucket(v, bounds) : formatLatency(v);
  const columns: Column<SplitRow>[] = [
    { key: 'route', header: 'Route', value: (r) => r.route, render: (r) => <code>{r.route}</code> },
    {
      key: 'backend',
      header: 'Backend',
      value: (r) => `${r.namespace}/${r.name}`,
      render: (r) => <code>{`${r.namespace}/${r.name}`}</code>,
    },
    figureColumn<SplitRow>('weight', 'Weight', (r) => r.weight, formatPercent),
    figureColumn<SplitRow>('share', 'Observed share', (r) => r.share, formatPercent),
    figureColumn<SplitRow>('rps', 'RPS', (r) => r.rps, formatRps),
    figureColumn<SplitRow>(
      'sr',
      'Success rate',
      (r) => r.successRate,
      (v) => <SuccessRate value={v} />,
    ),
    figureColumn<SplitRow>('p95', 'Latency p95', (r) => r.latencyMs.p95, latency),
  ];
  return (
    <section aria-label="Traffic split" className="traffic-split">
      <h3>Traffic split</h3>
      <p className="caption">
        Where each route sent its attempts (retries included) over the last {data.window}: the
        weight its rules give each backend Service, the share of attempts it took, and how they
        fared.
      </p>
      <DataTable
        id="split"
        label="Traffic split"
        rows={rows}
        columns={columns}
        rowKey={(r) => `${r.route}>${r.namespace}/${r.name}`}
        defaultSort=""
        empty="No backends in the window."
      />
    </section>
  );
}
