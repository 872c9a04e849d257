/** A bucket's `le` as a number. */
export function leBound(le: string | undefined): number {
  return le === '+Inf' ? Infinity : Number(le);
}

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
 * counts (parallel arrays, as the engine sums them: no object per bucket),
 * `n` of them from `start`. Counts that decrease, as rate extrapolation can
 * make them slightly, are raised in place to the count below, as Prometheus
 * does.
 */
export function boundsQuantile(
  q: number,
  les: ArrayLike<number>,
  counts: number[] | Float64Array,
  start = 0,
  n = les.length,
): number {
  const end = start + n;
  if (n < 2 || les[end - 1] !== Infinity) return Number.NaN;
  for (let i = start + 1; i < end; i++)
    if ((counts[i] as number) < (counts[i - 1] as number)) counts[i] = counts[i - 1] as number;
  const total = counts[end - 1] as number;
  if (!(total > 0)) return Number.NaN;
  if (Number.isNaN(q)) return Number.NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const rank = q * total;
  let i = start;
  while (i < end - 1 && (counts[i] as number) < rank) i++;
  if (i === end - 1) return les[end - 2] as number;
  if (i === start && (les[start] as number) <= 0) return les[start] as number;
  const lower = i > start ? (les[i - 1] as number) : 0;
  const countBelow = i > start ? (counts[i - 1] as number) : 0;
  const upper = les[i] as number;
  return lower + (upper - lower) * ((rank - countBelow) / ((counts[i] as number) - countBelow));
}

/**
 * One query's bucket sums for all its groups, in two shared arrays: a group
 * holds a run of them (its bounds in the order they came, and their sums)
 * rather than arrays of its own, which grew bucket by bucket and were most of
 * what a whole-mesh quantile query allocated.
 */
export class BucketSlab {
  les = new Float64Array(4096);
  sums = new Float64Array(4096);
  private used = 0;

  /** A run with room for `capacity` bounds. */
  open(capacity: number): BucketRun {
    const run = { start: 0, length: 0, capacity: 0, at: 0 };
    this.place(run, Math.max(2, capacity));
    return run;
  }

  /** Adds `r` to the sum of bound `le` in `run`, the bound added if new. */
  add(run: BucketRun, le: number, r: number): void {
    const les = this.les;
    let i = run.at < run.length && les[run.start + run.at] === le ? run.at : -1;
    if (i < 0) {
      for (let k = 0; k < run.length; k++)
        if (les[run.start + k] === le) {
          i = k;
          break;
        }
    }
    if (i < 0) {
      if (run.length === run.capacity) this.place(run, run.capacity * 2);
      i = run.length++;
      this.les[run.start + i] = le;
      this.sums[run.start + i] = 0;
    }
    const k = run.start + i;
    this.sums[k] = (this.sums[k] as number) + r;
    run.at = i + 1;
  }

  /** Sorts a run by bound, should its bounds have come out of order (histograms of different layouts). */
  ascending(run: BucketRun): void {
    const { les, sums } = this;
    const from = run.start;
    const to = from + run.length;
    for (let i = from + 1; i < to; i++) {
      const le = les[i] as number;
      const sum = sums[i] as number;
      let j = i - 1;
      while (j >= from && (les[j] as number) > le) {
        les[j + 1] = les[j] as number;
        sums[j + 1] = sums[j] as number;
        j--;
      }
      les[j + 1] = le;
      sums[j + 1] = sum;
    }
  }

  /** Moves `run` to a fresh place of `capacity` at the end, growing the arrays as needed. */
  private place(run: BucketRun, capacity: number): void {
    if (this.used + capacity > this.les.length) {
      const size = Math.max(this.les.length * 2, this.used + capacity);
      const les = new Float64Array(size);
      const sums = new Float64Array(size);
      les.set(this.les.subarray(0, this.used));
      sums.set(this.sums.subarray(0, this.used));
      this.les = les;
      this.sums = sums;
    }
    const start = this.used;
    this.les.copyWithin(start, run.start, run.start + run.length);
    this.sums.copyWithin(start, run.start, run.start + run.length);
    run.start = start;
    run.capacity = capacity;
    this.used += capacity;
  }
}

/** A group's run of bounds and sums in a `BucketSlab`; `at` is where the next bound most likely is. */
export interface BucketRun {
  start: number;
  length: number;
  capacity: number;
  at: number;
}
