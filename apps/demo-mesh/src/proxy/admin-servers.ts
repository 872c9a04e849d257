import { createServer, type Server } from 'node:http';
import type { Cluster, SimPod } from '../cluster/cluster';
import {
  CERT_LIFETIME_SECONDS,
  CERT_REFRESH_FRACTION,
  CONTROL_PLANE_NS,
  identityOf,
  rustlsInfo,
} from '../cluster/linkerd';
import { adminScrapeDenied } from '../traffic/policy';
import type { AdminTraffic } from './admin-traffic';
import { labelText } from './registry';
import { LATENCY_MS_BUCKETS } from './families';

const GIT_SHA = '5f1c3b9e7d4a';
const BUILD_DATE = '2025-10-02T09:14:07Z';

/**
 * The proxy's own gRPC clients of the control plane (destination lookups,
 * policy watches, identity renewals), as in the 2022 scrape: three addresses,
 * each with a latency histogram. They make up most of an idle proxy's series.
 */
const CONTROL_CLIENTS = [
  { addr: 'linkerd-dst-headless', port: 8086, sa: 'linkerd-destination', perMinute: 2 },
  { addr: 'linkerd-policy', port: 8090, sa: 'linkerd-destination', perMinute: 1 },
  { addr: 'linkerd-identity-headless', port: 8080, sa: 'linkerd-identity', perMinute: 0.02 },
];

function refreshControlMetrics(pod: SimPod, uptimeSeconds: number): void {
  const proxy = pod.proxy;
  if (!proxy) return;
  for (const c of CONTROL_CLIENTS) {
    const labels = `addr="${c.addr}.${CONTROL_PLANE_NS}.svc.cluster.local:${c.port}",tls="true",server_id="${identityOf(c.sa, CONTROL_PLANE_NS)}"`;
    const total = 1 + Math.floor((uptimeSeconds / 60) * c.perMinute);
    proxy.counter('control_request_total', labels).value = total;
    const ok = `${labels},status_code="200"`;
    proxy.counter(
      'control_response_total',
      `${ok},classification="success",grpc_status="0"`,
    ).value = total;
    const h = proxy.histogram('control_response_latency_ms', ok, LATENCY_MS_BUCKETS);
    // Each new call answers in 1 to 12 ms, in a fixed pattern.
    for (let k = h.count; k < total; k++) h.observe(1 + ((k * 7) % 12));
  }
}

/** Updates the process, build and identity gauges a proxy reports at scrape time. */
function refreshProcessMetrics(pod: SimPod, now: number): void {
  const proxy = pod.proxy;
  if (!proxy) return;
  const uptime = Math.max(0, (now - pod.startedAt) / 1000);
  refreshControlMetrics(pod, uptime);
  proxy.gauge('process_start_time_seconds', '').value = Math.floor(pod.startedAt / 1000);
  proxy.counter('process_cpu_seconds_total', '').value = Math.round(uptime * 0.0021 * 100) / 100;
  proxy.gauge('process_resident_memory_bytes', '').value = 11_534_336 + proxy.seriesCount() * 1_024;
  proxy.counter('process_uptime_seconds_total', '').value = Math.round(uptime * 1000) / 1000;
  proxy.gauge('process_virtual_memory_bytes', '').value = 107_995_136;
  proxy.gauge('process_threads', '').value = 3;
  proxy.gauge('process_open_fds', '').value = 24;
  proxy.gauge('process_max_fds', '').value = 1_048_576;
  proxy.gauge(
    'proxy_build_info',
    `version="${pod.proxyVersion ?? ''}",git_sha="${GIT_SHA}",profile="release",date="${BUILD_DATE}",vendor="linkerd"`,
  ).value = 1;
  const tls = rustlsInfo(pod.proxyVersion ?? '', pod.workload.fipsProxy === true);
  if (tls) proxy.gauge('rustls_info', labelText(tls)).value = 1;
  // Renew at 70% of the lifetime unless this pod's renewal is failing (scenario: certExpiresInSeconds).
  const renewEvery = CERT_LIFETIME_SECONDS * 1000 * CERT_REFRESH_FRACTION;
  if (pod.workload.certExpiresInSeconds === undefined) {
    while (now - pod.certRefreshedAt >= renewEvery) {
      pod.certRefreshedAt += renewEvery;
      pod.certExpiresAt = pod.certRefreshedAt + CERT_LIFETIME_SECONDS * 1000;
    }
  }
  proxy.gauge('identity_cert_expiration_timestamp_seconds', '').value = Math.floor(
    pod.certExpiresAt / 1000,
  );
  proxy.gauge('identity_cert_refresh_timestamp_seconds', '').value = Math.floor(
    pod.certRefreshedAt / 1000,
  );
  const refreshes = 1 + Math.floor(uptime / (renewEvery / 1000));
  proxy.counter('identity_cert_refreshes_total', 'result="ok"').value = refreshes;
  if (pod.workload.certExpiresInSeconds !== undefined) {
    proxy.counter('identity_cert_refreshes_total', 'result="failure"').value = Math.floor(
      uptime / 60,
    );
  }
}

/**
 * One admin server per meshed pod, listening on the pod's own IP and the
 * linkerd-admin port, as Prometheus and the embedded scraper would reach a real proxy.
 */
export class AdminServers {
  private readonly servers = new Map<string, Server>();
  /** Scrapes served, for the benchmark. */
  scrapes = 0;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly cluster: Cluster,
    private readonly adminPort: number,
    private readonly beforeScrape: () => void,
    private readonly adminTraffic: AdminTraffic,
    private readonly now: () => number = Date.now,
  ) {
    cluster.podEvents.on('added', (pod: SimPod) => this.track(this.open(pod)));
    cluster.podEvents.on('removed', (pod: SimPod) => this.close(pod));
  }

  private track(p: Promise<void>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** Opens servers for every running meshed pod; resolves when all listen. */
  async start(): Promise<void> {
    await Promise.all(this.cluster.runningPods().map((p) => this.open(p)));
    await Promise.all([...this.pending]);
  }

  private open(pod: SimPod): Promise<void> {
    if (!pod.proxy || this.servers.has(pod.uid)) return Promise.resolve();
    const server = createServer((req, res) => {
      const started = performance.now();
      const path = (req.url ?? '/').split('?')[0];
      let status = 200;
      let body: string;
      if (adminScrapeDenied(this.cluster, pod, this.adminPort)) {
        // What the proxy answers a client its policy does not authorize.
        res.writeHead(403, { 'l5d-proxy-error': 'unauthorized request on route' });
        res.end();
        return;
      }
      if (path === '/metrics') {
        this.beforeScrape();
        refreshProcessMetrics(pod, this.now());
        this.scrapes++;
        body = pod.proxy?.render() ?? '';
        res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
      } else if (path === '/ready' || path === '/live') {
        body = path === '/ready' ? 'ready\n' : 'live\n';
        res.writeHead(200, { 'Content-Type': 'text/plain' });
      } else {
        status = 404;
        body = 'not found\n';
        res.writeHead(404, { 'Content-Type': 'text/plain' });
      }
      res.end(body);
      // The proxy counts every request to its admin server once the response is done; these
      // scrapers (Prometheus, meshviz) have no proxy here, so it sees plaintext.
      if (pod.proxy && status === 200)
        this.adminTraffic.record(pod.proxy, { meshed: false }, performance.now() - started, {
          read: 200,
          write: Buffer.byteLength(body),
        });
    });
    server.keepAliveTimeout = 60_000;
    this.servers.set(pod.uid, server);
    return new Promise((resolve, reject) => {
      server.once('error', (err) => {
        this.servers.delete(pod.uid);
        reject(
          new Error(
            `cannot listen on ${pod.ip}:${this.adminPort} for pod ${pod.namespace}/${pod.name}: ${err.message}`,
          ),
        );
      });
      server.listen(this.adminPort, pod.ip, () => resolve());
    });
  }

  private close(pod: SimPod): void {
    const server = this.servers.get(pod.uid);
    if (!server) return;
    this.servers.delete(pod.uid);
    server.close();
    server.closeAllConnections();
  }

  async stop(): Promise<void> {
    await Promise.all(
      [...this.servers.values()].map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      ),
    );
    this.servers.clear();
  }

  get size(): number {
    return this.servers.size;
  }
}
