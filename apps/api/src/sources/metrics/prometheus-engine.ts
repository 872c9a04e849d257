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
import { quantileKey } from './engine';
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

  async quantiles(q: QuantileQuery, signal?: AbortSignal): Promise<QuantileSample[]> {
    const byKey = new Map<string, QuantileSample>();
    const results = await Promise.all(
      q.quantiles.map((quantile) =>
        this.client.query(quantileQuery(q, quantile), undefined, signal),
      ),
    );
    results.forEach((result, i) => {
      const quantile = q.quantiles[i] ?? 0;
      for (const s of result) {
        const key = JSON.stringify(q.by.map((l) => s.metric[l] ?? ''));
        const entry = byKey.get(key) ?? { labels: s.metric, values: {} };
        entry.values[quantileKey(quantile)] = num(s.value[1]);
        byKey.set(key, entry);
      }
    });
    return [...byKey.values()];
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
