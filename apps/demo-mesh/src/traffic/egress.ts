import type { Cluster, SimPod } from '../cluster/cluster';
import type { KubeObject } from '../kube/types';
import {
  BACKEND_DURATION_BUCKETS,
  LATENCY_MS_BUCKETS,
  ROUTE_DURATION_BUCKETS,
} from '../proxy/families';
import { labelText, type Counter, type Histogram, type ProxyRegistry } from '../proxy/registry';
import { rngFor } from '../rng';
import type { EgressCallSpec } from '../scenarios/types';
import { GOLDEN, LogNormal, Sequence, SILVER } from './distributions';
import { inCidr, matchesHttpRoute, type HttpRouteRule } from './policy';
import type { ProxyRecorder } from './recorder';

/** linkerd2's default `egress.globalEgressNetworkNamespace`: its EgressNetworks apply to every namespace. */
export const GLOBAL_EGRESS_NS = 'linkerd-egress';
/** The annotation that makes proxies write the `hostname` label (namespace or pod). */
export const HOSTNAME_LABELS_ANNOTATION = 'config.linkerd.io/proxy-metrics-hostname-labels';
const POLICY_GROUP = 'policy.linkerd.io';
const GATEWAY_GROUP = 'gateway.networking.k8s.io';

interface EgressNetworkSpec {
  trafficPolicy?: string;
  networks?: { cidr?: string; except?: string[] }[];
}

/**
 * Where the client's proxy sends a call to a host outside the cluster, as
 * the policy controller configures it (linkerd2 `default_outbound_egress_route`):
 * the EgressNetwork that captures the address (the client's namespace's
 * first, then the global egress namespace's), a Gateway-API route attached
 * to it that matches, else its default route, `<proto>-egress-allow` or
 * `<proto>-egress-deny` by its `trafficPolicy`. Without any EgressNetwork,
 * the proxy's own fallback (`egress-fallback`) lets it through.
 */
export interface EgressRoute {
  network: { namespace: string; name: string } | undefined;
  routeGroup: string;
  routeKind: string;
  routeNamespace: string;
  routeName: string;
  allowed: boolean;
}

export function resolveEgress(
  cluster: Cluster,
  clientNs: string,
  call: Pick<EgressCallSpec, 'host' | 'ip' | 'port' | 'protocol' | 'method' | 'path'>,
): EgressRoute {
  const network = egressNetworkFor(cluster, clientNs, call.ip);
  if (!network)
    return {
      network: undefined,
      routeGroup: '',
      routeKind: 'default',
      routeNamespace: '',
      routeName: 'egress-fallback',
      allowed: true,
    };
  const ref = { namespace: network.metadata.namespace ?? '', name: network.metadata.name };
  const attached = (kinds: [string, string][]) =>
    kinds
      .flatMap(([apiVersion, kind]) =>
        [...new Set([ref.namespace, clientNs])].flatMap((ns) =>
          cluster.resources(apiVersion, kind, ns),
        ),
      )
      .filter((r) => attachedTo(r, ref, call.port) && hostnameMatches(r, call.host))
      .sort((a, b) => created(a).localeCompare(created(b)));
  const route =
    call.protocol === 'tls'
      ? attached([[`${GATEWAY_GROUP}/v1alpha2`, 'TLSRoute']])[0]
      : attached([
          [`${POLICY_GROUP}/v1beta3`, 'HTTPRoute'],
          [`${GATEWAY_GROUP}/v1`, 'HTTPRoute'],
        ]).find((r) =>
          ((r.spec as { rules?: HttpRouteRule[] }).rules ?? [{}]).some((rule) =>
            (rule.matches ?? [{}]).some((m) =>
              matchesHttpRoute(m, call.method ?? 'GET', call.path ?? '/'),
            ),
          ),
        );
  if (route)
    return {
      network: ref,
      routeGroup: route.apiVersion.split('/')[0] ?? '',
      routeKind: route.kind,
      routeNamespace: route.metadata.namespace ?? '',
      routeName: route.metadata.name,
      allowed: true,
    };
  const allow = (network.spec as EgressNetworkSpec).trafficPolicy === 'Allow';
  return {
    network: ref,
    routeGroup: '',
    routeKind: 'default',
    routeNamespace: '',
    routeName: `${call.protocol}-egress-${allow ? 'allow' : 'deny'}`,
    allowed: allow,
  };
}

function created(o: KubeObject): string {
  return `${o.metadata.creationTimestamp ?? ''}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/** The EgressNetwork capturing `ip` for clients in `clientNs`: the namespace's own before the global ones. */
function egressNetworkFor(cluster: Cluster, clientNs: string, ip: string): KubeObject | undefined {
  for (const ns of [clientNs, GLOBAL_EGRESS_NS]) {
    const match = cluster
      .resources(`${POLICY_GROUP}/v1alpha1`, 'EgressNetwork', ns)
      .filter((n) => captures(n.spec as EgressNetworkSpec, ip))
      .sort((a, b) => created(a).localeCompare(created(b)))[0];
    if (match) return match;
  }
  return undefined;
}

/** Without `networks`, everything outside the cluster's networks (the scenario's hosts all are). */
function captures(spec: EgressNetworkSpec, ip: string): boolean {
  if (!spec.networks?.length) return true;
  return spec.networks.some(
    (n) =>
      n.cidr !== undefined &&
      inCidr(ip, n.cidr) &&
      !(n.except ?? []).some((cidr) => inCidr(ip, cidr)),
  );
}

interface ParentRef {
  group?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  port?: number;
}

function attachedTo(
  route: KubeObject,
  network: { namespace: string; name: string },
  port: number,
): boolean {
  return ((route.spec as { parentRefs?: ParentRef[] }).parentRefs ?? []).some(
    (p) =>
      p.kind === 'EgressNetwork' &&
      p.group === POLICY_GROUP &&
      p.name === network.name &&
      (p.namespace ?? route.metadata.namespace) === network.namespace &&
      (p.port === undefined || p.port === port),
  );
}

/** Gateway API hostnames: none matches every host; `*.example.com` matches its subdomains. */
function hostnameMatches(route: KubeObject, host: string): boolean {
  const hostnames = (route.spec as { hostnames?: string[] }).hostnames;
  if (!hostnames?.length) return true;
  return hostnames.some((h) =>
    h.startsWith('*.') ? host.endsWith(h.slice(1)) && host.length > h.length - 1 : h === host,
  );
}

/** Whether the proxies of a namespace's pods write the `hostname` label: the annotation on it. */
export function recordsHostnames(cluster: Cluster, namespace: string): boolean {
  const ns = cluster.scenario.namespaces.find((n) => n.name === namespace);
  return ns?.annotations?.[HOSTNAME_LABELS_ANNOTATION] === 'true';
}

/** The parent_* and route_* labels of an egress route's families. */
export function egressRouteLabels(route: EgressRoute, port: number): Record<string, string> {
  return {
    ...networkLabels('parent', route, port),
    route_group: route.routeGroup,
    route_kind: route.routeKind,
    route_namespace: route.routeNamespace,
    route_name: route.routeName,
  };
}

interface EgressRuntime {
  call: EgressCallSpec;
  clientNs: string;
  clientWorkload: string;
  due: number;
  rotation: number;
  dist: LogNormal;
  latencySeq: Sequence;
  failureSeq: Sequence;
  /** TLS connections still open: when each closes, and its series. */
  open: { closeAt: number; close: Counter; tcpClose: Counter; tcp: Counter }[];
}

/** The proxy's answer to a request its route's failure injector refuses (`http-egress-deny`). */
const DENIED_STATUS = 403;
const DENIED_LATENCY_MS = 0.4;

/**
 * Calls to hosts outside the cluster, as the client's proxy counts them: the
 * route families under the EgressNetwork (parent) and the route they took,
 * `hostname` where the namespace asks for it; for requests and connections
 * that leave, the endpoint-level families towards the host's address too
 * (no destination metadata, no mesh identity). Refused ones never reach an
 * endpoint: HTTP answers 403 from the proxy, a TLS connection is closed with
 * `error="forbidden"`.
 */
export class EgressTraffic {
  private readonly runtimes: EgressRuntime[];

  constructor(
    private readonly cluster: Cluster,
    seed: number,
    private readonly recorder: ProxyRecorder,
  ) {
    this.runtimes = (cluster.scenario.egress ?? []).map((call) => {
      const [clientNs = '', clientWorkload = ''] = call.from.split('/');
      const seq = rngFor(seed, `egress:${call.from}>${call.host}:${call.port}`);
      return {
        call,
        clientNs,
        clientWorkload,
        due: seq.next(),
        rotation: 0,
        dist: new LogNormal(call.latency ?? { p50Ms: 40, p95Ms: 120 }),
        latencySeq: new Sequence(seq.next(), GOLDEN),
        failureSeq: new Sequence(seq.next(), SILVER),
        open: [],
      };
    });
  }

  tick(dt: number, now: number): void {
    for (const r of this.runtimes) {
      const clients = this.cluster.podsOf(r.clientNs, r.clientWorkload);
      r.open = r.open.filter((c) => {
        if (c.closeAt > now) return true;
        c.close.value++;
        c.tcpClose.value++;
        c.tcp.value--;
        return false;
      });
      if (clients.length === 0) continue;
      r.due += r.call.rate * dt;
      const n = Math.floor(r.due);
      r.due -= n;
      if (n === 0) continue;
      const route = resolveEgress(this.cluster, r.clientNs, r.call);
      for (let i = 0; i < n; i++) {
        const client = clients[r.rotation++ % clients.length] as SimPod;
        if (!client.proxy) continue;
        if (r.call.protocol === 'tls') this.connection(r, client, client.proxy, route, now);
        else this.request(r, client, client.proxy, route);
      }
    }
  }

  private cached<T extends Counter | Histogram>(pod: SimPod, key: string, make: () => T): T {
    return this.recorder.cached(pod, 'egress', key, make);
  }

  private labels(r: EgressRuntime, client: SimPod, route: EgressRoute) {
    const routeText = labelText(egressRouteLabels(route, r.call.port));
    const hostname = recordsHostnames(this.cluster, client.namespace) ? r.call.host : '';
    const endpoint = labelText({
      direction: 'outbound',
      target_addr: `${r.call.ip}:${r.call.port}`,
      target_ip: r.call.ip,
      target_port: String(r.call.port),
      tls: 'no_identity',
      no_tls_reason: 'not_provided_by_service_discovery',
    });
    return { routeText, withHost: `${routeText},hostname="${hostname}"`, endpoint };
  }

  private request(r: EgressRuntime, client: SimPod, proxy: ProxyRegistry, route: EgressRoute) {
    const { call } = r;
    const { routeText, withHost, endpoint } = this.labels(r, client, route);
    const key = `${call.host}:${call.port}|${routeText}`;
    let status = DENIED_STATUS;
    let latencyMs = DENIED_LATENCY_MS;
    if (route.allowed) {
      const failed = r.failureSeq.next() >= (call.successRate ?? 1);
      status = failed ? (call.failureStatus ?? 503) : 200;
      latencyMs = r.dist.quantile(r.latencySeq.next());
      // The endpoint-level families: the request left for the host's address.
      const authority = call.port === 80 ? call.host : `${call.host}:${call.port}`;
      const out = `${endpoint.replace('direction="outbound",', `direction="outbound",authority="${authority}",`)}`;
      this.cached(client, `req|${key}`, () => proxy.counter('request_total', out)).value++;
      const cls = `status_code="${status}",classification="${status >= 500 ? 'failure' : 'success'}"`;
      this.cached(client, `resp|${key}|${status}`, () =>
        proxy.counter('response_total', `${out},${cls}`),
      ).value++;
      this.cached(client, `lat|${key}|${status}`, () =>
        proxy.histogram(
          'response_latency_ms',
          `${out},status_code="${status}"`,
          LATENCY_MS_BUCKETS,
        ),
      ).observe(Math.round(latencyMs));
      const backend = `${routeText},${labelText(egressBackendLabels(route, call.port))}`;
      const statusText = `http_status="${status}",error=""`;
      this.cached(client, `bereq|${key}`, () =>
        proxy.counter('outbound_http_route_backend_requests_total', backend),
      ).value++;
      this.cached(client, `beresp|${key}|${status}`, () =>
        proxy.counter(
          'outbound_http_route_backend_response_statuses_total',
          `${backend},${statusText}`,
        ),
      ).value++;
      this.cached(client, `bedur|${key}`, () =>
        proxy.histogram(
          'outbound_http_route_backend_response_duration_seconds',
          backend,
          BACKEND_DURATION_BUCKETS,
        ),
      ).observe(latencyMs / 1000);
      const conns = this.cached(client, `tcpconn|${key}`, () =>
        proxy.gauge('tcp_open_connections', `${endpoint},peer="dst"`),
      );
      if (conns.value === 0) {
        conns.value = 1;
        this.cached(client, `tcpopen|${key}`, () =>
          proxy.counter('tcp_open_total', `${endpoint},peer="dst"`),
        ).value++;
      }
    }
    this.cached(client, `stat|${key}|${status}`, () =>
      proxy.counter(
        'outbound_http_route_request_statuses_total',
        `${withHost},http_status="${status}",error=""`,
      ),
    ).value++;
    this.cached(client, `dur|${key}`, () =>
      proxy.histogram(
        'outbound_http_route_request_duration_seconds',
        withHost,
        ROUTE_DURATION_BUCKETS,
      ),
    ).observe(latencyMs / 1000);
  }

  private connection(
    r: EgressRuntime,
    client: SimPod,
    proxy: ProxyRegistry,
    route: EgressRoute,
    now: number,
  ) {
    const { call } = r;
    const { routeText, withHost, endpoint } = this.labels(r, client, route);
    const key = `${call.host}:${call.port}|${routeText}`;
    this.cached(client, `open|${key}`, () =>
      proxy.counter('outbound_tls_route_open_total', withHost),
    ).value++;
    const close = (error: string) =>
      this.cached(client, `close|${key}|${error}`, () =>
        proxy.counter('outbound_tls_route_close_total', `${withHost},error="${error}"`),
      );
    if (!route.allowed) {
      // The SNI names no allowed host: the proxy closes the connection at once.
      close('forbidden').value++;
      return;
    }
    const tcp = `${endpoint},peer="dst"`;
    this.cached(client, `tcpopen|${key}`, () => proxy.counter('tcp_open_total', tcp)).value++;
    const conns = this.cached(client, `tcpconn|${key}`, () =>
      proxy.gauge('tcp_open_connections', tcp),
    );
    conns.value++;
    const tcpClose = this.cached(client, `tcpclose|${key}`, () =>
      proxy.counter('tcp_close_total', `${tcp},errno=""`),
    );
    r.open.push({
      closeAt: now + (call.connectionSeconds ?? 5) * 1000,
      close: close(''),
      tcpClose,
      tcp: conns,
    });
  }
}

/** A request an EgressNetwork lets through goes to the network itself, its one backend. */
function egressBackendLabels(route: EgressRoute, port: number): Record<string, string> {
  return networkLabels('backend', route, port);
}

/** `<scope>_{group,kind,namespace,name,port,section_name}` of the route's network, or the fallback. */
function networkLabels(
  scope: 'parent' | 'backend',
  route: EgressRoute,
  port: number,
): Record<string, string> {
  return {
    [`${scope}_group`]: route.network ? POLICY_GROUP : '',
    [`${scope}_kind`]: route.network ? 'EgressNetwork' : 'default',
    [`${scope}_namespace`]: route.network?.namespace ?? '',
    [`${scope}_name`]: route.network?.name ?? 'egress-fallback',
    [`${scope}_port`]: route.network ? String(port) : '',
    [`${scope}_section_name`]: '',
  };
}
