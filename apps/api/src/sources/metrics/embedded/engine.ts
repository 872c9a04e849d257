import type {
  GaugeQuery,
  MetricsEngine,
  QuantileQuery,
  QuantileSample,
  RangeSeries,
  RangeSpec,
  RateQuery,
  Sample,
} from '../engine';
import { bucketRates, groupKey, pick, quantileKey, quantilesOfBuckets } from '../engine';
import { boundsQuantile, BucketSlab } from './histogram';
import { familyFor, keepsLabel } from './reduce';
import type { SampleStore, SeriesView, WindowEnds } from './store';

/**
 * Prometheus's extrapolated rate over [t - window, t] for one series
 * (promql/functions.go extrapolatedRate), so both engines agree. The view
 * may hold samples outside the window; only those inside count.
 */
export function extrapolatedRate(
  view: SeriesView,
  t: number,
  windowSeconds: number,
): number | undefined {
  const rangeStart = t - windowSeconds;
  const { times, values } = view;
  // First sample after the window's start, last at or before its end.
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((times[mid] as number) > rangeStart) hi = mid;
    else lo = mid + 1;
  }
  const firstIdx = lo;
  hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((times[mid] as number) > t) hi = mid;
    else lo = mid + 1;
  }
  const lastIdx = lo - 1;
  return extrapolate(
    {
      firstT: times[firstIdx] as number,
      firstV: values[firstIdx] as number,
      lastT: times[lastIdx] as number,
      lastV: values[lastIdx] as number,
      n: lastIdx - firstIdx + 1,
      le: Number.NaN,
      buckets: 0,
      rate: 0,
    },
    t,
    windowSeconds,
  );
}

/** The extrapolated rate from a series' samples at the ends of (t - window, t]. */
export function extrapolate(e: WindowEnds, t: number, windowSeconds: number): number | undefined {
  return extrapolateEnds(e, t, windowSeconds) ? e.rate : undefined;
}

/**
 * `extrapolate` for the per-series loops: the rate goes into `e.rate`, a
 * number written in place, and the answer says whether there is one. A
 * number returned from a call that is not inlined is boxed: an allocation
 * per series of a whole-mesh query.
 */
function extrapolateEnds(e: WindowEnds, t: number, windowSeconds: number): boolean {
  if (e.n < 2) return false;
  const rangeStart = t - windowSeconds;
  const sampledInterval = e.lastT - e.firstT;
  if (sampledInterval <= 0) return false;
  const increase = e.lastV - e.firstV;
  const averageBetween = sampledInterval / (e.n - 1);
  const threshold = averageBetween * 1.1;
  let toStart = e.firstT - rangeStart;
  let toEnd = t - e.lastT;
  if (toStart >= threshold) toStart = averageBetween / 2;
  if (increase > 0 && e.firstV >= 0) {
    const toZero = sampledInterval * (e.firstV / increase);
    if (toZero < toStart) toStart = toZero;
  }
  if (toEnd >= threshold) toEnd = averageBetween / 2;
  const factor = (sampledInterval + toStart + toEnd) / sampledInterval;
  e.rate = (increase * factor) / windowSeconds;
  return true;
}

/** Staleness: a gauge sample older than this is not "current" (as Prometheus's 5-minute lookback, shortened to scrapes). */
const GAUGE_LOOKBACK_INTERVALS = 2.5;

/** Answers the model's questions from the embedded scraper's samples. */
export class EmbeddedEngine implements MetricsEngine {
  readonly kind = 'embedded' as const;
  readonly minWindowSeconds: number;

  constructor(
    private readonly store: SampleStore,
    private readonly scrapeIntervalSeconds: number,
    private readonly now: () => number = () => Date.now() / 1000,
  ) {
    this.minWindowSeconds = 2 * scrapeIntervalSeconds;
  }

  /** The family a rate query reads (the metric or its rollup), once its labels are known to be kept. */
  private family(q: RateQuery): string {
    const names = [...q.by, ...q.matchers.map((m) => m.label)];
    this.checkLabels(q.metric, names);
    return familyFor(q.metric, names);
  }

  private checkLabels(metric: string, names: string[]): void {
    for (const n of names) {
      if (!keepsLabel(metric, n))
        throw new Error(`the embedded engine does not keep label ${n} on ${metric}`);
    }
  }

  /** The series a rate query reads, with samples from `from - window` to `to`, labelled by `by` only. */
  private views(q: RateQuery, from: number, to: number): SeriesView[] {
    return this.store.select(this.family(q), q.matchers, from - q.windowSeconds, to, q.by);
  }

  private rateAt(q: RateQuery, t: number, views = this.views(q, t, t)): Map<string, Sample> {
    const groups = new Map<string, Sample>();
    for (const view of views) {
      const r = extrapolatedRate(view, t, q.windowSeconds);
      if (r === undefined) continue;
      const key = view.group ?? groupKey(view.labels, q.by);
      const g = groups.get(key);
      if (g) g.value += r;
      else groups.set(key, { labels: pick(view.labels, q.by), value: r });
    }
    return groups;
  }

  private quantilesAt(
    q: QuantileQuery,
    t: number,
    views = this.views(bucketRates(q), t, t),
  ): QuantileSample[] {
    return quantilesOfBuckets(this.rateAt(bucketRates(q), t, views).values(), q);
  }

  /** rate() at one time, from each series' samples at the window's ends only. */
  private rateNow(q: RateQuery, t: number): Sample[] {
    const groups = this.store.windowEnds(
      this.family(q),
      q.matchers,
      t - q.windowSeconds,
      t,
      q.by,
      (group, ends) => {
        if (!extrapolateEnds(ends, t, q.windowSeconds)) return;
        group.value += ends.rate;
        group.count++;
      },
    );
    return groups.filter((g) => g.count > 0).map((g) => ({ labels: g.labels, value: g.value }));
  }

  /** quantiles() at one time: bucket rates summed by `by` and `le` in one pass. */
  private quantilesNow(q: QuantileQuery, t: number): QuantileSample[] {
    const metric = `${q.histogram}_bucket`;
    this.checkLabels(metric, [...q.by, 'le', ...q.matchers.map((m) => m.label)]);
    const slab = new BucketSlab();
    const groups = this.store.windowEnds(
      metric,
      q.matchers,
      t - q.windowSeconds,
      t,
      q.by,
      (group, ends) => {
        const le = ends.le;
        // A bound that is not a number: histogram_quantile skips the bucket (promql/functions.go).
        if (Number.isNaN(le)) return;
        if (!extrapolateEnds(ends, t, q.windowSeconds)) return;
        slab.add((group.buckets ??= slab.open(ends.buckets)), le, ends.rate);
        group.count++;
      },
    );
    const out: QuantileSample[] = [];
    for (const g of groups) {
      const run = g.buckets;
      if (!run) continue;
      slab.ascending(run);
      const values: Record<string, number> = {};
      for (const quantile of q.quantiles)
        values[quantileKey(quantile)] = boundsQuantile(
          quantile,
          slab.les,
          slab.sums,
          run.start,
          run.length,
        );
      out.push({
        labels: g.labels,
        values,
      });
    }
    return out;
  }

  async rate(q: RateQuery): Promise<Sample[]> {
    return this.rateNow(q, this.now());
  }

  async quantiles(q: QuantileQuery): Promise<QuantileSample[]> {
    return this.quantilesNow(q, this.now());
  }

  async gauge(q: GaugeQuery): Promise<Sample[]> {
    this.checkLabels(q.metric, [...q.by, ...q.matchers.map((m) => m.label)]);
    const t = this.now();
    const groups = new Map<string, Sample>();
    for (const view of this.store.select(
      q.metric,
      q.matchers,
      t - GAUGE_LOOKBACK_INTERVALS * this.scrapeIntervalSeconds,
      t,
      q.by,
    )) {
      const v = view.values[view.values.length - 1];
      if (v === undefined) continue;
      const key = groupKey(view.labels, q.by);
      const g = groups.get(key);
      if (!g) groups.set(key, { labels: pick(view.labels, q.by), value: v });
      else
        g.value =
          q.aggregate === 'sum'
            ? g.value + v
            : q.aggregate === 'min'
              ? Math.min(g.value, v)
              : Math.max(g.value, v);
    }
    return [...groups.values()];
  }

  private steps(range: RangeSpec): number[] {
    const out: number[] = [];
    for (let t = range.start; t <= range.end + 1e-9; t += range.stepSeconds) out.push(t);
    return out;
  }

  async rateRange(q: RateQuery, range: RangeSpec): Promise<RangeSeries[]> {
    const series = new Map<string, RangeSeries>();
    const views = this.views(q, range.start, range.end);
    for (const t of this.steps(range)) {
      for (const [key, s] of this.rateAt(q, t, views)) {
        const r = series.get(key) ?? { labels: s.labels, points: [] };
        r.points.push([t, s.value]);
        series.set(key, r);
      }
    }
    return [...series.values()];
  }

  async quantileRange(
    q: QuantileQuery & { quantiles: [number] },
    range: RangeSpec,
  ): Promise<RangeSeries[]> {
    const series = new Map<string, RangeSeries>();
    const qk = quantileKey(q.quantiles[0]);
    const views = this.views(bucketRates(q), range.start, range.end);
    for (const t of this.steps(range)) {
      for (const s of this.quantilesAt(q, t, views)) {
        const v = s.values[qk];
        if (v === undefined || Number.isNaN(v)) continue;
        const key = groupKey(s.labels, q.by);
        const r = series.get(key) ?? { labels: s.labels, points: [] };
        r.points.push([t, v]);
        series.set(key, r);
      }
    }
    return [...series.values()];
  }
}
