import { LATENCY_MS_BUCKETS } from './families';
import { labelText, type Counter, type Histogram, type ProxyRegistry } from './registry';

/** Who sent a request to a proxy's admin server, as that proxy can tell. */
export type AdminClient =
  /** A scraper without a proxy (a Prometheus outside the mesh, meshviz on a laptop). */
  | { meshed: false }
  /** A meshed scraper (linkerd-viz's Prometheus): mTLS with its identity. */
  | { meshed: true; identity: string };

/** The series of successful HTTP exchanges on one side: requests, 200s, latency, TCP. */
export interface ExchangeSeries {
  request: Counter;
  response: Counter;
  latency: Histogram;
  tcpOpen: Counter;
  tcpRead: Counter;
  tcpWrite: Counter;
}

export function exchangeSeries(proxy: ProxyRegistry, http: string, tcp: string): ExchangeSeries {
  return {
    request: proxy.counter('request_total', http),
    response: proxy.counter('response_total', `${http},status_code="200",classification="success"`),
    latency: proxy.histogram(
      'response_latency_ms',
      `${http},status_code="200"`,
      LATENCY_MS_BUCKETS,
    ),
    tcpOpen: proxy.counter('tcp_open_total', tcp),
    tcpRead: proxy.counter('tcp_read_bytes_total', tcp),
    tcpWrite: proxy.counter('tcp_write_bytes_total', tcp),
  };
}

interface AdminSeries extends ExchangeSeries {
  allow: Counter;
  tcpClose: Counter;
  tcpConnections: Counter;
}

/**
 * What linkerd2-proxy records of a request to its own admin server (linkerd2
 * #5212): inbound, on the wildcard address it listens on
 * (`target_addr="0.0.0.0:4191"`), through the default server of the pod's
 * policy, and plaintext (`no_tls_from_remote`) unless the scraper is meshed.
 * The label set is the one of the real 2022 scrape in the API's fixtures.
 */
export class AdminTraffic {
  private readonly series = new WeakMap<ProxyRegistry, Map<string, AdminSeries>>();

  constructor(private readonly adminPort: number) {}

  record(
    proxy: ProxyRegistry,
    client: AdminClient,
    latencyMs: number,
    bytes: { read: number; write: number },
  ): void {
    const s = this.seriesFor(proxy, client);
    s.request.value++;
    s.response.value++;
    s.latency.observe(Math.round(latencyMs));
    s.allow.value++;
    // A connection per request, the latest still open (as in the 2022 scrape: 30 opened, 29 closed).
    s.tcpOpen.value++;
    s.tcpClose.value = s.tcpOpen.value - 1;
    s.tcpConnections.value = 1;
    s.tcpRead.value += bytes.read;
    s.tcpWrite.value += bytes.write;
  }

  private seriesFor(proxy: ProxyRegistry, client: AdminClient): AdminSeries {
    let byClient = this.series.get(proxy);
    if (!byClient) {
      byClient = new Map();
      this.series.set(proxy, byClient);
    }
    const key = client.meshed ? client.identity : '';
    let s = byClient.get(key);
    if (s) return s;
    const target = {
      target_addr: `0.0.0.0:${this.adminPort}`,
      target_ip: '0.0.0.0',
      target_port: String(this.adminPort),
    };
    const tls = client.meshed
      ? { tls: 'true', client_id: client.identity }
      : { tls: 'no_identity', no_tls_reason: 'no_tls_from_remote' };
    const srv = { srv_kind: 'default', srv_name: 'all-unauthenticated' };
    const authz = { authz_kind: 'default', authz_name: 'all-unauthenticated' };
    const http = labelText({ direction: 'inbound', ...target, ...tls, ...srv, ...authz });
    const tcp = labelText({ direction: 'inbound', peer: 'src', ...target, ...tls, ...srv });
    s = {
      ...exchangeSeries(proxy, http, tcp),
      allow: proxy.counter(
        'inbound_http_authz_allow_total',
        labelText({ ...target, ...srv, ...authz, ...tls }),
      ),
      tcpClose: proxy.counter('tcp_close_total', `${tcp},errno=""`),
      tcpConnections: proxy.gauge('tcp_open_connections', tcp),
    };
    byClient.set(key, s);
    return s;
  }
}
