import type { Golden, Mtls } from '@meshviz/shared';

/**
 * gRPC statuses Linkerd counts as failures (mesh-facts §2). Current proxies
 * write route families' `grpc_status` as a name (`UNAVAILABLE`, linkerd2-proxy
 * `route/metrics/labels.rs`: `GrpcRsp`), older ones and the legacy
 * `response_total` as the numeric code.
 */
const GRPC_FAILURES = new Set([
  'UNKNOWN',
  'DEADLINE_EXCEEDED',
  'PERMISSION_DENIED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  '2',
  '4',
  '7',
  '13',
  '14',
  '15',
]);

/**
 * Whether a response series counts failures: the proxy's own
 * `classification` where the family has one (it honours ServiceProfile
 * response classes), else an `error` (timeout, fail-fast, reset, ...), a
 * failing gRPC status, or an HTTP 5xx.
 */
export function responseFails(labels: Record<string, string>): boolean {
  if (labels.classification) return labels.classification !== 'success';
  if (labels.error) return true;
  if (labels.grpc_status) return GRPC_FAILURES.has(labels.grpc_status.toUpperCase());
  // The inbound route families of 2.19+ proxies say `status` for both protocols: an HTTP
  // status (100 to 599), or a gRPC code, by name or number (0 to 16).
  if (labels.status) {
    const n = Number(labels.status);
    if (Number.isNaN(n)) return GRPC_FAILURES.has(labels.status.toUpperCase());
    return n < 100 ? GRPC_FAILURES.has(String(n)) : n >= 500;
  }
  return Number(labels.http_status) >= 500;
}

/** Success and failure rates of response samples, split by `responseFails`. */
export function outcomes(samples: Iterable<{ labels: Record<string, string>; value: number }>): {
  success: number;
  failure: number;
} {
  let success = 0;
  let failure = 0;
  for (const s of samples) {
    if (!Number.isFinite(s.value)) continue;
    if (responseFails(s.labels)) failure += s.value;
    else success += s.value;
  }
  return { success, failure };
}

/** Golden numbers from success and failure rates and latency quantiles; no traffic gives nulls, never 0% or 100%. */
export function golden(success: number, failure: number, latency?: Record<string, number>): Golden {
  const total = success + failure;
  const has = total > 0;
  const q = (k: string) => {
    const v = latency?.[k];
    return has && v !== undefined && Number.isFinite(v) ? v : null;
  };
  return {
    successRate: has ? success / total : null,
    rps: has ? total : null,
    latencyMs: { p50: q('0.5'), p95: q('0.95'), p99: q('0.99') },
  };
}

export const NO_TRAFFIC: Golden = {
  successRate: null,
  rps: null,
  latencyMs: { p50: null, p95: null, p99: null },
};

/**
 * The share of requests on mTLS, with three states: all, some (with the
 * share) and none, and the plaintext reasons each with its share of the total.
 */
export function mtlsOf(secured: number, plaintext: Map<string, number>): Mtls {
  const plain = [...plaintext.values()].reduce((a, b) => a + b, 0);
  const total = secured + plain;
  if (!(total > 0)) return { securedShare: null, state: null, reasons: [] };
  return {
    securedShare: secured / total,
    state: plain === 0 ? 'all' : secured === 0 ? 'none' : 'some',
    reasons: [...plaintext]
      .filter(([, v]) => v > 0)
      .map(([reason, v]) => ({ reason, share: v / total }))
      .sort((a, b) => b.share - a.share),
  };
}

/** Accumulates rates under string keys. */
export class Tally {
  private readonly m = new Map<string, number>();
  add(key: string, v: number): void {
    if (Number.isFinite(v)) this.m.set(key, (this.m.get(key) ?? 0) + v);
  }
  get(key: string): number {
    return this.m.get(key) ?? 0;
  }
  keys(): string[] {
    return [...this.m.keys()];
  }
}

/** TLS labels of a request_total series -> secured or the plaintext reason. */
export function tlsReason(labels: Record<string, string>): string | undefined {
  if (labels.tls === 'true') return undefined;
  if (labels.tls === 'no_identity') return labels.no_tls_reason || 'no_identity';
  return labels.tls ? `tls=${labels.tls}` : 'unknown';
}

/** The mTLS share of request_total samples, by their TLS labels. */
export function mtlsOfSamples(samples: { labels: Record<string, string>; value: number }[]): Mtls {
  let secured = 0;
  const plain = new Map<string, number>();
  for (const s of samples) {
    const reason = tlsReason(s.labels);
    if (reason === undefined) secured += s.value;
    else plain.set(reason, (plain.get(reason) ?? 0) + s.value);
  }
  return mtlsOf(secured, plain);
}
