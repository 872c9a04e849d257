import type {
  GaugeQuery,
  Matcher,
  MetricsEngine,
  QuantileQuery,
  RangeSpec,
  RateQuery,
} from '../sources/metrics/engine';
import { eq, ne, nre, re } from '../sources/metrics/engine';
import { regexLiteral } from '../sources/metrics/promql';

/**
 * Families whose series carry `target_port` and so may count requests to the
 * proxy's own admin server: Prometheus's and meshviz's scrapes, probes of
 * `/ready`. linkerd2-proxy records them as `direction="inbound"`,
 * `target_addr="0.0.0.0:<admin port>"` (linkerd2 #5212), and a meshed
 * scraper's proxy records them again as outbound to `<pod IP>:<admin port>`.
 */
const TRAFFIC_FAMILIES = new Set([
  'request_total',
  'response_total',
  'response_latency_ms',
  'response_latency_ms_bucket',
  'tcp_open_total',
  'tcp_open_connections',
  'tcp_read_bytes_total',
  'tcp_write_bytes_total',
  'tcp_close_total',
  'inbound_http_authz_allow_total',
  'inbound_http_authz_deny_total',
  'inbound_http_route_not_found_total',
  'inbound_tcp_authz_allow_total',
  'inbound_tcp_authz_deny_total',
  'inbound_tcp_authz_terminate_total',
]);

/**
 * Families where the inbound proxy names the authorization that admitted a
 * request (`authz_kind`, `authz_name`, as in the real 2022 scrape), and so
 * tells the kubelet's probes of the app's port apart: the policy controller
 * admits them by a default authorization `probe` (linkerd2 policy controller,
 * `default_inbound_http_routes`).
 */
const AUTHZ_FAMILIES = new Set([
  'request_total',
  'response_total',
  'response_latency_ms',
  'response_latency_ms_bucket',
  'inbound_http_authz_allow_total',
]);

/** Current proxies' inbound route families: probes go by the default route `probe`. */
const INBOUND_ROUTE_FAMILIES = new Set([
  'inbound_http_requests_total',
  'inbound_http_statuses_total',
  'inbound_http_response_duration_seconds',
  'inbound_http_response_duration_seconds_bucket',
]);

/** The policy controller's name for the default route and authorization of probe paths. */
export const PROBE = 'probe';

/** The matcher that selects the admin ports' series only: the other side of `appTrafficMatchers`. */
export function adminTrafficMatcher(adminPorts: string[]): Matcher {
  return re('target_port', adminPorts.map(regexLiteral).join('|'));
}

/** The matcher that selects the kubelet's probes of the app's port, on the legacy families. */
export function probeTrafficMatcher(): Matcher {
  return eq('authz_name', PROBE);
}

/**
 * The matchers that keep a family's series to the application's own traffic:
 * off the admin ports, and without the kubelet's probes. (A user's own
 * AuthorizationPolicy or HTTPRoute named `probe` is read as the default one:
 * one selector cannot ask for "not both this kind and this name".)
 */
export function appTrafficMatchers(metric: string, adminPorts: string[]): Matcher[] {
  const out: Matcher[] = [];
  if (TRAFFIC_FAMILIES.has(metric) && adminPorts.length > 0)
    out.push(
      adminPorts.length === 1
        ? ne('target_port', adminPorts[0] ?? '')
        : nre('target_port', adminPorts.map(regexLiteral).join('|')),
    );
  if (AUTHZ_FAMILIES.has(metric)) out.push(ne('authz_name', PROBE));
  if (INBOUND_ROUTE_FAMILIES.has(metric)) out.push(ne('route_name', PROBE));
  return out;
}

/**
 * The engine every view asks: it answers about the application's traffic
 * only, dropping what the proxies count of their admin servers and of the
 * kubelet's probes. This is the one place the rule lives, so no table,
 * chart, edge or mTLS share can count a scrape or a probe as a request.
 */
export class AppTrafficEngine implements MetricsEngine {
  readonly kind: MetricsEngine['kind'];
  readonly minWindowSeconds: number;

  constructor(
    private readonly inner: MetricsEngine,
    /** The pods' admin ports (`linkerd-admin` container port), as strings. */
    private readonly adminPorts: () => string[],
  ) {
    this.kind = inner.kind;
    this.minWindowSeconds = inner.minWindowSeconds;
  }

  private only(metric: string, matchers: Matcher[]): Matcher[] {
    const m = appTrafficMatchers(metric, this.adminPorts());
    return m.length > 0 ? [...matchers, ...m] : matchers;
  }

  rate(q: RateQuery, signal?: AbortSignal) {
    return this.inner.rate({ ...q, matchers: this.only(q.metric, q.matchers) }, signal);
  }

  quantiles(q: QuantileQuery, signal?: AbortSignal) {
    return this.inner.quantiles({ ...q, matchers: this.only(q.histogram, q.matchers) }, signal);
  }

  gauge(q: GaugeQuery, signal?: AbortSignal) {
    return this.inner.gauge({ ...q, matchers: this.only(q.metric, q.matchers) }, signal);
  }

  rateRange(q: RateQuery, range: RangeSpec, signal?: AbortSignal) {
    return this.inner.rateRange({ ...q, matchers: this.only(q.metric, q.matchers) }, range, signal);
  }

  quantileRange(
    q: QuantileQuery & { quantiles: [number] },
    range: RangeSpec,
    signal?: AbortSignal,
  ) {
    return this.inner.quantileRange(
      { ...q, matchers: this.only(q.histogram, q.matchers) },
      range,
      signal,
    );
  }
}
