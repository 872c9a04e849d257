import { histogramQuantile, leBound } from './embedded/histogram';

/**
 * The typed questions the mesh model asks of metrics, answered alike by the
 * Prometheus engine (PromQL) and the embedded engine (its own scrapes).
 */
export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  label: string;
  op: MatchOp;
  value: string;
}

export const eq = (label: string, value: string): Matcher => ({ label, op: '=', value });
export const ne = (label: string, value: string): Matcher => ({ label, op: '!=', value });
export const re = (label: string, value: string): Matcher => ({ label, op: '=~', value });
export const nre = (label: string, value: string): Matcher => ({ label, op: '!~', value });

export interface Selector {
  /** Sample name, e.g. `response_total` or `response_latency_ms_bucket`. */
  metric: string;
  matchers: Matcher[];
}

/** Per-second rate of a counter over `windowSeconds`, summed by `by`. */
export interface RateQuery extends Selector {
  by: string[];
  windowSeconds: number;
}

/** Quantiles of a histogram (the name without `_bucket`) over the window, by `by`. */
export interface QuantileQuery {
  histogram: string;
  matchers: Matcher[];
  by: string[];
  windowSeconds: number;
  quantiles: number[];
}

/** The latest value of a gauge, aggregated by `by`. */
export interface GaugeQuery extends Selector {
  by: string[];
  aggregate: 'sum' | 'min' | 'max';
}

export interface RangeSpec {
  /** Unix seconds. */
  start: number;
  end: number;
  stepSeconds: number;
}

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

export interface RangeSeries {
  labels: Record<string, string>;
  /** [unix seconds, value] pairs; steps without data are absent. */
  points: [number, number][];
}

export interface QuantileSample {
  labels: Record<string, string>;
  /** Quantile -> value (ms or whatever the histogram's unit is); NaN when no data. */
  values: Record<string, number>;
}

export interface MetricsEngine {
  readonly kind: 'prometheus' | 'embedded';
  rate(q: RateQuery, signal?: AbortSignal): Promise<Sample[]>;
  quantiles(q: QuantileQuery, signal?: AbortSignal): Promise<QuantileSample[]>;
  gauge(q: GaugeQuery, signal?: AbortSignal): Promise<Sample[]>;
  rateRange(q: RateQuery, range: RangeSpec, signal?: AbortSignal): Promise<RangeSeries[]>;
  quantileRange(
    q: QuantileQuery & { quantiles: [number] },
    range: RangeSpec,
    signal?: AbortSignal,
  ): Promise<RangeSeries[]>;
  /** Shortest window the engine can answer (two scrape intervals). */
  readonly minWindowSeconds: number;
}

export const quantileKey = (q: number) => String(q);

/** A histogram's bucket rates, summed by `le` and the groups of `q`. */
export const bucketRates = (q: QuantileQuery): RateQuery => ({
  metric: `${q.histogram}_bucket`,
  matchers: q.matchers,
  by: [...q.by, 'le'],
  windowSeconds: q.windowSeconds,
});

/** The group a sample falls in when summed by `by` (an absent label and an empty one are alike). */
export function groupKey(labels: Record<string, string>, by: string[]): string {
  return JSON.stringify(by.map((l) => labels[l] ?? ''));
}

/** The labels of `by` that a sample has, as an aggregation `by` them keeps them. */
export function pick(labels: Record<string, string>, by: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of by) if (labels[l] !== undefined && labels[l] !== '') out[l] = labels[l];
  return out;
}

/**
 * histogram_quantile of each group of `q.by`, from the bucket rates summed by
 * `le` and `q.by`: every quantile of a group from the one set of sums.
 */
export function quantilesOfBuckets(buckets: Iterable<Sample>, q: QuantileQuery): QuantileSample[] {
  const grouped = new Map<
    string,
    { labels: Record<string, string>; buckets: { le: number; count: number }[] }
  >();
  for (const s of buckets) {
    const key = groupKey(s.labels, q.by);
    let g = grouped.get(key);
    if (!g) {
      g = { labels: pick(s.labels, q.by), buckets: [] };
      grouped.set(key, g);
    }
    g.buckets.push({
      le: leBound(s.labels.le),
      count: s.value,
    });
  }
  return [...grouped.values()].map((g) => ({
    labels: g.labels,
    values: Object.fromEntries(
      q.quantiles.map((quantile) => [
        quantileKey(quantile),
        histogramQuantile(quantile, g.buckets),
      ]),
    ),
  }));
}
