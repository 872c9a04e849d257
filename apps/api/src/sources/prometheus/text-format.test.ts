import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseTextFormat } from './text-format';

const fixtures = fileURLToPath(new URL('../../../test/fixtures/linkerd-proxy/', import.meta.url));
const fixture = (name: string) => readFileSync(`${fixtures}${name}`, 'utf8');

describe('Prometheus text format', () => {
  it('parses the full 2022 proxy scrape without an invalid line', () => {
    const text = fixture('legacy-2022-sample.metrics.txt');
    const { samples, invalidLines, types } = parseTextFormat(text);
    const sampleLines = text.split('\n').filter((l) => l.trim() && !l.startsWith('#')).length;
    expect(invalidLines).toBe(0);
    expect(samples.length).toBe(sampleLines);
    expect(types.get('response_latency_ms')).toBe('histogram');
    const inf = samples.find(
      (s) => s.name === 'response_latency_ms_bucket' && s.labels.le === '+Inf',
    );
    expect(inf?.value).toBe(29);
    expect(samples.find((s) => s.name === 'identity_cert_refresh_count')?.value).toBe(1);
    const inbound = samples.find((s) => s.name === 'request_total');
    expect(inbound?.labels).toMatchObject({
      direction: 'inbound',
      tls: 'no_identity',
      no_tls_reason: 'no_tls_from_remote',
      srv_name: 'all-unauthenticated',
    });
  });

  it('parses the 2025 route scrape: HELP without _total, UNIT lines, float bounds, empty labels', () => {
    const { samples, invalidLines, types } = parseTextFormat(
      fixture('outbound-route-2025-sample.metrics.txt'),
    );
    expect(invalidLines).toBe(0);
    expect(types.get('outbound_http_route_request_statuses')).toBe('counter');
    const status = samples.find((s) => s.name === 'outbound_http_route_request_statuses_total');
    expect(status?.labels).toMatchObject({
      route_kind: 'default',
      http_status: '200',
      error: '',
      hostname: '',
    });
    expect(status?.value).toBe(284);
    const bounds = samples
      .filter((s) => s.name === 'outbound_http_route_request_duration_seconds_bucket')
      .map((s) => s.labels.le);
    expect(bounds).toEqual(['0.05', '0.5', '1.0', '10.0', '+Inf']);
  });

  it('unescapes quotes, backslashes and newlines, and skips what it cannot read', () => {
    const { samples, invalidLines } = parseTextFormat(
      [
        'a_total{x="q\\"uote",y="back\\\\slash",z="new\\nline"} 3 1700000000000',
        'broken{x="1" 2',
        'b 1e3',
        'c NaN',
        'd +Inf',
        '',
      ].join('\n'),
    );
    expect(samples[0]).toEqual({
      name: 'a_total',
      labels: { x: 'q"uote', y: 'back\\slash', z: 'new\nline' },
      value: 3,
    });
    expect(samples.find((s) => s.name === 'b')?.value).toBe(1000);
    expect(samples.find((s) => s.name === 'd')?.value).toBe(Infinity);
    expect(invalidLines).toBe(2);
  });
});
