import type { SimPod } from '../cluster/cluster';
import {
  BACKEND_DURATION_BUCKETS,
  INBOUND_ROUTE_DURATION_BUCKETS,
  LATENCY_MS_BUCKETS,
  ROUTE_DURATION_BUCKETS,
} from '../proxy/families';
import { labelText, type ProxyRegistry } from '../proxy/registry';
import { authzLabels, inboundRouteLabels, inboundTarget, routeLabels, srvLabels } from './labels';
import type {
  BackendRuntime,
  ClassRuntime,
  Outcome,
  PairHandle,
  Series,
  TcpHandle,
} from './runtime';

const DEFAULT_REQUEST_BYTES = 320;
const DEFAULT_RESPONSE_BYTES = 1400;

/**
 * What each proxy writes of a request: the server's inbound families, the
 * client's endpoint-level (actual) families for every attempt, and its
 * route-level (effective) families for what the app saw. Series are made on
 * first use and kept per pod, so a request costs no string building.
 */
export class ProxyRecorder {
  /** Series a pod's proxy updates for one request class, by a short key. */
  private readonly series = new WeakMap<SimPod, Map<ClassRuntime | string, Map<string, Series>>>();

  /** A series of `pod`'s proxy for `scope` (a request class, or a name), made on first use. */
  cached<T extends Series>(
    pod: SimPod,
    scope: ClassRuntime | string,
    key: string,
    make: () => T,
  ): T {
    let byScope = this.series.get(pod);
    if (!byScope) {
      byScope = new Map();
      this.series.set(pod, byScope);
    }
    let byKey = byScope.get(scope);
    if (!byKey) {
      byKey = new Map();
      byScope.set(scope, byKey);
    }
    let v = byKey.get(key);
    if (!v) {
      v = make();
      byKey.set(key, v);
    }
    return v as T;
  }

  static routeStatusLabels(c: ClassRuntime, o: Outcome): string {
    // Route families name the status; a response that ended in an error has none and is
    // written UNKNOWN (linkerd2-proxy route/metrics/labels.rs, GrpcRsp).
    return c.grpc
      ? labelText({
          grpc_status: o.error ? 'UNKNOWN' : grpcStatusName(o.grpcStatus ?? 0),
          error: o.error,
        })
      : labelText({ http_status: o.error ? '' : String(o.status), error: o.error });
  }

  static statusLabels(o: Outcome): string {
    return labelText({
      status_code: String(o.status),
      classification: o.failure ? 'failure' : 'success',
      ...(o.grpcStatus !== undefined ? { grpc_status: String(o.grpcStatus) } : {}),
      ...(o.error ? { error: o.error } : {}),
    });
  }

  tcpHandle(proxy: ProxyRegistry, labels: string): TcpHandle {
    return {
      open: proxy.counter('tcp_open_total', labels),
      connections: proxy.gauge('tcp_open_connections', labels),
      read: proxy.counter('tcp_read_bytes_total', labels),
      write: proxy.counter('tcp_write_bytes_total', labels),
      close: proxy.counter('tcp_close_total', `${labels},errno=""`),
    };
  }

  /**
   * The server's inbound view of one attempt. `served`: it reached the app (authorized and
   * not refused by a rate limit).
   */
  server(pair: PairHandle, c: ClassRuntime, server: SimPod, o: Outcome, served: boolean): void {
    const proxy = server.proxy;
    if (!proxy) return;
    if (served) this.inboundRoute(pair, c, server, proxy, o);
    pair.inRequest ??= proxy.counter('request_total', pair.inBase);
    pair.inRequest.value++;
    const sKey = `${o.status}|${o.grpcStatus}|${o.failure}`;
    let resp = pair.inResponse.get(sKey);
    if (!resp) {
      resp = proxy.counter(
        'response_total',
        `${pair.inBase},${ProxyRecorder.statusLabels({ ...o, error: '' })}`,
      );
      pair.inResponse.set(sKey, resp);
    }
    resp.value++;
    let lat = pair.inLatency.get(String(o.status));
    if (!lat) {
      lat = proxy.histogram(
        'response_latency_ms',
        `${pair.inBase},status_code="${o.status}"`,
        LATENCY_MS_BUCKETS,
      );
      pair.inLatency.set(String(o.status), lat);
    }
    lat.observe(Math.round(o.latencyMs));
    const d = pair.decision;
    const authzBase = labelText({
      ...inboundTarget(server, c.svc),
      ...srvLabels(d),
      ...routeLabels(d),
    });
    const tls = pair.inTls;
    if (d.allowed) {
      pair.inAllow ??= proxy.counter(
        'inbound_http_authz_allow_total',
        `${authzBase},${labelText(authzLabels(d))},${tls}`,
      );
      pair.inAllow.value++;
    } else {
      pair.inDeny ??= proxy.counter('inbound_http_authz_deny_total', `${authzBase},${tls}`);
      pair.inDeny.value++;
    }
    pair.inTcp ??= this.openTcp(
      proxy,
      `direction="inbound",peer="src",${labelText(inboundTarget(server, c.svc))},${tls},${labelText(srvLabels(d))}`,
    );
    pair.inTcp.read.value += c.cls.requestBytes ?? DEFAULT_REQUEST_BYTES;
    pair.inTcp.write.value += c.cls.responseBytes ?? DEFAULT_RESPONSE_BYTES;
    // Inbound ServiceProfile route metrics come from the server's own service profile.
    if (c.route.source === 'serviceprofile') {
      const base = c.labels.spIn;
      this.cached(server, c, 'rin', () => proxy.counter('route_request_total', base)).value++;
      this.cached(server, c, `rinr|${sKey}`, () =>
        proxy.counter(
          'route_response_total',
          `${base},${ProxyRecorder.statusLabels({ ...o, error: '' })}`,
        ),
      ).value++;
      this.cached(server, c, `rinl|${o.status}`, () =>
        proxy.histogram(
          'route_response_latency_ms',
          `${base},status_code="${o.status}"`,
          LATENCY_MS_BUCKETS,
        ),
      ).observe(Math.round(o.latencyMs));
    }
  }

  /**
   * Current proxies' (2.19+) inbound route families: each request the policy admitted, by
   * the Server (parent) and route that admitted it, its status, its duration (linkerd2-proxy
   * inbound `http/router/metrics.rs`: parent_{group,kind,name,port}, route_{group,kind,name},
   * no namespace; families `requests`, `statuses`, `response_duration_seconds`).
   */
  private inboundRoute(
    pair: PairHandle,
    c: ClassRuntime,
    server: SimPod,
    proxy: ProxyRegistry,
    o: Outcome,
  ): void {
    const d = pair.decision;
    const family = c.grpc ? 'inbound_grpc' : 'inbound_http';
    pair.inRoute ??= labelText(inboundRouteLabels(d));
    const base = pair.inRoute;
    this.cached(server, family, `req|${base}`, () =>
      proxy.counter(`${family}_requests_total`, base),
    ).value++;
    const status = c.grpc ? grpcStatusName(o.grpcStatus ?? 0) : String(o.status);
    this.cached(server, family, `stat|${base}|${status}`, () =>
      proxy.counter(`${family}_statuses_total`, `${base},status="${status}"`),
    ).value++;
    this.cached(server, family, `dur|${base}`, () =>
      proxy.histogram(`${family}_response_duration_seconds`, base, INBOUND_ROUTE_DURATION_BUCKETS),
    ).observe(o.latencyMs / 1000);
  }

  private openTcp(proxy: ProxyRegistry, labels: string): TcpHandle {
    const h = this.tcpHandle(proxy, labels);
    h.open.value++;
    h.connections.value++;
    return h;
  }

  /** The client's view of one attempt: endpoint-level (actual) families. */
  attempt(
    pair: PairHandle,
    c: ClassRuntime,
    backend: BackendRuntime,
    client: SimPod,
    o: Outcome,
    isRetry: boolean,
    retryable: boolean,
  ): void {
    const proxy = client.proxy;
    if (!proxy) return;
    pair.outRequest ??= proxy.counter('request_total', pair.outBase);
    pair.outRequest.value++;
    const sKey = `${o.status}|${o.grpcStatus}|${o.failure}|${o.error}`;
    let resp = pair.outResponse.get(sKey);
    if (!resp) {
      resp = proxy.counter('response_total', `${pair.outBase},${ProxyRecorder.statusLabels(o)}`);
      pair.outResponse.set(sKey, resp);
    }
    resp.value++;
    let lat = pair.outLatency.get(String(o.status));
    if (!lat) {
      lat = proxy.histogram(
        'response_latency_ms',
        `${pair.outBase},status_code="${o.status}"`,
        LATENCY_MS_BUCKETS,
      );
      pair.outLatency.set(String(o.status), lat);
    }
    lat.observe(Math.round(o.latencyMs));
    pair.outTcp ??= this.openTcp(proxy, pair.outTcpBase);
    pair.outTcp.write.value += c.cls.requestBytes ?? DEFAULT_REQUEST_BYTES;
    pair.outTcp.read.value += o.error ? 0 : (c.cls.responseBytes ?? DEFAULT_RESPONSE_BYTES);

    if (c.route.source === 'serviceprofile') {
      const base = c.labels.spOut;
      this.cached(client, c, 'ract', () => proxy.counter('route_actual_request_total', base))
        .value++;
      this.cached(client, c, `ractr|${sKey}`, () =>
        proxy.counter('route_actual_response_total', `${base},${ProxyRecorder.statusLabels(o)}`),
      ).value++;
      return;
    }
    const { family, gwRoute } = c.labels;
    const gwBackend = backend.gwBackend;
    const be = backend.svc.name;
    this.cached(client, c, `bereq|${be}`, () =>
      proxy.counter(`${family}_backend_requests_total`, gwBackend),
    ).value++;
    this.cached(client, c, `beresp|${be}|${sKey}`, () =>
      proxy.counter(
        `${family}_backend_response_statuses_total`,
        `${gwBackend},${ProxyRecorder.routeStatusLabels(c, o)}`,
      ),
    ).value++;
    this.cached(client, c, `bedur|${be}`, () =>
      proxy.histogram(
        `${family}_backend_response_duration_seconds`,
        gwBackend,
        BACKEND_DURATION_BUCKETS,
      ),
    ).observe(o.latencyMs / 1000);
    // linkerd-http-retry: `requests` counts retries sent; `successes` those whose response
    // was no longer retryable.
    if (isRetry) {
      this.cached(client, c, 'retry', () =>
        proxy.counter(`${family}_retry_requests_total`, gwRoute),
      ).value++;
      if (!retryable && !o.error) {
        this.cached(client, c, 'retryok', () =>
          proxy.counter(`${family}_retry_successes_total`, gwRoute),
        ).value++;
      }
    }
  }

  /** What the calling app saw, after retries: route-level (effective) families. */
  effective(
    c: ClassRuntime,
    client: SimPod,
    o: Outcome,
    _retries: number,
    skippedNoBudget: boolean,
    limitExceeded: boolean,
  ): void {
    const proxy = client.proxy;
    if (!proxy) return;
    const sKey = `${o.status}|${o.grpcStatus}|${o.failure}|${o.error}`;
    if (c.route.source === 'serviceprofile') {
      const base = c.labels.spOut;
      this.cached(client, c, 'rreq', () => proxy.counter('route_request_total', base)).value++;
      this.cached(client, c, `rresp|${sKey}`, () =>
        proxy.counter('route_response_total', `${base},${ProxyRecorder.statusLabels(o)}`),
      ).value++;
      this.cached(client, c, `rlat|${o.status}`, () =>
        proxy.histogram(
          'route_response_latency_ms',
          `${base},status_code="${o.status}"`,
          LATENCY_MS_BUCKETS,
        ),
      ).observe(Math.round(o.latencyMs));
      if (skippedNoBudget) {
        this.cached(client, c, 'rretry', () =>
          proxy.counter('route_retryable_total', `${base},skipped="no_budget"`),
        ).value++;
      }
      return;
    }
    const { family, gwRequest, gwRoute } = c.labels;
    this.cached(client, c, `stat|${sKey}`, () =>
      proxy.counter(
        `${family}_request_statuses_total`,
        `${gwRequest},${ProxyRecorder.routeStatusLabels(c, o)}`,
      ),
    ).value++;
    this.cached(client, c, 'dur', () =>
      proxy.histogram(`${family}_request_duration_seconds`, gwRequest, ROUTE_DURATION_BUCKETS),
    ).observe(o.latencyMs / 1000);
    if (limitExceeded) {
      this.cached(client, c, 'rlimit', () =>
        proxy.counter(`${c.labels.family}_retry_limit_exceeded_total`, gwRoute),
      ).value++;
    }
  }
}

/** gRPC status codes by number, as the route families write them. */
const GRPC_STATUS_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
];

export function grpcStatusName(code: number): string {
  return GRPC_STATUS_NAMES[code] ?? 'UNKNOWN';
}
