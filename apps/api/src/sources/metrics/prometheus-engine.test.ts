import { describe, expect, it } from 'vitest';
import type { MatrixSeries, PrometheusClient, VectorSample } from '../prometheus/client';
import { eq } from './engine';
import { PrometheusEngine } from './prometheus-engine';

/** A client that answers every query with the same vector and keeps what it was asked. */
function fakeClient(result: VectorSample[]): { client: PrometheusClient; asked: string[] } {
  const asked: string[] = [];
  const client = {
    query: (promql: string) => {
      asked.push(promql);
      return Promise.resolve(result);
    },
  } as unknown as PrometheusClient;
  return { client, asked };
}

const bucket = (deployment: string, le: string, value: number): VectorSample => ({
  metric: { deployment, le },
  value: [0, String(value)],
});

describe('Prometheus engine', () => {
  it('asks for a histogram once for all its quantiles, and interpolates as histogram_quantile does', async () => {
    const { client, asked } = fakeClient([
      bucket('web', '10', 5),
      bucket('web', '20', 10),
      bucket('web', '+Inf', 10),
      bucket('idle', '10', 0),
      bucket('idle', '+Inf', 0),
    ]);
    const answer = await new PrometheusEngine(client, 20).quantiles({
      histogram: 'response_latency_ms',
      matchers: [eq('direction', 'inbound')],
      by: ['deployment'],
      windowSeconds: 60,
      quantiles: [0.5, 0.95],
    });
    expect(asked).toEqual([
      'sum by (deployment,le) (rate(response_latency_ms_bucket{direction="inbound"}[60s]))',
    ]);
    // histogram_quantile: the rank (q × 10) inside its bucket, linearly between the bucket's
    // bounds (the first from 0): p50 is rank 5 at the top of [0, 10]; p95 is rank 9.5, 4.5 of
    // the 5 in (10, 20]. A group with no requests has no quantiles (NaN), as in Prometheus.
    expect(answer).toEqual([
      { labels: { deployment: 'web' }, values: { '0.5': 10, '0.95': 19 } },
      { labels: { deployment: 'idle' }, values: { '0.5': Number.NaN, '0.95': Number.NaN } },
    ]);
  });

  it("draws a chart's quantile lines from one range query of the buckets, with no point where there were no requests", async () => {
    const asked: string[] = [];
    // Two steps: at 60, web's 10 requests a second, half within 10 ms and all within 20;
    // at 75, none (its buckets' rates 0); idle has no samples at 60.
    const line = (deployment: string, le: string, values: [number, number][]): MatrixSeries => ({
      metric: { deployment, le },
      values: values.map(([t, v]) => [t, String(v)]),
    });
    const client = {
      queryRange: async (promql: string) => {
        asked.push(promql);
        await new Promise((r) => setTimeout(r, 5));
        // In no particular order, as Prometheus gives a matrix's series.
        return [
          line('web', '+Inf', [
            [60, 10],
            [75, 0],
          ]),
          line('idle', '+Inf', [[75, 0]]),
          line('web', '10', [
            [60, 5],
            [75, 0],
          ]),
          line('web', '20', [
            [60, 10],
            [75, 0],
          ]),
        ];
      },
    } as unknown as PrometheusClient;
    const engine = new PrometheusEngine(client, 20);
    const q = {
      histogram: 'response_latency_ms',
      matchers: [eq('direction', 'inbound')],
      by: ['deployment'],
      windowSeconds: 30,
    };
    const range = { start: 60, end: 75, stepSeconds: 15 };
    const [p50, p95, p99] = await Promise.all(
      ([0.5, 0.95, 0.99] as const).map((quantile) =>
        engine.quantileRange({ ...q, quantiles: [quantile] }, range),
      ),
    );
    expect(asked).toEqual([
      'sum by (deployment,le) (rate(response_latency_ms_bucket{direction="inbound"}[30s]))',
    ]);
    // As in the instant case: p50 rank 5 at the top of [0, 10]; p95 rank 9.5 and p99 rank 9.9
    // within (10, 20]. At 75 there were no requests: no point, as histogram_quantile's NaN.
    expect(p50).toEqual([{ labels: { deployment: 'web' }, points: [[60, 10]] }]);
    expect(p95).toEqual([{ labels: { deployment: 'web' }, points: [[60, 19]] }]);
    expect(p99?.[0]?.points[0]?.[1]).toBeCloseTo(19.8, 9);
    // Asked again once the first is answered: a query of its own.
    await engine.quantileRange({ ...q, quantiles: [0.5] }, range);
    expect(asked).toHaveLength(2);
  });
});
