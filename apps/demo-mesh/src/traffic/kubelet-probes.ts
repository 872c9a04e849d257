import type { Cluster, SimPod } from '../cluster/cluster';
import { INBOUND_ROUTE_DURATION_BUCKETS } from '../proxy/families';
import { exchangeSeries, type AdminTraffic, type ExchangeSeries } from '../proxy/admin-traffic';
import { labelText, type Counter, type Histogram, type ProxyRegistry } from '../proxy/registry';
import { PROBE_PERIOD_SECONDS, probedPort } from '../cluster/objects';
import {
  authzLabels,
  inboundRouteLabels,
  inboundTarget,
  inboundTls,
  routeLabels,
  srvLabels,
} from './labels';
import { resolveInbound } from './policy';

const REQUEST_BYTES = 110;
const RESPONSE_BYTES = 75;

interface ProbeSeries extends ExchangeSeries {
  allow: Counter;
  routeRequests: Counter;
  routeStatuses: Counter;
  routeDuration: Histogram;
  tcpClose: Counter;
}

/**
 * The kubelet's probes, every `periodSeconds`, of each meshed pod: the
 * proxy's own `/live` and `/ready` on its admin port, and the app's liveness
 * and readiness on its HTTP port. Those reach the app through the inbound
 * proxy in plaintext from the node (mesh-facts §7). The policy controller
 * gives a server without HTTPRoutes a default route `probe` for exactly the
 * pod's probe paths, authorized by a default authorization `probe` for
 * unauthenticated clients on the probe networks (linkerd2 policy controller,
 * `default_inbound_http_routes`), so whatever the server's policy the proxy
 * writes them with `route_kind="default",route_name="probe"` and
 * `authz_kind="default",authz_name="probe"`. Each probe is one HTTP/1
 * connection, opened and closed.
 */
export class KubeletProbes {
  /** Seconds since the last round of probes. */
  private due = 0;
  private readonly series = new WeakMap<SimPod, ProbeSeries | null>();

  constructor(
    private readonly cluster: Cluster,
    private readonly admin: AdminTraffic,
  ) {}

  tick(dt: number): void {
    // Seconds, not periods: whole seconds add up exactly.
    this.due += dt;
    const rounds = Math.floor(this.due / PROBE_PERIOD_SECONDS);
    this.due -= rounds * PROBE_PERIOD_SECONDS;
    if (rounds === 0) return;
    for (const pod of this.cluster.runningPods()) {
      const proxy = pod.proxy;
      if (!proxy || pod.ownerKind === 'external_workload') continue;
      for (let i = 0; i < rounds; i++) {
        // The proxy container's own readiness and liveness probes.
        for (let k = 0; k < 2; k++)
          this.admin.record(proxy, { meshed: false }, 1, { read: 96, write: 6 });
      }
      const s = this.seriesFor(pod, proxy);
      if (!s) continue;
      for (let i = 0; i < rounds * 2; i++) {
        // An app answering its probes in 1 to 3 ms.
        const ms = 1 + (s.request.value % 3);
        s.request.value++;
        s.response.value++;
        s.latency.observe(ms);
        s.allow.value++;
        s.routeRequests.value++;
        s.routeStatuses.value++;
        s.routeDuration.observe(ms / 1000);
        s.tcpOpen.value++;
        s.tcpClose.value++;
        s.tcpRead.value += REQUEST_BYTES;
        s.tcpWrite.value += RESPONSE_BYTES;
      }
    }
  }

  private seriesFor(pod: SimPod, proxy: ProxyRegistry): ProbeSeries | null {
    const known = this.series.get(pod);
    if (known !== undefined) return known;
    const port = probedPort(pod.workload.ports);
    const d = port ? resolveInbound(this.cluster, pod, port.port, port.name, undefined) : undefined;
    if (
      !port ||
      !d ||
      // An opaque port is TCP to the proxy: it records the probes' connections only.
      pod.workload.opaquePorts?.includes(port.port) ||
      this.serverHasRoutes(pod, d.srv.name, d.srv.kind)
    ) {
      this.series.set(pod, null);
      return null;
    }
    const target = inboundTarget(pod, { targetPort: port.port });
    // The kubelet has no proxy: plaintext, whatever the server's policy.
    const tls = inboundTls(undefined);
    const srv = srvLabels(d);
    // Admitted by the policy's default probe route and authorization, under the server.
    const probe = { group: '', kind: 'default', name: 'probe' };
    const admitted = { ...d, allowed: true, route: probe, authz: probe };
    const route = routeLabels(admitted);
    const authz = authzLabels(admitted);
    const http = labelText({
      direction: 'inbound',
      authority: `${pod.ip}:${port.port}`,
      ...target,
      ...tls,
      ...srv,
      ...route,
      ...authz,
    });
    const tcp = labelText({ direction: 'inbound', peer: 'src', ...target, ...tls, ...srv });
    const parent = labelText(inboundRouteLabels(admitted));
    const s: ProbeSeries = {
      ...exchangeSeries(proxy, http, tcp),
      allow: proxy.counter(
        'inbound_http_authz_allow_total',
        labelText({ ...target, ...srv, ...route, ...authz, ...tls }),
      ),
      routeRequests: proxy.counter('inbound_http_requests_total', parent),
      routeStatuses: proxy.counter('inbound_http_statuses_total', `${parent},status="200"`),
      routeDuration: proxy.histogram(
        'inbound_http_response_duration_seconds',
        parent,
        INBOUND_ROUTE_DURATION_BUCKETS,
      ),
      tcpClose: proxy.counter('tcp_close_total', `${tcp},errno=""`),
    };
    // Connections the app's own plaintext clients hold stay counted there; a probe's is closed.
    proxy.gauge('tcp_open_connections', tcp);
    this.series.set(pod, s);
    return s;
  }

  /** A Server with HTTPRoutes of its own gets no default probe route (its routes must admit probes). */
  private serverHasRoutes(pod: SimPod, name: string, kind: string): boolean {
    if (kind !== 'server') return false;
    return this.cluster
      .resources('policy.linkerd.io/v1beta3', 'HTTPRoute', pod.namespace)
      .some((r) =>
        ((r.spec as { parentRefs?: { kind?: string; name?: string }[] }).parentRefs ?? []).some(
          (p) => p.kind === 'Server' && p.name === name,
        ),
      );
  }
}
