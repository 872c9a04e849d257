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
import { bucketRates, quantilesOfBuckets } from './engine';
import { gaugeQuery, quantileQuery, rateQuery } from './promql';

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

  async quantileRange(
    q: QuantileQuery & { quantiles: [number] },
    range: RangeSpec,
    signal?: AbortSignal,
  ): Promise<RangeSeries[]> {
    const result = await this.client.queryRange(
      quantileQuery(q, q.quantiles[0]),
      range.start,
      range.end,
      range.stepSeconds,
      signal,
    );
    return result.map((s) => ({
      labels: s.metric,
      points: s.values
        .map(([t, v]) => [t, num(v)] as [number, number])
        .filter(([, v]) => !Number.isNaN(v)),
    }));
  }
}
