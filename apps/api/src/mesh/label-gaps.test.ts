import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { MetricsEngine, RateQuery, Sample } from '../sources/metrics/engine';
import type { MeshDeps } from './deps';
import { graphView } from './graph';
import { SharedAnswers } from './shared-answers';
import { meshDepsOf } from './testing';
import { serviceOfAuthority } from '../model/workloads';
import { workloadsView } from './workloads';

/**
 * Outbound series without `dst_<kind>` (an endpoint that is no pod, or
 * metadata the destination controller did not give) or without
 * `dst_service` (a call by authority only): edges and service rows still
 * resolve from what is there.
 */
const pod = (name: string, app: string, rs: string): KubernetesObject =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'shop',
      labels: { app, 'linkerd.io/control-plane-ns': 'linkerd' },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs, uid: rs, controller: true },
      ],
    },
    spec: { containers: [{ name: 'linkerd-proxy', image: 'proxy' }] },
    status: { phase: 'Running', podIP: '10.0.0.1' },
  }) as KubernetesObject;

const objects: Record<string, KubernetesObject[]> = {
  namespaces: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }],
  pods: [pod('web-1', 'web', 'web-abc'), pod('api-1', 'api', 'api-xyz')],
  replicasets: ['web', 'api'].map((d) => ({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d}-${d === 'web' ? 'abc' : 'xyz'}`,
      namespace: 'shop',
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: d, uid: d }],
    },
  })),
  services: [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'api', namespace: 'shop' },
      spec: { selector: { app: 'api' } },
    },
    // No selector: its endpoints are outside the cluster (a managed database).
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'external-db', namespace: 'shop' },
      spec: {},
    },
  ] as unknown as KubernetesObject[],
};

/** web's outbound, as a proxy would write it when the destination gave no owner labels. */
function rate(q: RateQuery): Sample[] {
  const unowned = q.matchers.some((m) => m.label === 'dst_deployment' && m.value === '');
  const outbound = q.matchers.some((m) => m.label === 'direction' && m.value === 'outbound');
  if (!outbound || !q.by.includes('authority') || (q.by.includes('dst_deployment') && !unowned))
    return [];
  const web = { namespace: 'shop', deployment: 'web' };
  const toApi = { ...web, dst_namespace: 'shop', dst_service: 'api' };
  const toDb = { ...web, authority: 'external-db.shop.svc.cluster.local:5432' };
  if (q.metric === 'response_total')
    return [
      { labels: { ...toApi, classification: 'success' }, value: 2 },
      { labels: { ...toDb, classification: 'failure' }, value: 0.5 },
    ];
  return [
    {
      labels: {
        ...toApi,
        tls: 'true',
        server_id: 'api.shop.serviceaccount.identity.linkerd.cluster.local',
      },
      value: 2,
    },
    {
      labels: { ...toDb, tls: 'no_identity', no_tls_reason: 'not_provided_by_service_discovery' },
      value: 0.5,
    },
  ];
}

const engine: MetricsEngine = {
  kind: 'prometheus',
  minWindowSeconds: 20,
  rate: async (q) => rate(q),
  quantiles: async () => [],
  gauge: async () => [],
  rateRange: async () => [],
  quantileRange: async () => [],
};

const deps: MeshDeps = meshDepsOf(objects, engine);
const window = { seconds: 60, text: '1m' };

describe('outbound series that lack labels', () => {
  it('draw the edge to the one workload behind dst_service, and to the service an authority names', async () => {
    const graph = await graphView(deps, ['shop'], window);
    const edge = (target: string) =>
      graph.edges.find((e) => e.id === `shop/deployments/web>${target}`);
    expect(edge('shop/deployments/api')).toMatchObject({
      rps: 2,
      successRate: 1,
      mtls: { state: 'all' },
    });
    expect(edge('shop/services/external-db')).toMatchObject({
      rps: 0.5,
      successRate: 0,
      mtls: { state: 'none' },
    });
  });

  it('give the same traffic and TLS without latency, asking no histogram (the graph of the mTLS page)', async () => {
    let histograms = 0;
    const counting: MetricsEngine = {
      ...engine,
      quantiles: async (q) => {
        histograms++;
        return engine.quantiles(q);
      },
    };
    const d = {
      ...deps,
      engine: counting,
      answers: new SharedAnswers({ minTtlMs: 0, maxTtlMs: 0 }),
    };
    const full = await graphView(d, ['shop'], window);
    expect(histograms).toBeGreaterThan(0);
    histograms = 0;
    const traffic = await graphView(d, ['shop'], window, { latency: false });
    expect(histograms).toBe(0);
    const strip = (g: typeof full) => g.edges.map(({ latencyMs: _, ...e }) => e);
    expect(strip(traffic)).toEqual(strip(full));
    expect(traffic.edges.every((e) => e.latencyMs.p95 === null)).toBe(true);
  });

  it('count a service row from the authority when dst_service is missing', async () => {
    const view = await workloadsView(deps, 'shop', 'services', window);
    const row = (name: string) => view.workloads.find((w) => w.name === name);
    expect(row('api')?.rps).toBe(2);
    expect(row('external-db')).toMatchObject({ rps: 0.5, successRate: 0 });
  });

  it('read a service only from a cluster DNS name', () => {
    expect(serviceOfAuthority('books.booksapp.svc.cluster.local:7002', 'cluster.local')).toEqual({
      name: 'books',
      namespace: 'booksapp',
    });
    expect(serviceOfAuthority('books.booksapp.svc:7002', 'cluster.local')?.name).toBe('books');
    expect(serviceOfAuthority('books:7002', 'cluster.local')).toBeUndefined();
    expect(serviceOfAuthority('10.0.0.5:80', 'cluster.local')).toBeUndefined();
    expect(
      serviceOfAuthority('books.booksapp.svc.other.domain:80', 'cluster.local'),
    ).toBeUndefined();
  });
});
