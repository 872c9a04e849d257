import { describe, expect, it, vi } from 'vitest';
import { CachingEngine } from './caching-engine';
import type { MetricsEngine, RateQuery } from './engine';

function fakeEngine(
  rate: MetricsEngine['rate'],
  kind: MetricsEngine['kind'] = 'prometheus',
): MetricsEngine {
  const none = async () => [];
  return {
    kind,
    minWindowSeconds: 20,
    rate,
    quantiles: none,
    gauge: none,
    rateRange: none,
    quantileRange: none,
  };
}

const q: RateQuery = {
  metric: 'response_total',
  matchers: [],
  by: ['namespace'],
  windowSeconds: 60,
};

/** Holds the thread for `ms`, as the embedded engine's computing does. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('query times', () => {
  it('times an upstream query until it is answered', async () => {
    const seen: number[] = [];
    const engine = new CachingEngine(
      fakeEngine(async () => {
        await new Promise((r) => setTimeout(r, 30));
        return [];
      }),
      2000,
      (_kind, seconds) => seen.push(seconds * 1000),
    );
    await engine.rate(q);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeGreaterThanOrEqual(29);
  });

  it('times an engine that computes in this thread by its computing, not by the queries asked after it', async () => {
    const seen: number[] = [];
    const engine = new CachingEngine(
      fakeEngine(async () => {
        busy(20);
        return [];
      }, 'embedded'),
      2000,
      (_kind, seconds) => seen.push(seconds * 1000),
    );
    // Five questions at once, as an answer asks them: each computes for 20 ms in turn, and
    // none is settled before all five have computed.
    await Promise.all(
      [60, 120, 180, 240, 300].map((windowSeconds) => engine.rate({ ...q, windowSeconds })),
    );
    expect(seen).toHaveLength(5);
    for (const ms of seen) {
      expect(ms).toBeGreaterThanOrEqual(19);
      expect(ms).toBeLessThan(60);
    }
  });
});

describe('query coalescing', () => {
  it('when 50 callers ask the same question at once, the upstream is asked once', async () => {
    const upstream = vi.fn(async () => [{ labels: {}, value: 1 }]);
    const engine = new CachingEngine(fakeEngine(upstream), 2000);
    const answers = await Promise.all(Array.from({ length: 50 }, () => engine.rate(q)));
    expect(upstream).toHaveBeenCalledTimes(1);
    expect(answers.every((a) => a[0]?.value === 1)).toBe(true);
  });

  it('reuses an answer within its time to live, then asks again; different questions are separate', async () => {
    let now = 0;
    const upstream = vi.fn(async () => []);
    const engine = new CachingEngine(fakeEngine(upstream), 2000, undefined, () => now);
    await engine.rate(q);
    now = 1500;
    await engine.rate(q);
    expect(upstream).toHaveBeenCalledTimes(1);
    await engine.rate({ ...q, windowSeconds: 300 });
    expect(upstream).toHaveBeenCalledTimes(2);
    now = 2500;
    await engine.rate(q);
    expect(upstream).toHaveBeenCalledTimes(3);
  });

  it('does not keep a failure: the next caller retries', async () => {
    const upstream = vi.fn().mockRejectedValueOnce(new Error('down')).mockResolvedValue([]);
    const engine = new CachingEngine(fakeEngine(upstream), 2000);
    await expect(engine.rate(q)).rejects.toThrow('down');
    await expect(engine.rate(q)).resolves.toEqual([]);
    expect(upstream).toHaveBeenCalledTimes(2);
  });

  it('keeps answers up to a size, not only a count: the oldest make room', async () => {
    const big = Array.from({ length: 100 }, (_, i) => ({ labels: { pod: `web-${i}` }, value: i }));
    const upstream = vi.fn(async () => big);
    // About 6.6 kB an answer: room for two.
    const engine = new CachingEngine(fakeEngine(upstream), 60_000, undefined, Date.now, 15_000);
    for (const windowSeconds of [60, 120, 180]) await engine.rate({ ...q, windowSeconds });
    expect(engine.size).toBeLessThanOrEqual(15_000);
    expect(engine.size).toBeGreaterThan(0);
    await engine.rate({ ...q, windowSeconds: 180 });
    expect(upstream).toHaveBeenCalledTimes(3);
    await engine.rate({ ...q, windowSeconds: 60 });
    expect(upstream).toHaveBeenCalledTimes(4);
  });
});
