import { rngFor } from '../rng';
import type { CallSpec, Scenario, ServiceSpec, WorkloadSpec } from './types';

export interface SyntheticOptions {
  namespaces?: number;
  workloads?: number;
  /** Pods per workload. */
  replicas?: number;
  /** Services each workload calls, on average. */
  degree?: number;
  /** Share of workloads whose endpoints fail some requests. */
  failing?: number;
  /** Factor on every call's request rate (0.5 to 4.5 rps a call at 1). */
  rpsScale?: number;
  seed?: number;
}

const WORDS = [
  'cart',
  'catalog',
  'checkout',
  'payments',
  'ledger',
  'search',
  'profile',
  'inventory',
  'shipping',
  'pricing',
  'reviews',
  'auth',
  'gateway',
  'orders',
  'notify',
  'media',
  'ads',
  'billing',
  'quotes',
  'geo',
];

/**
 * Answers besides 200 that services give without failing, with their shares
 * of all responses. Each status a proxy has seen is one more series in every
 * status-labelled family (and a whole latency histogram per peer), which is
 * what makes busy real proxies write 1,000 series and more.
 */
const STATUS_MIX = [
  { status: 201, share: 0.05 },
  { status: 204, share: 0.03 },
  { status: 304, share: 0.04 },
  { status: 400, share: 0.01 },
  { status: 404, share: 0.02 },
  { status: 409, share: 0.01 },
];

/**
 * A mesh of N namespaces and M workloads with a random, layered call graph
 * (calls go from lower to higher layers, so there are no cycles), for scale work.
 */
export function synthetic(options: SyntheticOptions = {}): Scenario {
  const nsCount = Math.max(1, options.namespaces ?? 5);
  const count = Math.max(2, options.workloads ?? 50);
  const replicas = Math.max(1, options.replicas ?? 2);
  const degree = Math.max(0, options.degree ?? 2);
  const failing = Math.min(1, Math.max(0, options.failing ?? 0.1));
  const rpsScale = Math.max(0.001, options.rpsScale ?? 1);
  const rng = rngFor(options.seed ?? 1, 'synthetic');
  const namespaces = Array.from({ length: nsCount }, (_, i) => ({
    name: `synth-${String(i).padStart(2, '0')}`,
    inject: true,
  }));
  const workloads: WorkloadSpec[] = [];
  const services: ServiceSpec[] = [];
  for (let i = 0; i < count; i++) {
    const ns = namespaces[i % nsCount]?.name ?? 'synth-00';
    const name = `${WORDS[i % WORDS.length]}-${String(i).padStart(4, '0')}`;
    workloads.push({
      namespace: ns,
      name,
      kind: 'Deployment',
      replicas,
      meshed: true,
      ports: [{ name: 'http', port: 8080, protocol: 'http' }],
    });
    services.push({
      namespace: ns,
      name,
      workload: name,
      port: 80,
      targetPort: 8080,
      protocol: 'http',
    });
  }
  const failingSet = new Set(workloads.filter(() => rng.next() < failing).map((w) => w.name));
  const calls: CallSpec[] = [];
  for (let i = 0; i < count - 1; i++) {
    const from = workloads[i] as WorkloadSpec;
    const n = Math.max(i === 0 ? 1 : 0, Math.round(degree * (0.5 + rng.next())));
    const targets = new Set<number>();
    for (let k = 0; k < n; k++)
      targets.add(i + 1 + rng.int(Math.min(count - i - 1, Math.max(1, Math.ceil(count / 4)))));
    for (const j of targets) {
      const to = services[j] as ServiceSpec;
      const p50 = 2 + rng.int(40);
      const failingHere = failingSet.has(to.name);
      calls.push({
        from: `${from.namespace}/${from.name}`,
        to: `${to.namespace}/${to.name}`,
        protocol: 'http',
        requests: [
          {
            method: 'GET',
            path: '/api/v1/items',
            rps: (Math.round((0.5 + rng.next() * 4) * 10) / 10) * rpsScale,
            successRate: failingHere ? 0.85 + rng.next() * 0.1 : 1,
            latency: { p50Ms: p50, p95Ms: p50 * (2 + rng.next() * 3) },
            statusMix: STATUS_MIX,
            ...(failingHere ? { failureStatus: rng.next() < 0.5 ? 500 : 503 } : {}),
          },
        ],
      });
    }
  }
  return {
    name: 'synthetic',
    description: `${count} workloads in ${nsCount} namespaces, ${calls.length} calls.`,
    namespaces,
    workloads,
    services,
    calls,
    resources: [],
    nodes: Math.max(2, Math.ceil((count * replicas) / 100)),
  };
}
