/**
 * Prometheus's histogram_quantile over cumulative bucket rates: linear
 * interpolation inside the bucket holding the rank; the first bucket starts
 * at 0; a rank in the +Inf bucket answers the highest finite bound.
 */
export function histogramQuantile(q: number, buckets: { le: number; count: number }[]): number {
  if (buckets.length < 2) return Number.NaN;
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  if (sorted[sorted.length - 1]?.le !== Infinity) return Number.NaN;
  // Cumulative counts must not decrease (they can, slightly, from rate extrapolation).
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1] as { le: number; count: number };
    const cur = sorted[i] as { le: number; count: number };
    if (cur.count < prev.count) cur.count = prev.count;
  }
  const total = sorted[sorted.length - 1]?.count ?? 0;
  if (!(total > 0)) return Number.NaN;
  if (Number.isNaN(q)) return Number.NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const rank = q * total;
  let i = sorted.findIndex((b) => b.count >= rank);
  if (i === sorted.length - 1) return sorted[sorted.length - 2]?.le ?? Number.NaN;
  if (i === 0 && (sorted[0]?.le ?? 0) <= 0) return sorted[0]?.le ?? Number.NaN;
  let lower = 0;
  let countBelow = 0;
  if (i > 0) {
    lower = sorted[i - 1]?.le ?? 0;
    countBelow = sorted[i - 1]?.count ?? 0;
  } else {
    i = 0;
  }
  const upper = sorted[i]?.le ?? 0;
  const inBucket = (sorted[i]?.count ?? 0) - countBelow;
  return lower + (upper - lower) * ((rank - countBelow) / inBucket);
}
