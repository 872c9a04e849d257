import type { PrometheusClient } from '../prometheus/client';
import type {
  GaugeQuery,
  MetricsEngine,
  QuantileQuery,
  QuantileSample,
  RangeSeries,
  RangeSpec,
  RateQuery,
  Sample,
} from './engine';
import { bucketRates, groupKey, pick, quantilesOfBuckets } from './engine';
import { boundsQuantile, leBound } from './embedded/histogram';
import { gaugeQuery, rateQuery } from './promql';

const num = (v: string) => Number(v);

/** Answers the model's questions with PromQL against any Prometheus-compatible server. */
export class PrometheusEngine implements MetricsEngine {
  readonly kind = 'prometheus' as const;

  constructor(
    private readonly client: PrometheusClient,
    readonly minWindowSeconds: number,
  ) {}

  async rate(q: RateQuery, signal?: AbortSignal): Promise<Sample[]> {
    const result = await this.client.query(rateQuery(q), undefined, signal);
    return result.map((s) => ({ labels: s.metric, value: num(s.value[1]) }));
  }

  async gauge(q: GaugeQuery, signal?: AbortSignal): Promise<Sample[]> {
    const result = await this.client.query(gaugeQuery(q), undefined, signal);
    return result.map((s) => ({ labels: s.metric, value: num(s.value[1]) }));
  }

  /**
   * One query for all the quantiles asked: the bucket rates summed by `le` and the groups,
   * whose quantiles are histogram_quantile's, computed here. Prometheus then reads and
   * sums a histogram's buckets once, not once per quantile; at 1,000 workloads that sum
   * over the mesh's bucket series is most of what an answer costs it.
   */
  async quantiles(q: QuantileQuery, signal?: AbortSignal): Promise<QuantileSample[]> {
    const buckets = await this.rate(bucketRates(q), signal);
    return quantilesOfBuckets(buckets, q);
  }

  async rateRange(q: RateQuery, range: RangeSpec, signal?: AbortSignal): Promise<RangeSeries[]> {
    const result = await this.client.queryRange(
      rateQuery(q),
      range.start,
      range.end,
      range.stepSeconds,
      signal,
    );
    return result.map((s) => ({
      labels: s.metric,
      points: s.values.map(([t, v]) => [t, num(v)] as [number, number]),
    }));
  }

  /**
   * A quantile over time, from the bucket rates over time as `quantiles` does. A chart asks
   * for its p50, p95 and p99 lines at once: they share one range query of the buckets while
   * it is out, and its buckets sorted into groups per step, so Prometheus sums them once and
   * each line only interpolates.
   */
  async quantileRange(
    q: QuantileQuery & { quantiles: [number] },
    range: RangeSpec,
    signal?: AbortSignal,
  ): Promise<RangeSeries[]> {
    const rates = bucketRates(q);
    const steps = signal
      ? bucketSteps(await this.rateRange(rates, range, signal), q.by)
      : await this.shared(JSON.stringify([rates, range]), async () =>
          bucketSteps(await this.rateRange(rates, range), q.by),
        );
    const series = new Map<string, RangeSeries>();
    for (const { t, groups } of steps)
      for (const g of groups) {
        const v = boundsQuantile(q.quantiles[0], g.les, g.counts);
        // As histogram_quantile: no point where the group had no requests.
        if (Number.isNaN(v)) continue;
        let line = series.get(g.key);
        if (!line) series.set(g.key, (line = { labels: g.labels, points: [] }));
        line.points.push([t, v]);
      }
    return [...series.values()];
  }

  private readonly inFlight = new Map<string, Promise<BucketStep[]>>();

  /** One query for the callers asking it while it is out. */
  private shared(key: string, ask: () => Promise<BucketStep[]>): Promise<BucketStep[]> {
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = ask().finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }
}

/** One step of a histogram's bucket rates over time: per group, its bounds ascending and their rates. */
interface BucketStep {
  t: number;
  groups: { key: string; labels: Record<string, string>; les: number[]; counts: number[] }[];
}

/**
 * Bucket rates over time (a series per group and bound) as steps, each with
 * its groups' buckets in bound order: a series' group and bound are worked
 * out once, not once per step and quantile.
 */
function bucketSteps(matrix: RangeSeries[], by: string[]): BucketStep[] {
  const steps = new Map<
    number,
    Map<string, { labels: Record<string, string>; buckets: [number, number][] }>
  >();
  for (const s of matrix) {
    const key = groupKey(s.labels, by);
    const le = leBound(s.labels.le);
    let labels: Record<string, string> | undefined;
    for (const [t, count] of s.points) {
      let groups = steps.get(t);
      if (!groups) steps.set(t, (groups = new Map()));
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { labels: (labels ??= pick(s.labels, by)), buckets: [] }));
      g.buckets.push([le, count]);
    }
  }
  return [...steps.keys()]
    .sort((a, b) => a - b)
    .map((t) => ({
      t,
      groups: [...(steps.get(t) ?? [])].map(([key, g]) => {
        g.buckets.sort((a, b) => a[0] - b[0]);
        return {
          key,
          labels: g.labels,
          les: g.buckets.map((b) => b[0]),
          counts: g.buckets.map((b) => b[1]),
        };
      }),
    }));
}
