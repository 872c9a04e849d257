import type { LatencySpec } from '../scenarios/types';

/** z of the 95th percentile of the standard normal distribution. */
const Z95 = 1.6448536269514722;

/** Inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
export function inverseNormal(p: number): number {
  const a = [
    -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2,
    -3.066479806614716e1, 2.506628277459239,
  ];
  const b = [
    -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1,
    -1.328068155288572e1,
  ];
  const c = [
    -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734,
    4.374664141464968, 2.938163982698783,
  ];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const q = Math.min(Math.max(p, 1e-12), 1 - 1e-12);
  const [a0, a1, a2, a3, a4, a5] = a as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = b as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = c as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = d as [number, number, number, number];
  if (q < 0.02425) {
    const r = Math.sqrt(-2 * Math.log(q));
    return (
      (((((c0 * r + c1) * r + c2) * r + c3) * r + c4) * r + c5) /
      ((((d0 * r + d1) * r + d2) * r + d3) * r + 1)
    );
  }
  if (q > 1 - 0.02425) {
    const r = Math.sqrt(-2 * Math.log(1 - q));
    return (
      -(((((c0 * r + c1) * r + c2) * r + c3) * r + c4) * r + c5) /
      ((((d0 * r + d1) * r + d2) * r + d3) * r + 1)
    );
  }
  const r = q - 0.5;
  const s = r * r;
  return (
    ((((((a0 * s + a1) * s + a2) * s + a3) * s + a4) * s + a5) * r) /
    (((((b0 * s + b1) * s + b2) * s + b3) * s + b4) * s + 1)
  );
}

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 through erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** A log-normal latency distribution fitted to a p50 and a p95. */
export class LogNormal {
  readonly mu: number;
  readonly sigma: number;

  constructor(spec: LatencySpec) {
    if (!(spec.p50Ms > 0 && spec.p95Ms >= spec.p50Ms))
      throw new Error(`bad latency spec ${JSON.stringify(spec)}`);
    this.mu = Math.log(spec.p50Ms);
    this.sigma = Math.max((Math.log(spec.p95Ms) - this.mu) / Z95, 1e-6);
  }

  /** The latency at quantile u in (0,1). */
  quantile(u: number): number {
    return Math.exp(this.mu + this.sigma * inverseNormal(u));
  }

  cdf(ms: number): number {
    return ms <= 0 ? 0 : normalCdf((Math.log(ms) - this.mu) / this.sigma);
  }
}

/** Quantile q of a mixture of log-normals weighted by rate, by bisection on the CDF. */
export function mixtureQuantile(parts: { dist: LogNormal; weight: number }[], q: number): number {
  const total = parts.reduce((s, p) => s + p.weight, 0);
  if (total <= 0) return Number.NaN;
  const cdf = (x: number) => parts.reduce((s, p) => s + p.weight * p.dist.cdf(x), 0) / total;
  let lo = 1e-3;
  let hi = 1e6;
  for (let i = 0; i < 100; i++) {
    const mid = Math.sqrt(lo * hi);
    if (cdf(mid) < q) lo = mid;
    else hi = mid;
  }
  return Math.sqrt(lo * hi);
}

/**
 * An additive-recurrence (Kronecker) sequence: equidistributed in [0,1) with
 * far less clumping than random draws, so declared rates and quantiles hold
 * over short windows.
 */
export class Sequence {
  constructor(
    private value: number,
    private readonly step: number,
  ) {}

  next(): number {
    this.value += this.step;
    if (this.value >= 1) this.value -= 1;
    return this.value;
  }
}

/** The index of an item drawn by weight with the next value of `seq` (the last if rounding runs past the end). */
export function drawByWeight(seq: Sequence, items: readonly { weight: number }[]): number {
  const total = items.reduce((sum, b) => sum + b.weight, 0);
  let draw = seq.next() * total;
  for (let i = 0; i < items.length; i++) {
    draw -= (items[i] as { weight: number }).weight;
    if (draw < 0) return i;
  }
  return items.length - 1;
}

export const GOLDEN = 0.6180339887498949;
export const SILVER = 0.41421356237309515;
/** The bronze ratio's fraction, (√13 − 3) / 2: a third sequence, unrelated to the other two. */
export const BRONZE = 0.30277563773199456;
