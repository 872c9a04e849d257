import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { SnapshotCache, type TopologyReader } from './snapshot';

function pod(namespace: string, name: string, app: string, rs: string, phase: string) {
  return {
    kind: 'Pod',
    metadata: {
      namespace,
      name,
      labels: { app },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs, uid: rs, controller: true },
      ],
    },
    spec: { containers: [{ name: app }] },
    status: { phase },
  };
}

function service(namespace: string, name: string, app: string) {
  return { kind: 'Service', metadata: { namespace, name }, spec: { selector: { app } } };
}

function replicaSet(namespace: string, name: string, deployment: string) {
  return {
    kind: 'ReplicaSet',
    metadata: {
      namespace,
      name,
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: deployment,
          uid: deployment,
          controller: true,
        },
      ],
    },
  };
}

describe('SnapshotCache service backends', () => {
  // Two namespaces with the same app label: a service selects only the pods of its own
  // namespace, and only running ones.
  const objects: Record<string, KubernetesObject[]> = {
    namespaces: [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }],
    replicasets: [
      replicaSet('a', 'web-1', 'web'),
      replicaSet('b', 'web-2', 'web-b'),
      replicaSet('b', 'cold-1', 'cold'),
    ],
    deployments: [
      { kind: 'Deployment', metadata: { namespace: 'a', name: 'web' } },
      { kind: 'Deployment', metadata: { namespace: 'b', name: 'web-b' } },
      { kind: 'Deployment', metadata: { namespace: 'b', name: 'cold' } },
    ],
    pods: [
      pod('a', 'web-1-x', 'web', 'web-1', 'Running'),
      pod('a', 'web-1-y', 'web', 'web-1', 'Running'),
      pod('b', 'web-2-x', 'web', 'web-2', 'Running'),
      pod('b', 'cold-1-x', 'cold', 'cold-1', 'Pending'),
    ],
    services: [
      service('a', 'web', 'web'),
      service('b', 'web', 'web'),
      service('b', 'cold', 'cold'),
    ],
  };
  const topology: TopologyReader = {
    list: <T extends KubernetesObject>(key: string) => (objects[key] ?? []) as T[],
    errors: () => [],
    version: 1,
    served: () => [],
  };
  const { names } = new SnapshotCache(topology, 'linkerd', 'cluster.local').get();
  const backing = (namespace: string, name: string) =>
    names.destinationByService({ dst_service: name, dst_namespace: namespace });

  it('resolves a service to the one workload its running pods belong to, in its own namespace', () => {
    expect(backing('a', 'web')).toEqual({
      namespace: 'a',
      ref: { kind: 'deployments', name: 'web' },
    });
    expect(backing('b', 'web')).toEqual({
      namespace: 'b',
      ref: { kind: 'deployments', name: 'web-b' },
    });
  });

  it('leaves a service whose pods are not running as the service itself', () => {
    expect(backing('b', 'cold')).toEqual({
      namespace: 'b',
      ref: { kind: 'services', name: 'cold' },
    });
  });
});
