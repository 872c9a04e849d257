import { HTTP_METHODS, ipv4ToUint } from '@meshviz/shared/tap-proto';
import type { SimPod } from '../cluster/cluster';
import { authorityOf, endpointLabels } from '../traffic/labels';
import type { ServiceSpec } from '../scenarios/types';

/** What one side of a request saw: the answer and how long it took. */
export interface TapSide {
  status: number;
  grpcStatus: number | undefined;
  latencyMs: number;
}

/** One attempt of a request, from the client's app to one server pod, as both proxies see it. */
export interface TapCall {
  at: number;
  client: SimPod;
  server: SimPod;
  /** The Service the endpoint was found through, and the one the app asked for. */
  backend: ServiceSpec;
  parent: ServiceSpec;
  method: string;
  path: string;
  grpc: boolean;
  responseBytes: number;
  /** What the client's proxy answered its app (a timeout is its own 504). */
  outbound: TapSide;
  /** What the server's proxy saw its app (or its own policy) answer. */
  inbound: TapSide;
}

/** A match of the proxy tap API (`ObserveRequest.Match`), over one request. */
export type ProxyMatch =
  | { all: ProxyMatch[] }
  | { any: ProxyMatch[] }
  | { not: ProxyMatch }
  | { destinationLabel: { key: string; value: string } }
  | { scheme: string }
  | { method: string }
  | { authority: string }
  | { pathPrefix: string };

/** A tap event as the proxy sends it (protobufjs object form of `TapEvent`). */
export type ProxyEvent = Record<string, unknown>;

/** One tap request to a set of proxies, as the tap component opens on each of them. */
export interface TapSession {
  /** Tapped pods, by uid. */
  pods: ReadonlySet<string>;
  match: ProxyMatch;
  /** Requests each proxy reports per 1-second window (the proxy's Observe `limit`). */
  limitPerProxy: number;
  emit(event: ProxyEvent): void;
}

interface Window {
  start: number;
  count: number;
  base: number;
}

const CLIENT_PORT_BASE = 32768;

function duration(ms: number): { seconds: number; nanos: number } {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

interface RequestMeta {
  method: string;
  authority: string;
  path: string;
  /** The destination's labels as service discovery gave them (outbound only). */
  dstLabels: Record<string, string> | undefined;
}

function matches(m: ProxyMatch, r: RequestMeta): boolean {
  if ('all' in m) return m.all.every((x) => matches(x, r));
  if ('any' in m) return m.any.some((x) => matches(x, r));
  if ('not' in m) return !matches(m.not, r);
  if ('destinationLabel' in m)
    return r.dstLabels?.[m.destinationLabel.key] === m.destinationLabel.value;
  if ('scheme' in m) return m.scheme.toLowerCase() === 'http';
  if ('method' in m) return m.method === r.method;
  if ('authority' in m) return m.authority === r.authority;
  return r.path.startsWith(m.pathPrefix);
}

/**
 * The proxies' tap servers: requests of the simulated traffic, reported to
 * the tap sessions open on the proxies that carry them. A client's proxy
 * reports an outbound request with the destination's discovery labels; a
 * server's proxy an inbound one with its client's TLS identity. Each proxy
 * reports at most its limit of requests per second, as the proxy's Observe
 * stream ends at its limit and the tap component asks again a second later.
 */
export class TapHub {
  private readonly sessions = new Map<TapSession, Map<string, Window>>();
  /** Each proxy's Observe count, the base of its stream ids. */
  private readonly observes = new Map<string, number>();
  private sourcePort = 0;

  get active(): boolean {
    return this.sessions.size > 0;
  }

  /** Tap sessions open now. */
  get openSessions(): number {
    return this.sessions.size;
  }

  open(session: TapSession): () => void {
    this.sessions.set(session, new Map());
    return () => this.sessions.delete(session);
  }

  /** Reports one request to the sessions that tap its client's or server's proxy. */
  call(call: TapCall): void {
    const authority = authorityOf(call.parent);
    const port = CLIENT_PORT_BASE + (this.sourcePort++ % 28000);
    for (const [session, windows] of this.sessions) {
      if (call.client.proxy && session.pods.has(call.client.uid)) {
        const dst = endpointLabels(call.server, call.backend.targetPort, authority, {
          dst_service: call.backend.name,
        });
        const dstLabels: Record<string, string> = {};
        for (const [k, v] of Object.entries(dst))
          if (k.startsWith('dst_')) dstLabels[k.slice(4)] = v;
        const meta = { method: call.method, authority, path: call.path, dstLabels };
        const id =
          matches(session.match, meta) && this.take(session, windows, call.client, call.at);
        if (id)
          this.report(session, call, authority, call.outbound, id, {
            proxy_direction: 'OUTBOUND',
            source: address(call.client.ip, port),
            // The app's connection reaches its own proxy over the pod's loopback redirect.
            source_meta: { labels: { tls: 'loopback' } },
            destination: address(call.server.ip, call.backend.targetPort),
            destination_meta: {
              labels: {
                ...dstLabels,
                ...(call.server.meshed
                  ? { tls: 'true', server_id: call.server.identity ?? '' }
                  : { tls: 'not_provided_by_service_discovery' }),
              },
            },
          });
      }
      if (call.server.proxy && session.pods.has(call.server.uid)) {
        const meta = { method: call.method, authority, path: call.path, dstLabels: undefined };
        const id =
          matches(session.match, meta) && this.take(session, windows, call.server, call.at);
        if (id)
          this.report(session, call, authority, call.inbound, id, {
            proxy_direction: 'INBOUND',
            source: address(call.client.ip, port),
            source_meta: {
              labels: call.client.meshed
                ? { tls: 'true', client_id: call.client.identity ?? '' }
                : { tls: 'no_tls_from_remote' },
            },
            destination: address(call.server.ip, call.backend.targetPort),
          });
      }
    }
  }

  /** A stream id for one more request on `pod`'s proxy, or false past its limit this second. */
  private take(
    session: TapSession,
    windows: Map<string, Window>,
    pod: SimPod,
    at: number,
  ): { base: number; stream: number } | false {
    let w = windows.get(pod.uid);
    if (!w || at - w.start >= 1000) {
      const base = this.observes.get(pod.uid) ?? 0;
      this.observes.set(pod.uid, base + 1);
      w = { start: at, count: 0, base };
      windows.set(pod.uid, w);
    }
    if (w.count >= session.limitPerProxy) return false;
    return { base: w.base, stream: w.count++ };
  }

  private report(
    session: TapSession,
    call: TapCall,
    authority: string,
    side: TapSide,
    id: { base: number; stream: number },
    base: ProxyEvent,
  ): void {
    const method = HTTP_METHOD_NUMBERS.get(call.method);
    const headersMs = Math.max(0, side.latencyMs * 0.9);
    session.emit({
      ...base,
      http: {
        request_init: {
          id,
          method: method === undefined ? { unregistered: call.method } : { registered: method },
          scheme: { registered: 0 },
          authority,
          path: call.path,
        },
      },
    });
    session.emit({
      ...base,
      http: {
        response_init: {
          id,
          since_request_init: duration(headersMs),
          http_status: side.status,
        },
      },
    });
    session.emit({
      ...base,
      http: {
        response_end: {
          id,
          since_request_init: duration(side.latencyMs),
          since_response_init: duration(side.latencyMs - headersMs),
          response_bytes: side.status < 400 ? call.responseBytes : 0,
          eos: side.grpcStatus === undefined ? {} : { grpc_status_code: side.grpcStatus },
        },
      },
    });
  }
}

const HTTP_METHOD_NUMBERS = new Map<string, number>(HTTP_METHODS.map((m, i) => [m, i]));

function address(ip: string, port: number): Record<string, unknown> {
  return { ip: { ipv4: ipv4ToUint(ip) }, port };
}
