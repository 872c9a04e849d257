import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { linkerdConfigOf } from './linkerd-config';
import {
  hostPort,
  podInfo,
  resolveOwner,
  scrapeTargets,
  slimController,
  slimPod,
  type TopologySnapshot,
} from './workloads';

const snapshot = (owners: TopologySnapshot['owners'] = new Map()): TopologySnapshot => ({
  namespaces: [],
  pods: [],
  owners,
  workloads: [],
  services: [],
  linkerdNamespace: 'linkerd',
  clusterDomain: 'cluster.local',
  linkerd: linkerdConfigOf({ identityTrustDomain: 'prod.example.org' }, 'linkerd', 'cluster.local'),
});

function pod(
  overrides: Partial<V1Pod['metadata']> = {},
  image = 'cr.l5d.io/linkerd/proxy@sha256:ab12',
): V1Pod {
  return {
    metadata: {
      name: 'web-7d9c-abcde',
      namespace: 'shop',
      labels: { 'linkerd.io/control-plane-ns': 'linkerd' },
      annotations: { 'linkerd.io/proxy-version': 'edge-25.10.1' },
      ...overrides,
    },
    spec: {
      serviceAccountName: 'web',
      containers: [
        {
          name: 'linkerd-proxy',
          image,
          env: [
            {
              name: 'LINKERD2_PROXY_IDENTITY_LOCAL_NAME',
              value: '$(_pod_sa).$(_pod_ns).serviceaccount.identity.linkerd.prod.example.org',
            },
          ],
          ports: [{ name: 'linkerd-admin', containerPort: 4191 }],
        },
      ],
    },
    status: { phase: 'Running' },
  };
}

describe('controllers kept by the informer', () => {
  it('keep names, owners and Linkerd annotations, not their pod templates', () => {
    const rs = {
      metadata: {
        name: 'web-7d9c',
        namespace: 'shop',
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'u' }],
        annotations: {
          'config.linkerd.io/proxy-cpu-request': '100m',
          'deployment.kubernetes.io/revision': '3',
        },
      },
      spec: { template: pod() },
      status: { replicas: 2 },
    };
    slimController(rs);
    expect(rs).toEqual({
      metadata: {
        name: 'web-7d9c',
        namespace: 'shop',
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'u' }],
        annotations: { 'config.linkerd.io/proxy-cpu-request': '100m' },
      },
    });
  });
});

describe('pods', () => {
  it('keeps, of a pod the informer holds, exactly what podInfo reads', () => {
    const full = pod({
      labels: { 'linkerd.io/control-plane-ns': 'linkerd', app: 'web' },
      annotations: {
        'linkerd.io/proxy-version': 'edge-25.10.1',
        'linkerd.io/inject': 'enabled',
        'config.linkerd.io/default-inbound-policy': 'deny',
        'prometheus.io/scrape': 'true',
      },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9c', uid: 'u' }],
    });
    full.spec!.containers.push({
      name: 'app',
      image: 'shop/web:1',
      env: [{ name: 'SECRET_URL', value: 'x'.repeat(2000) }],
      livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
    });
    full.spec!.volumes = [{ name: 'data', emptyDir: {} }];
    full.status = {
      phase: 'Running',
      podIP: '10.0.0.7',
      conditions: [
        { type: 'Ready', status: 'True' },
        { type: 'PodScheduled', status: 'True' },
      ],
      containerStatuses: [
        { name: 'app', image: 'shop/web:1', imageID: 'sha', ready: true, restartCount: 2 },
        { name: 'linkerd-proxy', image: 'p', imageID: 'sha', ready: true, restartCount: 1 },
      ],
    };
    const slim = structuredClone(full);
    slimPod(slim);
    expect(podInfo(slim, snapshot())).toEqual(podInfo(full, snapshot()));
    expect(JSON.stringify(slim).length).toBeLessThan(JSON.stringify(full).length / 3);
    expect(slim.spec?.volumes).toBeUndefined();
    expect(slim.metadata?.annotations?.['prometheus.io/scrape']).toBeUndefined();
  });

  it("takes the identity from the proxy's environment and the version from the injector's annotation, never the image", () => {
    const p = podInfo(pod(), snapshot());
    expect(p.identity).toBe('web.shop.serviceaccount.identity.linkerd.prod.example.org');
    // The image is pinned by digest: its "tag" says nothing about the version.
    expect(p.proxyVersion).toBe('edge-25.10.1');
    expect(p.adminPort).toBe(4191);
  });

  it("falls back to linkerd-config's trust domain when the proxy has no identity variable", () => {
    const raw = pod();
    raw.spec!.containers[0]!.env = [];
    expect(podInfo(raw, snapshot()).identity).toBe(
      'web.shop.serviceaccount.identity.linkerd.prod.example.org',
    );
  });

  it('resolves a pod of an Argo Rollout to the Rollout, through its ReplicaSet', () => {
    const owners: TopologySnapshot['owners'] = new Map([
      ['ReplicaSet/shop/web-7d9c', { kind: 'Rollout', name: 'web' }],
    ]);
    const p = pod({
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9c', uid: '1', controller: true },
      ],
    });
    expect(resolveOwner(p, owners)).toEqual({ kind: 'rollouts', name: 'web' });
  });

  it('resolves a pod owned directly by an unknown controller to that controller', () => {
    const p = pod({
      ownerReferences: [
        {
          apiVersion: 'apps.kruise.io/v1alpha1',
          kind: 'CloneSet',
          name: 'web',
          uid: '1',
          controller: true,
        },
      ],
    });
    expect(resolveOwner(p, new Map())).toEqual({ kind: 'clonesets', name: 'web' });
  });
});

describe('scrape addresses', () => {
  it('brackets IPv6 pod addresses, as a URL needs, and leaves IPv4 ones alone', () => {
    expect(hostPort('fd00:10:244::5', 4191)).toBe('[fd00:10:244::5]:4191');
    expect(hostPort('10.244.0.5', 4191)).toBe('10.244.0.5:4191');
  });

  it('scrapes a dual-stack pod at its primary address, IPv6 included', () => {
    const raw = pod();
    raw.status = {
      phase: 'Running',
      podIP: 'fd00:10:244::5',
      podIPs: [{ ip: 'fd00:10:244::5' }, { ip: '10.244.0.5' }],
    };
    const info = podInfo(raw, snapshot());
    expect(scrapeTargets([info], 'linkerd').map((t) => t.address)).toEqual([
      '[fd00:10:244::5]:4191',
    ]);
  });
});
