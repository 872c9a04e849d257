import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { MetricsEngine, RateQuery, Sample } from '../sources/metrics/engine';
import { routesView } from './routes';
import { timeseriesView } from './timeseries';
import { meshDepsOf } from './testing';

const objects: Record<string, KubernetesObject[]> = {
  namespaces: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }],
  pods: [
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'web-1',
        namespace: 'shop',
        labels: { app: 'web', 'linkerd.io/control-plane-ns': 'linkerd' },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: 'web-abc',
            uid: 'rs',
            controller: true,
          },
        ],
      },
      spec: { containers: [{ name: 'linkerd-proxy', image: 'proxy' }] },
      status: { phase: 'Running', podIP: '10.0.0.1' },
    } as KubernetesObject,
  ],
  replicasets: [
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: 'web-abc',
        namespace: 'shop',
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'web' }],
      },
    } as KubernetesObject,
  ],
};

/**
 * An engine that holds every rate query until `release()`, recording which
 * were asked before any was answered. `current` says whether web's proxy
 * writes the 2.19+ inbound route families.
 */
function heldEngine(current: boolean) {
  const asked: string[] = [];
  const held: (() => void)[] = [];
  const answerOf = (q: RateQuery): Sample[] => {
    if (q.metric === 'inbound_http_requests_total')
      return current ? [{ labels: {}, value: 3 }] : [];
    if (q.metric === 'inbound_http_statuses_total' && current)
      return [{ labels: { route_name: 'get-books', status: '200' }, value: 3 }];
    if (q.metric === 'response_total' && !current)
      return [{ labels: { route_name: '', classification: 'success' }, value: 2 }];
    return [];
  };
  const engine: MetricsEngine = {
    kind: 'prometheus',
    minWindowSeconds: 20,
    rate: (q) => {
      asked.push(q.metric);
      return new Promise((resolve, reject) =>
        held.push(() =>
          // A failing query of the branch not shown must not show as an error.
          (!current && q.metric === 'inbound_grpc_statuses_total') ||
          (current && q.metric === 'response_total')
            ? reject(new Error('query of the unused branch failed'))
            : resolve(answerOf(q)),
        ),
      );
    },
    quantiles: async (q) => {
      asked.push(`${q.histogram} buckets`);
      return [];
    },
    gauge: async () => [],
    rateRange: (q) => {
      asked.push(q.metric);
      return new Promise((resolve) => held.push(() => resolve([])));
    },
    quantileRange: async (q) => {
      asked.push(`${q.histogram} buckets`);
      return [];
    },
  };
  const release = async () => {
    await new Promise((r) => setImmediate(r));
    const now = held.splice(0);
    for (const go of now) go();
    return now.length;
  };
  return { engine, asked, release };
}

const depsOf = (engine: MetricsEngine) => meshDepsOf(objects, engine);
const web = { namespace: 'shop', kind: 'deployments' as const, name: 'web' };
const window = { seconds: 60, text: '1m' };

describe("a workload's own routes", () => {
  it('on current proxies, show the inbound route families, asked beside the question of whether they are written: one round', async () => {
    const { engine, asked, release } = heldEngine(true);
    const answer = routesView(depsOf(engine), web, undefined, window);
    expect(await release()).toBeGreaterThan(0);
    // Everything the answer needs was asked before the first query came back.
    expect(asked).toContain('inbound_http_requests_total');
    expect(asked).toContain('inbound_http_statuses_total');
    expect(await release()).toBe(0);
    const r = await answer;
    expect(r.routes.map((x) => [x.name, x.effective.rps])).toEqual([['get-books', 3]]);
    expect(r.errors).toEqual([]);
  });

  it('on proxies without them, show the older families, asked in the same round, without the other branch errors', async () => {
    const { engine, asked, release } = heldEngine(false);
    const answer = routesView(depsOf(engine), web, undefined, window);
    expect(await release()).toBeGreaterThan(0);
    expect(asked).toContain('inbound_http_requests_total');
    expect(asked).toContain('response_total');
    expect(await release()).toBe(0);
    const r = await answer;
    expect(r.routes.map((x) => [x.name, x.effective.rps])).toEqual([['default', 2]]);
    expect(r.errors).toEqual([]);
  });

  it("send the histograms' queries first and the question of the families last: the answer waits for the slowest query from when it leaves", async () => {
    const { engine, asked, release } = heldEngine(true);
    const answer = routesView(depsOf(engine), web, undefined, window);
    await release();
    await answer;
    const buckets = asked.filter((m) => m.endsWith(' buckets'));
    expect(buckets).toEqual([
      'inbound_http_response_duration_seconds buckets',
      'inbound_grpc_response_duration_seconds buckets',
      'response_latency_ms buckets',
    ]);
    // Each branch's histograms lead it.
    expect(asked.slice(0, 2)).toEqual(buckets.slice(0, 2));
    expect(asked.indexOf('response_latency_ms buckets')).toBeLessThan(
      asked.indexOf('response_total'),
    );
    expect(asked.slice(-2)).toEqual(['inbound_http_requests_total', 'inbound_grpc_requests_total']);

    asked.length = 0;
    const chart = timeseriesView(
      depsOf(engine),
      { kind: 'workload', namespace: 'shop', workloadKind: 'deployments', name: 'web' },
      window,
    );
    await release();
    await chart;
    // p50's query of the buckets first, then the rates', then p95's and p99's, which share p50's.
    expect(asked).toEqual([
      'response_latency_ms buckets',
      'response_total',
      'response_latency_ms buckets',
      'response_latency_ms buckets',
    ]);
  });

  it('chart one of them in one round on current proxies too', async () => {
    const { engine, asked, release } = heldEngine(true);
    const chart = timeseriesView(
      depsOf(engine),
      {
        kind: 'route',
        namespace: 'shop',
        workloadKind: 'deployments',
        name: 'web',
        service: undefined,
        route: 'get-books',
      },
      window,
    );
    await release();
    expect(asked).toContain('inbound_http_requests_total');
    expect(asked).toContain('inbound_http_statuses_total');
    expect(await release()).toBe(0);
    expect((await chart).errors).toEqual([]);
  });
});
