import { useQuery } from '@tanstack/react-query';
import type { RouteRow, RoutesResponse } from '@meshviz/shared';
import { timeseriesQuery, type WorkloadRef } from '../../api/mesh';
import { useLiveInterval } from '../../app/live';
import { useParam, useWindow } from '../../app/url-state';
import { DataTable, type Column } from '../../components/DataTable';
import { figureColumn } from '../../components/figure-column';
import { goldenColumns } from '../../components/golden-columns';
import { GoldenCharts } from '../../components/GoldenCharts';
import { SuccessRate } from '../../components/Metric';
import { QueryState } from '../../components/QueryState';
import { formatLatency, formatRps } from '../../format/format';
import { OpaqueRoutes } from './OpaqueRoutes';
import { TrafficSplit } from './TrafficSplit';

/** The defining object (`ServiceProfile.linkerd.io/ns/name`), or the proxy's default route. */
function configText(r: RouteRow): string {
  return r.config.object ?? (r.config.source === 'default' ? 'default route' : r.config.source);
}

const rpsColumn = (key: string, header: string, get: (r: RouteRow) => number | null | undefined) =>
  figureColumn<RouteRow>(key, header, get, formatRps);
/** With the health mark beside the rate. */
const successColumn = (
  key: string,
  header: string,
  get: (r: RouteRow) => number | null | undefined,
) => figureColumn<RouteRow>(key, header, get, (v) => <SuccessRate value={v} />);

function RouteChart({
  workload,
  to,
  route,
}: {
  workload: WorkloadRef;
  to?: string;
  route: string;
}) {
  const [window] = useWindow();
  const query = useQuery({
    ...timeseriesQuery(workload, { to, route }, window),
    refetchInterval: useLiveInterval(),
  });
  return (
    <section aria-label={`History of ${route}`} className="route-chart">
      <h3>
        {route} over the last {window}
      </h3>
      <QueryState query={query} what={`the history of ${route}`}>
        {(data) => (
          <>
            <GoldenCharts points={data.points} compact />
            {data.latencyBucketsMs && (
              <p className="hint">
                Latency lines are estimates inside buckets bounded at{' '}
                {data.latencyBucketsMs.map((b) => formatLatency(b)).join(', ')}.
              </p>
            )}
          </>
        )}
      </QueryState>
    </section>
  );
}

/**
 * Per-route golden metrics with the configuration behind each route, the
 * attempts actually sent where retries apply, and HTTPRoutes a
 * ServiceProfile shadows.
 */
export function RoutesTable({
  data,
  workload,
  to,
}: {
  data: RoutesResponse;
  workload: WorkloadRef;
  to?: string;
}) {
  const [chart, setChart] = useParam('route');
  const hasActual = data.routes.some((r) => r.actual !== null);
  const columns: Column<RouteRow>[] = [
    { key: 'name', header: 'Route', value: (r) => r.name, render: (r) => <code>{r.name}</code> },
    ...goldenColumns<RouteRow>((r) => r.effective, data.latencyBucketsMs),
  ];
  if (hasActual)
    columns.push(
      successColumn('actualSr', 'Actual success rate', (r) => r.actual?.successRate),
      rpsColumn('actualRps', 'Actual RPS', (r) => r.actual?.rps),
    );
  const hasRetryMetrics = data.routes.some((r) => r.retries !== null);
  if (hasRetryMetrics) {
    columns.push(
      rpsColumn('retryRps', 'Retries/s', (r) => r.retries?.rps),
      successColumn('retrySr', 'Retry success', (r) => r.retries?.successRate),
      rpsColumn('limitRps', 'Limit exceeded/s', (r) => r.retries?.limitExceededRps),
    );
    if (data.routes.some((r) => (r.retries?.overflowRps ?? 0) > 0))
      columns.push(rpsColumn('overflowRps', 'Overflow/s', (r) => r.retries?.overflowRps));
  }
  columns.push(
    { key: 'config', header: 'Config', value: configText },
    { key: 'retries', header: 'Retries configured', value: (r) => r.config.retries ?? '—' },
    { key: 'timeout', header: 'Timeout', value: (r) => r.config.timeout ?? '—' },
    {
      key: 'configuredBy',
      header: 'Configured by',
      value: (r) => r.config.configuredBy ?? '—',
    },
    {
      key: 'chart',
      header: 'History',
      value: () => null,
      render: (r) => (
        <button
          type="button"
          aria-pressed={chart === r.name}
          aria-label={`Chart ${r.name}`}
          onClick={() => setChart(chart === r.name ? '' : r.name)}
        >
          {chart === r.name ? 'Hide chart' : 'Chart'}
        </button>
      ),
    },
  );
  return (
    <div className="routes">
      <p className="caption">
        {data.direction === 'inbound'
          ? 'Requests this workload served'
          : 'Requests this workload sent'}
        {data.service ? ` (service ${data.service})` : ''} over the last {data.window}, by route.
        {hasActual &&
          ' Success rate and RPS are what the caller saw after retries; "actual" counts every attempt.'}
        {hasRetryMetrics &&
          ' Retries/s counts retries sent; retry success is the share of them that ended the request well; limit exceeded counts requests still failing when the retry limit ran out.'}
      </p>
      {data.latencyBucketsMs && (
        <p className="note" role="note">
          Latency comes from the proxy&apos;s route histogram, whose only bounds are{' '}
          {data.latencyBucketsMs.map((b) => formatLatency(b)).join(', ')}: each quantile is shown as
          the range it lies in.
        </p>
      )}
      {data.shadowedHttpRoutes.map((s) => (
        <p key={s.object} className="note" role="note">
          <code>{s.object}</code> is shadowed: {s.reason}
        </p>
      ))}
      <DataTable
        id="routes"
        label="Routes"
        rows={data.routes}
        columns={columns}
        rowKey={(r) => r.name}
        filterOn={(r) => r.name}
        defaultSort=""
        empty="No routes with traffic or configuration in the window."
      />
      <TrafficSplit data={data} />
      <OpaqueRoutes data={data} />
      {chart && <RouteChart workload={workload} to={to} route={chart} />}
    </div>
  );
}
