import { describe, expect, it } from 'vitest';
import { golden, mtlsOf, outcomes, responseFails, tlsReason } from './golden';

describe('golden numbers', () => {
  it('when there is no traffic, success rate, RPS and latency are null, not 0 or 100%', () => {
    expect(golden(0, 0, { '0.5': Number.NaN })).toEqual({
      successRate: null,
      rps: null,
      latencyMs: { p50: null, p95: null, p99: null },
    });
  });

  it('computes success rate from success and failure rates', () => {
    const g = golden(9, 1, { '0.5': 12, '0.95': 40, '0.99': 80 });
    expect(g.successRate).toBeCloseTo(0.9);
    expect(g.rps).toBeCloseTo(10);
    expect(g.latencyMs).toEqual({ p50: 12, p95: 40, p99: 80 });
  });
});

describe('mTLS share', () => {
  it('says all, some with the share, or none, and why', () => {
    expect(mtlsOf(5, new Map()).state).toBe('all');
    const some = mtlsOf(3, new Map([['no_tls_from_remote', 1]]));
    expect(some).toEqual({
      securedShare: 0.75,
      state: 'some',
      reasons: [{ reason: 'no_tls_from_remote', share: 0.25 }],
    });
    expect(mtlsOf(0, new Map([['not_provided_by_service_discovery', 2]])).state).toBe('none');
    expect(mtlsOf(0, new Map())).toEqual({ securedShare: null, state: null, reasons: [] });
  });

  it('reads the reason from TLS labels, keeping unknown reasons verbatim', () => {
    expect(tlsReason({ tls: 'true' })).toBeUndefined();
    expect(tlsReason({ tls: 'no_identity', no_tls_reason: 'not_http' })).toBe('not_http');
    expect(tlsReason({ tls: 'disabled' })).toBe('tls=disabled');
  });
});

describe('response classification', () => {
  it("uses the proxy's own classification where the family has one", () => {
    // A ServiceProfile response class may make a 5xx a success: the label wins.
    expect(responseFails({ classification: 'success', status_code: '503' })).toBe(false);
    expect(responseFails({ classification: 'failure', status_code: '200' })).toBe(true);
  });

  it('fails 5xx and transport errors on the Gateway-API route families', () => {
    expect(responseFails({ http_status: '503', error: '' })).toBe(true);
    expect(responseFails({ http_status: '', error: 'REQUEST_TIMEOUT' })).toBe(true);
    expect(responseFails({ http_status: '404', error: '' })).toBe(false);
  });

  it('reads gRPC statuses as current proxies write them, by name, and as older ones did, by code', () => {
    // linkerd2-proxy route/metrics/labels.rs (GrpcRsp): names in upper snake case;
    // a response that ended in an error has no status and is written UNKNOWN, with `error` set.
    for (const failing of [
      'UNAVAILABLE',
      'INTERNAL',
      'DEADLINE_EXCEEDED',
      'UNKNOWN',
      'DATA_LOSS',
      'PERMISSION_DENIED',
    ])
      expect(responseFails({ grpc_status: failing, error: '' })).toBe(true);
    for (const fine of ['OK', 'NOT_FOUND', 'INVALID_ARGUMENT', 'CANCELLED', 'RESOURCE_EXHAUSTED'])
      expect(responseFails({ grpc_status: fine, error: '' })).toBe(false);
    expect(responseFails({ grpc_status: '14', error: '' })).toBe(true);
    expect(responseFails({ grpc_status: '5', error: '' })).toBe(false);
    expect(responseFails({ grpc_status: 'UNKNOWN', error: 'RESPONSE_HEADERS_TIMEOUT' })).toBe(true);
  });

  it("reads the inbound route families' status as an HTTP status or a gRPC code", () => {
    // inbound_{http,grpc}_statuses_total (2.19+) label both protocols `status`.
    expect(responseFails({ status: '503' })).toBe(true);
    expect(responseFails({ status: '429' })).toBe(false);
    expect(responseFails({ status: '200' })).toBe(false);
    expect(responseFails({ status: 'UNAVAILABLE' })).toBe(true);
    expect(responseFails({ status: 'NOT_FOUND' })).toBe(false);
    // A gRPC code by number is below any HTTP status.
    expect(responseFails({ status: '14' })).toBe(true);
    expect(responseFails({ status: '0' })).toBe(false);
  });

  it('sums success and failure in one pass', () => {
    expect(
      outcomes([
        { labels: { grpc_status: 'OK' }, value: 9 },
        { labels: { grpc_status: 'UNAVAILABLE' }, value: 1 },
        { labels: { grpc_status: 'OK' }, value: Number.NaN },
      ]),
    ).toEqual({ success: 9, failure: 1 });
  });
});
