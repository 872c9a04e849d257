import type { TapCall, TapPeer } from '@meshviz/shared';
import { HTTP_METHODS, uintToIpv4 } from '@meshviz/shared/tap-proto';

/** The workload labels a tap event's metadata may carry, most specific owner first. */
const OWNER_LABELS = [
  'deployment',
  'statefulset',
  'daemonset',
  'k8s_job',
  'cronjob',
  'replicationcontroller',
  'replicaset',
  'external_workload',
] as const;

/** How long a request may wait for its response's end before it is reported without one. */
const GIVE_UP_MS = 30_000;
/** Requests in flight at most; the oldest go first. */
const MAX_IN_FLIGHT = 10_000;

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function address(a: unknown): string {
  const ip = obj(obj(a).ip);
  const port = Number(obj(a).port ?? 0);
  if (typeof ip.ipv4 === 'number') return `${uintToIpv4(ip.ipv4)}:${port}`;
  if (ip.ipv6) return `[${ipv6(obj(ip.ipv6))}]:${port}`;
  return '';
}

/** An IPv6 address from its two 64-bit halves (hextets 1-4, 5-8), as decimal text or numbers. */
function ipv6(v: Obj): string {
  const half = (x: unknown) => BigInt(typeof x === 'string' || typeof x === 'number' ? x : 0);
  const bits = (half(v.first) << 64n) | half(v.last);
  const hextets = Array.from({ length: 8 }, (_, i) =>
    ((bits >> BigInt(112 - 16 * i)) & 0xffffn).toString(16),
  );
  // The longest run of zero hextets (two or more) becomes `::`.
  const text = hextets.join(':');
  const runs = text.match(/(?:^|:)0(?::0)+(?::|$)/g) ?? [];
  const longest = runs.reduce((a, b) => (b.length > a.length ? b : a), '');
  return longest ? text.replace(longest, '::') : text;
}

function peer(a: unknown, labels: Obj): TapPeer {
  const owner = OWNER_LABELS.find((k) => str(labels[k]));
  return {
    address: address(a),
    namespace: str(labels.namespace) ?? null,
    kind: owner === 'k8s_job' ? 'job' : (owner ?? null),
    name: owner ? (str(labels[owner]) ?? null) : null,
    pod: str(labels.pod) ?? null,
  };
}

function ms(d: unknown): number | undefined {
  if (!d || typeof d !== 'object') return undefined;
  const { seconds, nanos } = d as { seconds?: number | string; nanos?: number };
  return Number(seconds ?? 0) * 1000 + (nanos ?? 0) / 1e6;
}

function method(m: unknown): string {
  const o = obj(m);
  if (typeof o.registered === 'string') return o.registered;
  if (typeof o.registered === 'number') return HTTP_METHODS[o.registered] ?? String(o.registered);
  return str(o.unregistered) ?? 'GET';
}

interface InFlight {
  call: TapCall;
  since: number;
}

/**
 * Pairs a tap stream's events (a request's start, its response's start and
 * end, each its own event) into one call per request, as Linkerd viz's
 * dashboard does. Stream ids are unique per proxy and tap, so a request is
 * keyed by its reporting proxy's address, direction and id.
 */
export class TapCalls {
  private readonly inFlight = new Map<string, InFlight>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Takes one event; returns the calls it completes (and any given up on). */
  push(event: Obj): TapCall[] {
    const http = obj(event.http);
    const kind = str(http.event) ?? '';
    const body = obj(http[kind]);
    const id = obj(body.id);
    const direction =
      event.proxy_direction === 'INBOUND'
        ? 'inbound'
        : event.proxy_direction === 'OUTBOUND'
          ? 'outbound'
          : 'unknown';
    // The reporting proxy: the destination's inbound, the source's outbound.
    const reporter = address(direction === 'inbound' ? event.destination : event.source);
    const proxy = reporter.slice(0, reporter.lastIndexOf(':'));
    const key = `${proxy}|${direction}|${Number(id.base ?? 0)}|${Number(id.stream ?? 0)}`;
    const done: TapCall[] = this.expire();
    if (kind === 'request_init') {
      const src = obj(obj(event.source_meta).labels);
      const dst = obj(obj(event.destination_meta).labels);
      const tls = direction === 'inbound' ? str(src.tls) : str(dst.tls);
      if (this.inFlight.size >= MAX_IN_FLIGHT) {
        const oldest = this.inFlight.keys().next().value;
        if (oldest !== undefined) this.inFlight.delete(oldest);
      }
      this.inFlight.set(key, {
        since: this.now(),
        call: {
          id: key,
          at: this.now(),
          direction,
          source: peer(event.source, src),
          destination: peer(event.destination, dst),
          method: method(body.method),
          authority: str(body.authority) ?? '',
          path: str(body.path) ?? '',
          status: null,
          grpcStatus: null,
          resetError: null,
          latencyMs: null,
          responseBytes: 0,
          success: false,
          tls: tls ?? 'unknown',
          clientId: str(src.client_id) ?? null,
          serverId: str(dst.server_id) ?? null,
        },
      });
      return done;
    }
    const entry = this.inFlight.get(key);
    if (!entry) return done;
    if (kind === 'response_init') {
      entry.call.status = Number(body.http_status ?? 0) || null;
      // A gRPC answer without a body carries its status in the headers.
      const grpc = headerValue(body.headers, 'grpc-status');
      if (grpc !== undefined) entry.call.grpcStatus = grpc;
      return done;
    }
    if (kind === 'response_end') {
      const eos = obj(body.eos);
      if (typeof eos.grpc_status_code === 'number') entry.call.grpcStatus = eos.grpc_status_code;
      if (typeof eos.reset_error_code === 'number') entry.call.resetError = eos.reset_error_code;
      entry.call.latencyMs = ms(body.since_request_init) ?? null;
      entry.call.responseBytes = Number(body.response_bytes ?? 0);
      this.inFlight.delete(key);
      done.push(settle(entry.call));
    }
    return done;
  }

  /** Requests that waited too long for their end, reported as they are. */
  private expire(): TapCall[] {
    const out: TapCall[] = [];
    const limit = this.now() - GIVE_UP_MS;
    for (const [key, entry] of this.inFlight) {
      if (entry.since > limit) break;
      this.inFlight.delete(key);
      out.push(settle(entry.call));
    }
    return out;
  }
}

function settle(call: TapCall): TapCall {
  call.success =
    call.status !== null &&
    call.status < 500 &&
    call.resetError === null &&
    (call.grpcStatus === null || call.grpcStatus === 0);
  return call;
}

function headerValue(headers: unknown, name: string): number | undefined {
  for (const h of (obj(headers).headers as Obj[] | undefined) ?? []) {
    if (str(h.name)?.toLowerCase() !== name) continue;
    const n = Number(str(h.value_str));
    return Number.isInteger(n) ? n : undefined;
  }
  return undefined;
}
