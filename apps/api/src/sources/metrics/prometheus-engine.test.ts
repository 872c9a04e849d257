import { describe, expect, it } from 'vitest';
import type { PrometheusClient, VectorSample } from '../prometheus/client';
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
});
