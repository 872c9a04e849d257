/**
 * Prometheus's histogram_quantile over cumulative bucket rates: linear
 * interpolation inside the bucket holding the rank; the first bucket starts
 * at 0; a rank in the +Inf bucket answers the highest finite bound.
 */
export function histogramQuantile(q: number, buckets: { le: number; count: number }[]): number {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  return boundsQuantile(
    q,
    sorted.map((b) => b.le),
    sorted.map((b) => b.count),
  );
}

/**
 * histogram_quantile over bounds in ascending order and their cumulative
 * counts (parallel arrays, as the engine sums them: no object per bucket).
 * Counts that decrease, as rate extrapolation can make them slightly, are
 * raised in place to the count below, as Prometheus does.
 */
export function boundsQuantile(q: number, les: number[], counts: number[]): number {
  const n = les.length;
  if (n < 2 || les[n - 1] !== Infinity) return Number.NaN;
  for (let i = 1; i < n; i++)
    if ((counts[i] as number) < (counts[i - 1] as number)) counts[i] = counts[i - 1] as number;
  const total = counts[n - 1] as number;
  if (!(total > 0)) return Number.NaN;
  if (Number.isNaN(q)) return Number.NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const rank = q * total;
  let i = 0;
  while (i < n - 1 && (counts[i] as number) < rank) i++;
  if (i === n - 1) return les[n - 2] as number;
  if (i === 0 && (les[0] as number) <= 0) return les[0] as number;
  const lower = i > 0 ? (les[i - 1] as number) : 0;
  const countBelow = i > 0 ? (counts[i - 1] as number) : 0;
  const upper = les[i] as number;
  return lower + (upper - lower) * ((rank - countBelow) / ((counts[i] as number) - countBelow));
}
