import type { KubernetesObject } from '@kubernetes/client-node';
import type { MetricsEngine } from '../sources/metrics/engine';
import type { MeshDeps } from './deps';
import { SharedAnswers } from './shared-answers';
import { SnapshotCache, type TopologyReader } from './snapshot';

/**
 * For unit tests of the views: a cluster of fixed objects (keyed as the
 * informers are: `pods`, `services`, ...) and a metrics engine, with no
 * answer kept between calls.
 */
export function meshDepsOf(
  objects: Record<string, KubernetesObject[]>,
  engine: MetricsEngine,
): MeshDeps {
  const topology: TopologyReader = {
    list: <T extends KubernetesObject>(key: string) => (objects[key] ?? []) as T[],
    errors: () => [],
    version: 1,
    served: () => [],
  };
  return {
    engine,
    allTraffic: engine,
    answers: new SharedAnswers({ minTtlMs: 0, maxTtlMs: 0 }),
    topology,
    snapshots: new SnapshotCache(topology, 'linkerd', 'cluster.local'),
    proxyErrors: () => [],
  };
}
