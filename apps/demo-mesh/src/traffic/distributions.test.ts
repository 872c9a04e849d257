import { describe, expect, it } from 'vitest';
import {
  GOLDEN,
  inverseNormal,
  LogNormal,
  mixtureQuantile,
  normalCdf,
  Sequence,
} from './distributions';

describe('latency distributions', () => {
  it('inverse normal and normal CDF agree with known quantiles', () => {
    expect(inverseNormal(0.5)).toBeCloseTo(0, 8);
    expect(inverseNormal(0.95)).toBeCloseTo(1.6448536, 6);
    expect(inverseNormal(0.01)).toBeCloseTo(-2.3263479, 6);
    expect(normalCdf(1.6448536)).toBeCloseTo(0.95, 6);
  });

  it('a log-normal fitted to p50 and p95 gives them back', () => {
    const d = new LogNormal({ p50Ms: 20, p95Ms: 90 });
    expect(d.quantile(0.5)).toBeCloseTo(20, 6);
    expect(d.quantile(0.95)).toBeCloseTo(90, 4);
    expect(d.cdf(90)).toBeCloseTo(0.95, 5);
  });

  it('samples from an equidistributed sequence reproduce the quantiles over a short run', () => {
    const d = new LogNormal({ p50Ms: 5, p95Ms: 15 });
    const seq = new Sequence(0.123, GOLDEN);
    const xs = Array.from({ length: 600 }, () => d.quantile(seq.next())).sort((a, b) => a - b);
    expect(xs[299]).toBeGreaterThan(4.8);
    expect(xs[299]).toBeLessThan(5.2);
    expect(xs[569]).toBeGreaterThan(14);
    expect(xs[569]).toBeLessThan(16);
  });

  it('the quantile of a mixture lies between its parts', () => {
    const fast = new LogNormal({ p50Ms: 2, p95Ms: 4 });
    const slow = new LogNormal({ p50Ms: 200, p95Ms: 400 });
    expect(mixtureQuantile([{ dist: fast, weight: 1 }], 0.5)).toBeCloseTo(2, 3);
    const mixed = mixtureQuantile(
      [
        { dist: fast, weight: 9 },
        { dist: slow, weight: 1 },
      ],
      0.95,
    );
    expect(mixed).toBeGreaterThan(4);
    expect(mixed).toBeLessThan(400);
  });
});
