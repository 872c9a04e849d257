import { describe, expect, it } from 'vitest';
import { eq, re } from '../engine';
import { EmbeddedEngine, extrapolatedRate } from './engine';
import { boundsQuantile, BucketSlab, histogramQuantile } from './histogram';
import { SampleStore } from './store';
import { SAMPLES_PER_CHUNK } from './chunks';

const sample = (name: string, labels: Record<string, string>, value: number) => ({
  name,
  labels,
  value,
});
const target = { namespace: 'ns', pod: 'web-1', deployment: 'web' };

describe('embedded sample store', () => {
  it('when a counter resets, counts the new value as the increase', () => {
    const store = new SampleStore(10, 3600);
    const values = [100, 110, 5, 15];
    values.forEach((v, i) =>
      store.ingest('a', target, 1000 + i * 10, [
        sample('request_total', { direction: 'inbound' }, v),
      ]),
    );
    const [view] = store.select('request_total', [eq('direction', 'inbound')], 0, 2000);
    // 100 -> 110 (+10) -> reset to 5 (+5) -> 15 (+10)
    expect(view?.values).toEqual([100, 110, 115, 125]);
  });

  it('sums away labels meshviz does not use, and keeps the target labels', () => {
    const store = new SampleStore(10, 3600);
    store.ingest('a', target, 1000, [
      sample(
        'request_total',
        { direction: 'outbound', target_addr: '10.0.0.1:80', dst_service: 'x' },
        3,
      ),
      sample(
        'request_total',
        { direction: 'outbound', target_addr: '10.0.0.2:80', dst_service: 'x' },
        4,
      ),
      sample('unrelated_total', {}, 1),
    ]);
    const views = store.select('request_total', [], 0, 2000);
    expect(views).toHaveLength(1);
    expect(views[0]?.labels).toEqual({ direction: 'outbound', dst_service: 'x', ...target });
    expect(views[0]?.values).toEqual([7]);
    expect(store.select('unrelated_total', [], 0, 2000)).toEqual([]);
  });

  it('when a target stops being scraped, keeps its samples until retention passes', () => {
    const store = new SampleStore(10, 60);
    store.ingest('a', target, 1000, [sample('request_total', {}, 1)]);
    store.expire(1030);
    expect(store.select('request_total', [], 0, 2000)).toHaveLength(1);
    store.expire(1100);
    expect(store.select('request_total', [], 0, 2000)).toHaveLength(0);
  });

  it('reports its series, samples, encoded bytes, and projects them to full retention', () => {
    const store = new SampleStore(360, 3600);
    for (const t of [1000, 1010])
      store.ingest('a', target, t, [
        sample('request_total', { direction: 'inbound' }, 1),
        sample('request_total', { direction: 'outbound' }, 1),
      ]);
    const stats = store.stats();
    expect(stats).toMatchObject({ targets: 1, series: 2, samples: 4 });
    // 1 then 1 again: deltas 1 and 0, each a one-byte varint.
    expect(stats.bytesPerSample).toBe(1);
    // The 4 sample bytes held now become 2 series x 360 samples x 1 byte.
    expect(stats.projectedBytes - stats.bytes).toBe(2 * 360 - 4);
    expect(store.samplesPerSeries).toBe(360);
  });

  it('keeps at most its capacity of samples per series', () => {
    const store = new SampleStore(4, 3600);
    for (let i = 0; i < 10; i++)
      store.ingest('a', target, 1000 + i, [sample('request_total', {}, i)]);
    expect(store.select('request_total', [], 0, 2000)[0]?.values).toEqual([6, 7, 8, 9]);
  });

  it("forgets a target's old samples and stale series at its own scrapes, with no store-wide pass", () => {
    // 300 scrapes into a ring of 130: of the three chunks written (0-119, 120-239, 240-299)
    // the first is wholly older than scrape 170 and goes; the series last fed at scrape 100
    // is past the ring and goes.
    const store = new SampleStore(130, 1e9);
    for (let i = 0; i < 300; i++) {
      const samples = [sample('request_total', { dst_service: 'kept' }, i)];
      if (i <= 100) samples.push(sample('request_total', { dst_service: 'stale' }, i));
      store.ingest('a', target, 1000 + 10 * i, samples);
    }
    const stats = store.stats();
    expect(stats.series).toBe(1);
    expect(stats.samples).toBe(SAMPLES_PER_CHUNK + (300 - 2 * SAMPLES_PER_CHUNK));
    expect(store.select('request_total', [], 0, 1e9).map((v) => v.labels.dst_service)).toEqual([
      'kept',
    ]);
  });
});

describe('embedded engine', () => {
  it('extrapolates rates as Prometheus does', () => {
    // 1 request/s sampled every 10 s across a 60 s window.
    const times = [1005, 1015, 1025, 1035, 1045, 1055];
    const view = { labels: {}, times, values: times.map((t) => 1000 + (t - 1000)) };
    expect(extrapolatedRate(view, 1060, 60)).toBeCloseTo(1, 5);
    expect(extrapolatedRate({ labels: {}, times: [1000], values: [5] }, 1060, 60)).toBeUndefined();
  });

  it('sums rates by the asked labels, and answers nothing without two samples', async () => {
    const store = new SampleStore(100, 3600);
    let now = 1000;
    for (let i = 0; i <= 6; i++) {
      now = 1000 + i * 10;
      store.ingest('a', target, now, [
        sample('response_total', { direction: 'inbound', classification: 'success' }, 20 * i),
      ]);
      store.ingest('b', { ...target, pod: 'web-2' }, now, [
        sample('response_total', { direction: 'inbound', classification: 'success' }, 10 * i),
      ]);
    }
    const engine = new EmbeddedEngine(store, 10, () => now);
    const rates = await engine.rate({
      metric: 'response_total',
      matchers: [eq('direction', 'inbound')],
      by: ['deployment'],
      windowSeconds: 60,
    });
    expect(rates).toHaveLength(1);
    expect(rates[0]?.labels).toEqual({ deployment: 'web' });
    expect(rates[0]?.value).toBeCloseTo(3, 5);
    await expect(
      engine.rate({
        metric: 'response_total',
        matchers: [eq('target_addr', 'x')],
        by: [],
        windowSeconds: 60,
      }),
    ).rejects.toThrow(/does not keep label target_addr/);
  });
});

describe('instant answers from the window ends', () => {
  // Three proxies over 150 scrapes (two chunks, with read marks), series that start
  // late, counter resets, an empty label value and a missing one, and histogram buckets.
  const store = new SampleStore(200, 3600);
  const les = ['5', '10', '50', '+Inf'];
  let now = 0;
  for (let i = 0; i < 150; i++) {
    now = 5000 + i * 10;
    ['a', 'b', 'c'].forEach((pod, p) => {
      const samples = [
        sample('response_total', { direction: 'inbound', classification: 'success' }, i * (p + 1)),
        sample(
          'response_total',
          { direction: 'inbound', classification: 'failure' },
          // Resets every 40 scrapes.
          (i % 40) * 2,
        ),
        sample('response_total', { direction: 'outbound', dst_service: '' }, 3 * i),
      ];
      if (i >= 100 + p * 10)
        samples.push(sample('response_total', { direction: 'outbound', dst_service: 'x' }, i * i));
      les.forEach((le, k) =>
        samples.push(
          sample(
            'response_latency_ms_bucket',
            { direction: 'inbound', le },
            Math.round(i * (k + 1) * (p + 2) * 0.7),
          ),
        ),
      );
      samples.push(sample('tcp_open_connections', { direction: 'inbound' }, (i * 7) % 5));
      store.ingest(pod, { ...target, pod, deployment: p < 2 ? 'web' : 'api' }, now, samples);
    });
  }
  const engine = new EmbeddedEngine(store, 10, () => now);
  const at = { start: now, end: now, stepSeconds: 10 };
  const byKey = <T extends { labels: Record<string, string> }>(xs: T[]) =>
    [...xs].sort((x, y) => JSON.stringify(x.labels).localeCompare(JSON.stringify(y.labels)));

  it('equal the full decode of the window, for rates by any labels and any window', async () => {
    for (const windowSeconds of [20, 60, 300, 550, 1200])
      for (const by of [[], ['deployment'], ['pod', 'classification'], ['dst_service', 'pod']]) {
        const q = { metric: 'response_total', matchers: [], by, windowSeconds };
        const fast = byKey(await engine.rate(q));
        const full = byKey(await engine.rateRange(q, at));
        expect(fast.map((s) => s.labels)).toEqual(full.map((s) => s.labels));
        fast.forEach((s, i) => expect(s.value).toBeCloseTo(full[i]?.points[0]?.[1] ?? NaN, 9));
      }
  });

  it('equal the full decode of the window, for histogram quantiles', async () => {
    for (const windowSeconds of [30, 300, 1200])
      for (const by of [[], ['pod'], ['deployment']]) {
        const q = { histogram: 'response_latency_ms', matchers: [], by, windowSeconds };
        const fast = byKey(await engine.quantiles({ ...q, quantiles: [0.5, 0.99] }));
        for (const quantile of [0.5, 0.99]) {
          const full = byKey(await engine.quantileRange({ ...q, quantiles: [quantile] }, at));
          expect(fast.map((s) => s.labels)).toEqual(full.map((s) => s.labels));
          fast.forEach((s, i) =>
            expect(s.values[String(quantile)]).toBeCloseTo(full[i]?.points[0]?.[1] ?? NaN, 9),
          );
        }
      }
  });

  it('equal the full decode after series are forgotten and others appear (rows renumbered)', async () => {
    const small = new SampleStore(12, 3600);
    let t = 0;
    for (let i = 0; i < 40; i++) {
      t = 9000 + i * 10;
      const samples = [sample('request_total', { direction: 'inbound', dst_service: 'a' }, i * 3)];
      // b is last fed at 26 and forgotten at 38, inside the recent values the last query reads.
      if (i < 27)
        samples.push(sample('request_total', { direction: 'inbound', dst_service: 'b' }, i));
      if (i >= 25)
        samples.push(sample('request_total', { direction: 'inbound', dst_service: 'c' }, i * i));
      samples.push(sample('request_total', { direction: 'outbound', dst_service: 'd' }, 7 * i));
      small.ingest('p', target, t, samples);
      small.expire(t);
    }
    const e = new EmbeddedEngine(small, 10, () => t);
    for (const windowSeconds of [20, 60, 100])
      for (const by of [['dst_service'], ['direction']]) {
        const q = { metric: 'request_total', matchers: [], by, windowSeconds };
        const fast = byKey(await e.rate(q));
        const full = byKey(await e.rateRange(q, { start: t, end: t, stepSeconds: 10 }));
        expect(fast.map((x) => x.labels)).toEqual(full.map((x) => x.labels));
        fast.forEach((x, i) => expect(x.value).toBeCloseTo(full[i]?.points[0]?.[1] ?? NaN, 9));
      }
    // b was forgotten; a, c and d remain.
    expect(small.stats().series).toBe(3);
  });

  it('answer responses by class from their rollup as the family summed, through resets, new statuses and forgotten ones', async () => {
    const small = new SampleStore(12, 3600);
    let t = 0;
    for (let i = 0; i < 40; i++) {
      t = 9000 + i * 10;
      const out = { direction: 'outbound', dst_service: 'a' };
      const samples = [
        sample('response_total', { ...out, classification: 'success', status_code: '200' }, i * 5),
        // Resets every 15 scrapes.
        sample('response_total', { ...out, classification: 'success', status_code: '204' }, i % 15),
        sample('response_total', { direction: 'inbound', classification: 'success' }, i * 2),
      ];
      // 503s stop at 20 and are forgotten at 33; 504s start at 25.
      if (i <= 20)
        samples.push(
          sample('response_total', { ...out, classification: 'failure', status_code: '503' }, i),
        );
      if (i >= 25)
        samples.push(
          sample(
            'response_total',
            { ...out, classification: 'failure', status_code: '504' },
            i * i,
          ),
        );
      small.ingest('p', target, t, samples);
      small.expire(t);
    }
    const e = new EmbeddedEngine(small, 10, () => t);
    const sumBy = (xs: { labels: Record<string, string>; value: number }[], label: string) => {
      const out = new Map<string, number>();
      for (const x of xs)
        out.set(x.labels[label] ?? '', (out.get(x.labels[label] ?? '') ?? 0) + x.value);
      return out;
    };
    // Windows after the 504s began: a series' first sample inside a window is the one case
    // where a rollup (which adds no increase for it) and the series' own rate differ.
    for (const windowSeconds of [20, 60, 100]) {
      const q = { matchers: [eq('direction', 'outbound')], windowSeconds };
      const rolled = await e.rate({ ...q, metric: 'response_total', by: ['classification'] });
      const family = await e.rate({
        ...q,
        metric: 'response_total',
        by: ['classification', 'status_code'],
      });
      const expected = sumBy(family, 'classification');
      expect(rolled.map((x) => x.labels.classification).sort()).toEqual(
        [...expected.keys()].sort(),
      );
      for (const x of rolled)
        expect(x.value).toBeCloseTo(expected.get(x.labels.classification ?? '') ?? NaN, 9);
      // A query on a status reads the family itself.
      const only504 = await e.rate({
        ...q,
        metric: 'response_total',
        matchers: [...q.matchers, eq('status_code', '504')],
        by: [],
      });
      expect(only504[0]?.value).toBeCloseTo(
        family.find((x) => x.labels.status_code === '504')?.value ?? NaN,
        9,
      );
    }
    // The rollup holds a series per class and direction, not per status.
    expect(small.select('response_total:by_class', [], 0, t)).toHaveLength(3);
    // Its failures: the 503s' 20, then only the 504s' increases after their first sample
    // (625 at scrape 25), over the twelve scrapes kept (28 to 39).
    const [failures] = small.select(
      'response_total:by_class',
      [eq('classification', 'failure')],
      0,
      t,
    );
    expect(failures?.values).toEqual(
      Array.from({ length: 12 }, (_, k) => 20 + (28 + k) ** 2 - 625),
    );
  });

  it('read a histogram as its buckets: in bound order, by `le` and filtered on it, forgotten one by one', async () => {
    const h = new SampleStore(6, 3600);
    const bucket = (le: string, v: number, labels = {}) =>
      sample('response_latency_ms_bucket', { direction: 'inbound', ...labels, le }, v);
    let t = 0;
    for (let i = 0; i < 20; i++) {
      t = 7000 + i * 10;
      // Out of order, `1.0` written as `1`, and a bucket that stops (10) and one that starts late (100).
      const samples = [bucket('+Inf', 9 * i), bucket('1.0', i)];
      if (i < 8) samples.push(bucket('10', 4 * i));
      if (i >= 5) samples.push(bucket('100', 6 * i));
      // A second histogram of the same family: a proxy's other direction, all of it stopping.
      if (i < 8) samples.push(bucket('1', i, { direction: 'outbound' }));
      h.ingest('p', target, t, samples);
      h.expire(t);
      if (i === 6) {
        const les = h.select('response_latency_ms_bucket', [eq('direction', 'inbound')], 0, 1e6);
        expect(les.map((v) => v.labels.le)).toEqual(['1', '10', '100', '+Inf']);
      }
    }
    const e = new EmbeddedEngine(h, 10, () => t);
    // 10 and the outbound histogram were last fed 12 scrapes ago, beyond the 6-scrape ring.
    const views = h.select('response_latency_ms_bucket', [], 0, 1e6);
    expect(views.map((v) => [v.labels.direction, v.labels.le])).toEqual([
      ['inbound', '1'],
      ['inbound', '100'],
      ['inbound', '+Inf'],
    ]);
    expect(h.stats().series).toBe(3);
    // One index entry is left: the inbound histogram's (the outbound one went with its last bucket).
    expect(h.index.size).toBe(1);
    // Rates of the buckets by `le`, and a matcher on `le`, through the window ends and a full decode.
    for (const matchers of [[], [re('le', '1|\\+Inf')]]) {
      const q = { metric: 'response_latency_ms_bucket', matchers, by: ['le'], windowSeconds: 40 };
      const fast = byKey(await e.rate(q));
      const full = byKey(await e.rateRange(q, { start: t, end: t, stepSeconds: 10 }));
      expect(fast.map((x) => x.labels.le)).toEqual(
        matchers.length ? ['+Inf', '1'] : ['+Inf', '1', '100'],
      );
      expect(full.map((x) => x.labels)).toEqual(fast.map((x) => x.labels));
      // The counters above move by 9, 1 and 6 a scrape of 10 s.
      expect(fast.map((x) => x.value)).toEqual(
        matchers.length
          ? [0.9, 0.1].map((r) => expect.closeTo(r, 9))
          : [0.9, 0.1, 0.6].map((r) => expect.closeTo(r, 9)),
      );
    }
  });

  it('keep the group of each series across queries, and find groups anew once the index renumbers', async () => {
    // 40 proxies of 40 series; then only the last 10 stay, so the index renumbers
    // them from 0: ids that meant p0's series before now mean p30's.
    const big = new SampleStore(10, 30);
    let t = 0;
    const scrape = (pods: number[]) => {
      for (const p of pods)
        big.ingest(
          `p${p}`,
          { ...target, pod: `p${p}` },
          t,
          Array.from({ length: 40 }, (_, k) =>
            sample(
              'request_total',
              { direction: 'inbound', dst_service: `s${k}` },
              (t / 10) * (k + 1),
            ),
          ),
        );
      big.expire(t);
    };
    const e = new EmbeddedEngine(big, 10, () => t);
    const q = {
      metric: 'request_total',
      matchers: [],
      by: ['pod', 'dst_service'],
      windowSeconds: 40,
    };
    const check = async (pods: number) => {
      const fast = byKey(await e.rate(q));
      const full = byKey(await e.rateRange(q, { start: t, end: t, stepSeconds: 10 }));
      expect(fast).toHaveLength(pods * 40);
      expect(fast.map((x) => x.labels)).toEqual(full.map((x) => x.labels));
      fast.forEach((x, i) => expect(x.value).toBeCloseTo(full[i]?.points[0]?.[1] ?? NaN, 9));
      // s7's counter moves by 8 a scrape of 10 s, on every proxy.
      expect(fast.filter((x) => x.labels.dst_service === 's7').map((x) => x.value)).toEqual(
        Array.from({ length: pods }, () => expect.closeTo(0.8, 9)),
      );
    };
    const all = Array.from({ length: 40 }, (_, i) => i);
    for (let i = 0; i < 5; i++) {
      t = 20_000 + i * 10;
      scrape(all);
    }
    await check(40);
    await check(40);
    const generation = big.index.generation;
    for (let i = 5; i < 10; i++) {
      t = 20_000 + i * 10;
      scrape(all.slice(30));
    }
    expect(big.index.generation).toBeGreaterThan(generation);
    await check(10);
    expect(new Set((await e.rate(q)).map((x) => x.labels.pod))).toEqual(
      new Set(['p30', 'p31', 'p32', 'p33', 'p34', 'p35', 'p36', 'p37', 'p38', 'p39']),
    );
  });

  it('skip a bucket whose bound is not a number, as histogram_quantile does', async () => {
    const withOdd = new SampleStore(10, 3600);
    const plain = new SampleStore(10, 3600);
    for (let i = 0; i < 6; i++) {
      const buckets = [
        ['5', 2 * i],
        ['10', 6 * i],
        ['+Inf', 8 * i],
      ] as const;
      const samples = buckets.map(([le, v]) =>
        sample('response_latency_ms_bucket', { direction: 'inbound', le }, v),
      );
      plain.ingest('p', target, 100 + i * 10, samples);
      withOdd.ingest('p', target, 100 + i * 10, [
        ...samples,
        sample('response_latency_ms_bucket', { direction: 'inbound', le: 'oops' }, 1000 * i),
      ]);
    }
    const q = {
      histogram: 'response_latency_ms',
      matchers: [],
      by: [],
      windowSeconds: 40,
      quantiles: [0.5],
    };
    const [a] = await new EmbeddedEngine(plain, 10, () => 150).quantiles(q);
    const [b] = await new EmbeddedEngine(withOdd, 10, () => 150).quantiles(q);
    // Half of 0.8/s is 0.4/s: past the 0.2/s at 5, half way to the 0.6/s at 10.
    expect(a?.values['0.5']).toBeCloseTo(5 + 5 * (0.2 / 0.4), 9);
    expect(b?.values['0.5']).toBe(a?.values['0.5']);
  });

  it('sum histograms with different bounds into one ascending set, whatever order the bounds came in', async () => {
    const store = new SampleStore(10, 3600);
    for (let i = 0; i < 6; i++) {
      // Proxy a (read first) has no bucket at 5; b has one.
      store.ingest('a', { ...target, pod: 'a' }, 100 + i * 10, [
        sample('response_latency_ms_bucket', { direction: 'inbound', le: '10' }, 4 * i),
        sample('response_latency_ms_bucket', { direction: 'inbound', le: '+Inf' }, 4 * i),
      ]);
      store.ingest('b', { ...target, pod: 'b' }, 100 + i * 10, [
        sample('response_latency_ms_bucket', { direction: 'inbound', le: '5' }, 4 * i),
        sample('response_latency_ms_bucket', { direction: 'inbound', le: '10' }, 4 * i),
        sample('response_latency_ms_bucket', { direction: 'inbound', le: '+Inf' }, 4 * i),
      ]);
    }
    const [median] = await new EmbeddedEngine(store, 10, () => 150).quantiles({
      histogram: 'response_latency_ms',
      matchers: [],
      by: [],
      windowSeconds: 40,
      quantiles: [0.25, 0.75],
    });
    // Summed: 0.4/s at 5, 0.8/s at 10 and +Inf. A quarter (0.2/s) falls half way to 5;
    // three quarters (0.6/s) half way from 5 to 10.
    expect(median?.values['0.25']).toBeCloseTo(2.5, 9);
    expect(median?.values['0.75']).toBeCloseTo(7.5, 9);
  });

  it('treat an empty label value as no label, and skip series without two samples', async () => {
    const rates = await engine.rate({
      metric: 'response_total',
      matchers: [eq('direction', 'outbound')],
      by: ['dst_service'],
      windowSeconds: 20,
    });
    // dst_service="" is one group with no label; "x" started late but has its samples.
    expect(byKey(rates).map((r) => r.labels)).toEqual([{ dst_service: 'x' }, {}]);
    const justStarted = new SampleStore(10, 3600);
    justStarted.ingest('a', target, 1000, [sample('response_total', {}, 5)]);
    expect(
      await new EmbeddedEngine(justStarted, 10, () => 1000).rate({
        metric: 'response_total',
        matchers: [],
        by: [],
        windowSeconds: 60,
      }),
    ).toEqual([]);
  });
});

describe('histogram quantile', () => {
  it('interpolates inside the bucket holding the rank, like Prometheus', () => {
    const buckets = [
      { le: 10, count: 50 },
      { le: 20, count: 90 },
      { le: 50, count: 100 },
      { le: Infinity, count: 100 },
    ];
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(10);
    expect(histogramQuantile(0.7, buckets)).toBeCloseTo(15);
    expect(histogramQuantile(0.25, buckets)).toBeCloseTo(5);
  });

  it('answers the highest finite bound for ranks in +Inf, and NaN without observations', () => {
    expect(
      histogramQuantile(0.99, [
        { le: 10, count: 1 },
        { le: Infinity, count: 10 },
      ]),
    ).toBe(10);
    expect(
      histogramQuantile(0.5, [
        { le: 10, count: 0 },
        { le: Infinity, count: 0 },
      ]),
    ).toBeNaN();
  });

  it("keeps every group's sums when the shared slab grows and runs move", () => {
    // 400 groups of 26 bounds outgrow the slab's first 4,096 places; each group then meets
    // a bound it has no room for (another histogram's layout), so its run moves too.
    const slab = new BucketSlab();
    const bounds = [...Array.from({ length: 25 }, (_, i) => (i + 1) * 10), Infinity];
    const runs = Array.from({ length: 400 }, () => slab.open(bounds.length));
    for (let g = 0; g < runs.length; g++)
      for (const le of bounds) slab.add(runs[g]!, le, g + (Number.isFinite(le) ? le : 300));
    for (let g = 0; g < runs.length; g++) slab.add(runs[g]!, 5, g + 1);
    for (let g = 0; g < runs.length; g += 37) {
      const run = runs[g]!;
      slab.ascending(run);
      const les = Array.from(slab.les.subarray(run.start, run.start + run.length));
      const sums = Array.from(slab.sums.subarray(run.start, run.start + run.length));
      expect(les).toEqual([5, ...bounds]);
      expect(sums).toEqual([g + 1, ...bounds.map((le) => g + (Number.isFinite(le) ? le : 300))]);
      // Read in place from the run's offset, as over a copy of the run alone.
      expect(boundsQuantile(0.5, slab.les, slab.sums, run.start, run.length)).toBeCloseTo(
        histogramQuantile(
          0.5,
          les.map((le, i) => ({ le, count: sums[i]! })),
        ),
      );
    }
  });
});
