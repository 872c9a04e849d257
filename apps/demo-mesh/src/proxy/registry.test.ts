import { describe, expect, it } from 'vitest';
import { FAMILIES, LATENCY_MS_BUCKETS, ROUTE_DURATION_BUCKETS } from './families';
import { labelText, ProxyRegistry } from './registry';

describe('proxy metrics text', () => {
  it('writes counters, and histograms as cumulative buckets with sum and count', () => {
    const r = new ProxyRegistry(FAMILIES);
    r.counter('request_total', 'direction="inbound"').value += 3;
    const h = r.histogram('response_latency_ms', 'direction="inbound"', LATENCY_MS_BUCKETS);
    h.observe(4);
    h.observe(4);
    h.observe(700);
    const text = r.render();
    expect(text).toContain('# TYPE request_total counter\nrequest_total{direction="inbound"} 3\n');
    expect(text).toContain('response_latency_ms_bucket{direction="inbound",le="3"} 0\n');
    expect(text).toContain('response_latency_ms_bucket{direction="inbound",le="4"} 2\n');
    expect(text).toContain('response_latency_ms_bucket{direction="inbound",le="1000"} 3\n');
    expect(text).toContain('response_latency_ms_bucket{direction="inbound",le="+Inf"} 3\n');
    expect(text).toContain('response_latency_ms_sum{direction="inbound"} 708\n');
    expect(text).toContain('response_latency_ms_count{direction="inbound"} 3\n');
  });

  it('writes current families as current proxies do: HELP without _total, a UNIT line, float bounds', () => {
    const r = new ProxyRegistry(FAMILIES);
    r.counter('outbound_http_route_request_statuses_total', 'http_status="200"').value = 1;
    r.histogram('outbound_http_route_request_duration_seconds', '', ROUTE_DURATION_BUCKETS).observe(
      0.2,
    );
    const text = r.render();
    expect(text).toContain(
      '# TYPE outbound_http_route_request_statuses counter\noutbound_http_route_request_statuses_total{http_status="200"} 1',
    );
    expect(text).toContain('# UNIT outbound_http_route_request_duration_seconds seconds');
    expect(text).toContain('outbound_http_route_request_duration_seconds_bucket{le="1.0"} 1');
  });

  it('escapes quotes, backslashes and newlines in label values', () => {
    expect(labelText({ a: 'x"y\\z\nw', b: undefined })).toBe('a="x\\"y\\\\z\\nw"');
  });
});
