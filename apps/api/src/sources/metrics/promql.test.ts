import { describe, expect, it } from 'vitest';
import { eq, re } from './engine';
import { quote, rateQuery, regexLiteral, selector } from './promql';

describe('PromQL rendering', () => {
  it('escapes every character that could end a string literal', () => {
    expect(quote('plain')).toBe('"plain"');
    expect(quote('a"b')).toBe('"a\\"b"');
    expect(quote('a\\b')).toBe('"a\\\\b"');
    expect(quote('line\nbreak\r\t')).toBe('"line\\nbreak\\r\\t"');
    expect(quote('\u0000\u001f')).toBe('"\\x00\\x1f"');
    expect(quote('ünïcødé 🙂')).toBe('"ünïcødé 🙂"');
  });

  it('keeps hostile values inside their matcher', () => {
    const hostile = 'x"} or vector(1) or up{a="';
    const s = selector('request_total', [eq('namespace', hostile)]);
    expect(s).toBe('request_total{namespace="x\\"} or vector(1) or up{a=\\""}');
    // Exactly one unescaped quote pair remains: the literal's own.
    expect(s.replace(/\\./g, '').match(/"/g)).toHaveLength(2);
  });

  it('escapes regex metacharacters for literal regex matches', () => {
    expect(regexLiteral('web.emojivoto:80')).toBe('web\\.emojivoto:80');
    expect(selector('x', [re('dst', `${regexLiteral('a.b')}:.*`)])).toBe('x{dst=~"a\\\\.b:.*"}');
  });

  it('rejects label and metric names that are not identifiers', () => {
    expect(() => selector('x', [eq('a-b', 'v')])).toThrow(/label name/);
    expect(() => selector('x{}', [])).toThrow(/metric name/);
  });

  it('renders rates and histogram quantiles over whole windows', () => {
    expect(
      rateQuery({
        metric: 'response_total',
        matchers: [eq('direction', 'inbound')],
        by: ['namespace', 'classification'],
        windowSeconds: 60,
      }),
    ).toBe('sum by (namespace,classification) (rate(response_total{direction="inbound"}[60s]))');
  });
});
