import type {
  GaugeQuery,
  Matcher,
  MetricsEngine,
  QuantileQuery,
  RangeSpec,
  RateQuery,
} from '../sources/metrics/engine';
import { ne, nre, re } from '../sources/metrics/engine';
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

/** The matcher that selects the admin ports' series only: the other side of `appTrafficMatcher`. */
export function adminTrafficMatcher(adminPorts: string[]): Matcher {
  return re('target_port', adminPorts.map(regexLiteral).join('|'));
}

/** The matcher that keeps a family's series off the admin ports, or none for other families. */
export function appTrafficMatcher(metric: string, adminPorts: string[]): Matcher | undefined {
  if (!TRAFFIC_FAMILIES.has(metric) || adminPorts.length === 0) return undefined;
  return adminPorts.length === 1
    ? ne('target_port', adminPorts[0] ?? '')
    : nre('target_port', adminPorts.map(regexLiteral).join('|'));
}

/**
 * The engine every view asks: it answers about the application's traffic
 * only, dropping what the proxies count of their admin servers. This is the
 * one place the rule lives, so no table, chart, edge or mTLS share can count
 * a scrape as a request.
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
    const m = appTrafficMatcher(metric, this.adminPorts());
    return m ? [...matchers, m] : matchers;
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
