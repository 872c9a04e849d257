import { describe, expect, it } from 'vitest';
import { EmbeddedEngine } from './engine';
import { histogramQuantile } from './histogram';
import { SampleStore } from './store';

/**
 * Cases from Prometheus's own PromQL test data
 * (`promql/promqltest/testdata/functions.test` and `histograms.test`), run
 * through the embedded engine. Only cases whose answer is the same under
 * Prometheus 2's closed range `[t-w, t]` and Prometheus 3's left-open
 * `(t-w, t]` are taken, since the parity tests run against Debian's 2.42
 * while the embedded store selects `(t-w, t]`. Series names become a family
 * the store keeps; a `path` or `start` label becomes `dst_service`, `job` and
 * `instance` become `namespace` and `pod` (labels the store keeps).
 */

/** Prometheus's `load` notation: `a+bxN` is a, a+b, ..., a+N*b; `vxN` repeats. */
function expand(text: string): number[] {
  return text
    .trim()
    .split(/\s+/)
    .flatMap((part) => {
      const m = /^(-?[\d.e]+)(?:([+-][\d.e]+))?x(\d+)$/.exec(part);
      if (!m) return [Number(part)];
      const [, start, step, n] = m;
      return Array.from({ length: Number(n) + 1 }, (_, i) => Number(start) + i * Number(step ?? 0));
    });
}

interface LoadSeries {
  labels: Record<string, string>;
  values: string;
}

/** Loads series sampled every `intervalSeconds` from t = 0, one scrape target per `pod`. */
function load(metric: string, intervalSeconds: number, series: LoadSeries[]): SampleStore {
  const store = new SampleStore(100, 100_000);
  const expanded = series.map((s) => ({ ...s, points: expand(s.values) }));
  const steps = Math.max(...expanded.map((s) => s.points.length));
  const pods = [...new Set(series.map((s) => s.labels.pod ?? 'p'))];
  // The target labels (`namespace`, `pod`) come from the target, as a scrape would attach them.
  const split = (labels: Record<string, string>) => {
    const { pod = 'p', namespace = 'ns', ...own } = labels;
    return { target: { namespace, pod }, own };
  };
  for (let i = 0; i < steps; i++) {
    for (const pod of pods) {
      const mine = expanded.filter((s) => (s.labels.pod ?? 'p') === pod);
      const target = split(mine[0]?.labels ?? {}).target;
      store.ingest(
        pod,
        target,
        i * intervalSeconds,
        mine
          .filter((s) => s.points[i] !== undefined)
          .map((s) => ({
            name: metric,
            labels: split(s.labels).own,
            value: s.points[i] as number,
          })),
      );
    }
  }
  return store;
}

const at = (store: SampleStore, interval: number, seconds: number) =>
  new EmbeddedEngine(store, interval, () => seconds);

const byService = (samples: { labels: Record<string, string>; value: number }[]) =>
  Object.fromEntries(samples.map((s) => [s.labels.dst_service ?? '', s.value]));

describe('rate and increase, from Prometheus functions.test', () => {
  it('increase over a range reaching before the first sample, with the zero cutoff', async () => {
    const store = load('request_total', 300, [
      { labels: { dst_service: '/foo' }, values: '0+10x10' },
      { labels: { dst_service: '/bar' }, values: '0+18x5 0+18x5' },
      { labels: { dst_service: '/dings' }, values: '10+10x10' },
      { labels: { dst_service: '/bumms' }, values: '1+10x10' },
    ]);
    // eval instant at 50m increase(http_requests_total[100m])
    const rates = await at(store, 300, 3000).rate({
      metric: 'request_total',
      matchers: [],
      by: ['dst_service'],
      windowSeconds: 6000,
    });
    const increase = byService(rates.map((s) => ({ ...s, value: s.value * 6000 })));
    expect(increase['/foo']).toBeCloseTo(100);
    expect(increase['/bar']).toBeCloseTo(162);
    expect(increase['/dings']).toBeCloseTo(105);
    expect(increase['/bumms']).toBeCloseTo(101);
  });

  it('increase across a counter reset counts the value after it as increase', async () => {
    const store = load('request_total', 300, [
      { labels: { dst_service: '/foo' }, values: '0 1 2 3 2 3 4' },
    ]);
    // eval instant at 30m increase(http_requests_total[30m]) -> 7
    const [r] = await at(store, 300, 1800).rate({
      metric: 'request_total',
      matchers: [],
      by: [],
      windowSeconds: 1800,
    });
    expect((r?.value ?? 0) * 1800).toBeCloseTo(7);
  });

  it('rate is per second over the window', async () => {
    const store = load('request_total', 300, [{ labels: {}, values: '0+80x10' }]);
    // eval instant at 50m rate(calculate_rate_window_total[50m]) -> 0.26666666666666666
    const [r] = await at(store, 300, 3000).rate({
      metric: 'request_total',
      matchers: [],
      by: [],
      windowSeconds: 3000,
    });
    expect(r?.value).toBeCloseTo(0.26666666666666666, 12);
  });

  it('series that start inside the window extrapolate to zero at most half an interval back', async () => {
    const store = load('request_total', 240, [
      { labels: { dst_service: '0m' }, values: '0+240x10' },
      { labels: { dst_service: '1m' }, values: '60+240x10' },
      { labels: { dst_service: '2m' }, values: '120+240x10' },
      { labels: { dst_service: '3m' }, values: '180+240x10' },
      { labels: { dst_service: '4m' }, values: '240+240x10' },
      { labels: { dst_service: '5m' }, values: '300+240x10' },
    ]);
    // eval instant at 10m rate(testcounter_zero_cutoff_total[20m])
    const rates = byService(
      await at(store, 240, 600).rate({
        metric: 'request_total',
        matchers: [],
        by: ['dst_service'],
        windowSeconds: 1200,
      }),
    );
    expect(rates['0m']).toBeCloseTo(0.5);
    expect(rates['1m']).toBeCloseTo(0.55);
    for (const start of ['2m', '3m', '4m', '5m']) expect(rates[start]).toBeCloseTo(0.6);
  });
});

describe('histogram_quantile, from Prometheus histograms.test (classic histograms)', () => {
  // Cumulative bucket counts of `testhistogram` and `testhistogram3` at 50m.
  const positive = [
    { le: 0.1, count: 50 },
    { le: 0.2, count: 70 },
    { le: 1, count: 110 },
    { le: Infinity, count: 120 },
  ];
  const negative = [
    { le: -0.2, count: 10 },
    { le: -0.1, count: 20 },
    { le: 0.3, count: 20 },
    { le: Infinity, count: 30 },
  ];
  const positive3 = [
    { le: 0, count: 0 },
    { le: 0.1, count: 50 },
    { le: 0.2, count: 70 },
    { le: 1, count: 110 },
    { le: Infinity, count: 110 },
  ];
  const negative3 = [
    { le: -0.25, count: 0 },
    { le: -0.2, count: 10 },
    { le: -0.1, count: 20 },
    { le: 0.3, count: 20 },
    { le: Infinity, count: 20 },
  ];
  const cases: [number, { le: number; count: number }[], number][] = [
    [0.2, positive, 0.048],
    [0.2, negative, -0.2],
    [0.5, positive, 0.15],
    [0.5, negative, -0.15],
    [0.8, positive, 0.72],
    [0.8, negative, 0.3],
    [0, positive, 0],
    [0, negative, -0.2],
    [1, positive, 1],
    [1, negative, 0.3],
    [0, positive3, 0],
    [0, negative3, -0.25],
    [0.25, positive3, 0.055],
    [0.25, negative3, -0.225],
    [0.5, positive3, 0.125],
    [0.5, negative3, -0.2],
    [0.75, positive3, 0.45],
    [0.75, negative3, -0.15],
    [1, positive3, 1],
    [1, negative3, -0.1],
  ];
  it.each(cases)('quantile %s of the buckets is %s', (q, buckets, want) => {
    expect(
      histogramQuantile(
        q,
        buckets.map((b) => ({ ...b })),
      ),
    ).toBeCloseTo(want, 10);
  });

  it('answers -Inf, +Inf and NaN for quantiles below 0, above 1 and NaN', () => {
    expect(
      histogramQuantile(
        -0.1,
        positive.map((b) => ({ ...b })),
      ),
    ).toBe(-Infinity);
    expect(
      histogramQuantile(
        1.01,
        positive.map((b) => ({ ...b })),
      ),
    ).toBe(Infinity);
    expect(
      histogramQuantile(
        Number.NaN,
        positive.map((b) => ({ ...b })),
      ),
    ).toBeNaN();
  });

  it('aggregates rates of several series by le before the quantile, through the engine', async () => {
    const store = load('response_latency_ms_bucket', 300, [
      { labels: { namespace: 'job1', pod: 'ins1', le: '0.1' }, values: '0+1x10' },
      { labels: { namespace: 'job1', pod: 'ins1', le: '0.2' }, values: '0+3x10' },
      { labels: { namespace: 'job1', pod: 'ins1', le: '+Inf' }, values: '0+4x10' },
      { labels: { namespace: 'job1', pod: 'ins2', le: '0.1' }, values: '0+2x10' },
      { labels: { namespace: 'job1', pod: 'ins2', le: '0.2' }, values: '0+5x10' },
      { labels: { namespace: 'job1', pod: 'ins2', le: '+Inf' }, values: '0+6x10' },
      { labels: { namespace: 'job2', pod: 'ins3', le: '0.1' }, values: '0+3x10' },
      { labels: { namespace: 'job2', pod: 'ins3', le: '0.2' }, values: '0+4x10' },
      { labels: { namespace: 'job2', pod: 'ins3', le: '+Inf' }, values: '0+6x10' },
      { labels: { namespace: 'job2', pod: 'ins4', le: '0.1' }, values: '0+4x10' },
      { labels: { namespace: 'job2', pod: 'ins4', le: '0.2' }, values: '0+7x10' },
      { labels: { namespace: 'job2', pod: 'ins4', le: '+Inf' }, values: '0+9x10' },
    ]);
    const engine = at(store, 300, 3000);
    const q = (quantiles: number[], by: string[]) =>
      engine.quantiles({
        histogram: 'response_latency_ms',
        matchers: [],
        by,
        windowSeconds: 600,
        quantiles,
      });
    // histogram_quantile(0.3 | 0.5, sum(rate(request_duration_seconds_bucket[10m])) by (le))
    const [all] = await q([0.3, 0.5], []);
    expect(all?.values['0.3']).toBeCloseTo(0.075, 10);
    expect(all?.values['0.5']).toBeCloseTo(0.1277777777777778, 10);
    // ... by (le, job)
    const byJob = Object.fromEntries(
      (await q([0.3, 0.5], ['namespace'])).map((s) => [s.labels.namespace, s.values]),
    );
    expect(byJob.job1?.['0.3']).toBeCloseTo(0.1, 10);
    expect(byJob.job2?.['0.3']).toBeCloseTo(0.0642857142857143, 10);
    expect(byJob.job1?.['0.5']).toBeCloseTo(0.14, 10);
    expect(byJob.job2?.['0.5']).toBeCloseTo(0.1125, 10);
  });
});
