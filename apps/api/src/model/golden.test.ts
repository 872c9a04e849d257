import { describe, expect, it } from 'vitest';
import { golden, mtlsOf, tlsReason } from './golden';

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
