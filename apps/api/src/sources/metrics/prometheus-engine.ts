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
import { bucketRates, groupKey, quantileKey, quantilesOfBuckets } from './engine';
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
   * it is out, so Prometheus sums them once, not once per line.
   */
  async quantileRange(
    q: QuantileQuery & { quantiles: [number] },
    range: RangeSpec,
    signal?: AbortSignal,
  ): Promise<RangeSeries[]> {
    const rates = bucketRates(q);
    const matrix = signal
      ? await this.rateRange(rates, range, signal)
      : await this.shared(JSON.stringify([rates, range]), () => this.rateRange(rates, range));
    const byStep = new Map<number, Sample[]>();
    for (const s of matrix)
      for (const [t, value] of s.points) {
        let samples = byStep.get(t);
        if (!samples) byStep.set(t, (samples = []));
        samples.push({ labels: s.labels, value });
      }
    const key = quantileKey(q.quantiles[0]);
    const series = new Map<string, RangeSeries>();
    for (const t of [...byStep.keys()].sort((a, b) => a - b))
      for (const s of quantilesOfBuckets(byStep.get(t) ?? [], q)) {
        const v = s.values[key];
        // As histogram_quantile: no point where the group had no requests.
        if (v === undefined || Number.isNaN(v)) continue;
        const group = groupKey(s.labels, q.by);
        let line = series.get(group);
        if (!line) series.set(group, (line = { labels: s.labels, points: [] }));
        line.points.push([t, v]);
      }
    return [...series.values()];
  }

  private readonly inFlight = new Map<string, Promise<RangeSeries[]>>();

  /** One query for the callers asking it while it is out. */
  private shared(key: string, ask: () => Promise<RangeSeries[]>): Promise<RangeSeries[]> {
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = ask().finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }
}
