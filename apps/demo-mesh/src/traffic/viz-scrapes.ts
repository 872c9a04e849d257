import type { Cluster, SimPod } from '../cluster/cluster';
import { CONTROL_PLANE_NS } from '../cluster/linkerd';
import { exchangeSeries, type AdminTraffic, type ExchangeSeries } from '../proxy/admin-traffic';
import { labelText } from '../proxy/registry';
import { endpointLabels } from './labels';
import { adminScrapeDenied } from './policy';

/** linkerd-viz's Prometheus scrapes every 10 s (mesh-facts §3, chart default). */
export const VIZ_SCRAPE_INTERVAL_SECONDS = 10;
const SCRAPE_LATENCY_MS = 3;
const REQUEST_BYTES = 230;

/**
 * linkerd-viz's Prometheus, meshed, scraping every meshed proxy's admin port
 * by pod IP. Both proxies count it as real ones do: the scraped pod inbound
 * on `0.0.0.0:<admin port>` with mTLS from Prometheus's identity, and
 * Prometheus's own proxy outbound to `<pod IP>:<admin port>`, with the pod's
 * metadata but no `dst_service` (nobody asked for a service).
 */
export class VizScrapes {
  private due = 0;
  private readonly outbound = new WeakMap<SimPod, ExchangeSeries>();

  constructor(
    private readonly cluster: Cluster,
    private readonly admin: AdminTraffic,
    private readonly adminPort: number,
  ) {}

  tick(dt: number): void {
    const prometheus = this.cluster.vizPrometheus();
    if (!prometheus?.proxy || !prometheus.identity) return;
    this.due += dt / VIZ_SCRAPE_INTERVAL_SECONDS;
    const rounds = Math.floor(this.due);
    this.due -= rounds;
    if (rounds === 0) return;
    const client = { meshed: true as const, identity: prometheus.identity };
    for (const pod of this.cluster.runningPods()) {
      if (!pod.proxy || pod.labels['linkerd.io/control-plane-ns'] !== CONTROL_PLANE_NS) continue;
      // A default-deny namespace refuses linkerd-viz's scrapes too, until allow-scrapes.
      if (adminScrapeDenied(this.cluster, pod, this.adminPort)) continue;
      const bodyBytes = 2_000 + pod.proxy.seriesCount() * 160;
      const out = this.outboundTo(prometheus, pod);
      for (let i = 0; i < rounds; i++) {
        this.admin.record(pod.proxy, client, SCRAPE_LATENCY_MS, {
          read: REQUEST_BYTES,
          write: bodyBytes,
        });
        out.request.value++;
        out.response.value++;
        out.latency.observe(SCRAPE_LATENCY_MS + 1);
        out.tcpWrite.value += REQUEST_BYTES;
        out.tcpRead.value += bodyBytes;
      }
    }
  }

  private outboundTo(prometheus: SimPod, pod: SimPod): ExchangeSeries {
    let o = this.outbound.get(pod);
    if (o) return o;
    const proxy = prometheus.proxy;
    if (!proxy) throw new Error('linkerd-viz Prometheus has no proxy');
    const base = endpointLabels(pod, this.adminPort, `${pod.ip}:${this.adminPort}`, {});
    const http = labelText(base);
    // TCP families carry no authority.
    const tcp = labelText({ ...base, authority: undefined, peer: 'dst' });
    o = exchangeSeries(proxy, http, tcp);
    o.tcpOpen.value++;
    this.outbound.set(pod, o);
    return o;
  }
}
