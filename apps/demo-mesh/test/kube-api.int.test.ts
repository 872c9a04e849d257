import { CoreV1Api, KubeConfig, makeInformer, Watch, type V1Pod } from '@kubernetes/client-node';
import { waitUntil } from '@meshviz/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoMesh, type DemoMesh } from '../src/index';

let mesh: DemoMesh;
let kc: KubeConfig;
let core: CoreV1Api;

beforeAll(async () => {
  mesh = await startDemoMesh({ scenario: 'demo', podSubnetOctet: 71, incidents: false });
  kc = new KubeConfig();
  kc.loadFromFile(mesh.kubeconfigPath);
  core = kc.makeApiClient(CoreV1Api);
});

afterAll(async () => {
  await mesh?.stop();
});

async function getJson(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${mesh.kubeApiUrl}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('demo mesh Kubernetes API through @kubernetes/client-node', () => {
  it('lists every pod of the cluster and filters by label and field selectors', async () => {
    const all = await core.listPodForAllNamespaces();
    expect(all.items.length).toBe(
      mesh.cluster.store.list({
        group: '',
        version: 'v1',
        kind: 'Pod',
        plural: 'pods',
        singular: 'pod',
        namespaced: true,
      }).length,
    );
    const web = await core.listNamespacedPod({ namespace: 'emojivoto', labelSelector: 'app=web' });
    expect(web.items.map((p) => p.metadata?.labels?.app)).toEqual(['web']);
    const meshed = await core.listPodForAllNamespaces({
      labelSelector: 'linkerd.io/control-plane-ns',
    });
    expect(
      meshed.items.every((p) => p.spec?.containers.some((c) => c.name === 'linkerd-proxy')),
    ).toBe(true);
    const unmeshed = await core.listPodForAllNamespaces({
      labelSelector: '!linkerd.io/control-plane-ns',
    });
    expect(unmeshed.items.map((p) => p.metadata?.labels?.app).sort()).toEqual([
      'geo-lookup',
      'legacy-reporter',
    ]);
    const running = await core.listPodForAllNamespaces({
      fieldSelector: 'status.phase=Running,metadata.namespace=booksapp',
    });
    expect(running.items.length).toBeGreaterThan(5);
    expect(
      running.items.every(
        (p) => p.metadata?.namespace === 'booksapp' && p.status?.phase === 'Running',
      ),
    ).toBe(true);
  });

  it('serves injected pods as the proxy injector writes them', async () => {
    const pods = await core.listNamespacedPod({
      namespace: 'emojivoto',
      labelSelector: 'app=voting',
    });
    const pod = pods.items[0] as V1Pod;
    const proxy = pod.spec?.containers.find((c) => c.name === 'linkerd-proxy');
    expect(proxy?.image).toMatch(/^cr\.l5d\.io\/linkerd\/proxy:edge-/);
    expect(proxy?.ports).toContainEqual(
      expect.objectContaining({ name: 'linkerd-admin', containerPort: 4191 }),
    );
    expect(proxy?.env?.find((e) => e.name === 'LINKERD2_PROXY_IDENTITY_LOCAL_NAME')?.value).toBe(
      '$(_pod_sa).$(_pod_ns).serviceaccount.identity.linkerd.cluster.local',
    );
    expect(pod.metadata?.labels).toMatchObject({
      'linkerd.io/control-plane-ns': 'linkerd',
      'linkerd.io/proxy-deployment': 'voting',
      'linkerd.io/workload-ns': 'emojivoto',
    });
    expect(pod.metadata?.ownerReferences?.[0]?.kind).toBe('ReplicaSet');
    expect(pod.status?.podIP).toMatch(/^127\.71\./);
    expect(pod.status?.containerStatuses?.every((c) => c.ready)).toBe(true);
  });

  it('answers a missing object with a Kubernetes Status 404', async () => {
    await expect(
      core.readNamespacedPod({ name: 'nope', namespace: 'emojivoto' }),
    ).rejects.toMatchObject({ code: 404 });
    const { status, body } = await getJson('/apis/nothing.example/v1/widgets');
    expect(status).toBe(404);
    expect(body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      code: 404,
      reason: 'NotFound',
    });
  });

  it('serves discovery for the core group, apps and the Linkerd CRD groups', async () => {
    const groups = (await getJson('/apis')).body.groups as { name: string }[];
    expect(groups.map((g) => g.name)).toEqual(
      expect.arrayContaining([
        'apps',
        'batch',
        'discovery.k8s.io',
        'linkerd.io',
        'policy.linkerd.io',
        'gateway.networking.k8s.io',
      ]),
    );
    const policy = (await getJson('/apis/policy.linkerd.io/v1alpha1')).body.resources as {
      name: string;
    }[];
    expect(policy.map((r) => r.name).sort()).toEqual([
      'authorizationpolicies',
      'egressnetworks',
      'httplocalratelimitpolicies',
      'meshtlsauthentications',
      'networkauthentications',
    ]);
    expect((await getJson('/version')).body.major).toBe('1');
  });

  it('lists the Linkerd CRDs of the scenario', async () => {
    const sp = await getJson('/apis/linkerd.io/v1alpha2/namespaces/booksapp/serviceprofiles');
    expect(
      (sp.body.items as { metadata: { name: string } }[]).map((i) => i.metadata.name),
    ).toContain('authors.booksapp.svc.cluster.local');
    const gw = await getJson('/apis/gateway.networking.k8s.io/v1/httproutes');
    // books' timeout on a Service, and the egress route for book covers on an EgressNetwork.
    expect(
      (gw.body.items as { metadata: { name: string } }[]).map((i) => i.metadata.name).sort(),
    ).toEqual(['book-covers', 'books-timeout']);
  });

  it('keeps an informer in step as pods are replaced, and re-lists after a 410', async () => {
    let lists = 0;
    const informer = makeInformer(kc, '/api/v1/namespaces/booksapp/pods', () => {
      lists++;
      return core.listNamespacedPod({ namespace: 'booksapp' });
    });
    const added: string[] = [];
    const deleted: string[] = [];
    informer.on('add', (p) => added.push(p.metadata?.name ?? ''));
    informer.on('delete', (p) => deleted.push(p.metadata?.name ?? ''));
    await informer.start();
    try {
      const initial = informer.list().length;
      expect(initial).toBeGreaterThan(5);

      expect(lists).toBe(1);
      const first = mesh.cluster.replacePod('booksapp', 'webapp');
      expect(first).toBeDefined();
      await waitUntil(
        'the informer to see the replacement',
        async () =>
          deleted.includes(first?.removed.name ?? '') && added.includes(first?.added.name ?? '')
            ? true
            : undefined,
        10_000,
      );

      // History compacted, then the watch dropped: the informer's resourceVersion is too old.
      mesh.cluster.store.compactAll();
      const second = mesh.cluster.replacePod('booksapp', 'webapp');
      mesh.cluster.store.compactAll();
      mesh.dropWatches();
      await waitUntil(
        'the informer to re-list after 410 Gone',
        async () =>
          informer.get(second?.added.name ?? '', 'booksapp') &&
          !informer.get(second?.removed.name ?? '', 'booksapp')
            ? true
            : undefined,
        15_000,
      );
      expect(informer.list().length).toBe(initial);
      expect(lists).toBe(2);
    } finally {
      await informer.stop();
    }
  });

  it('sends ERROR 410 to a watch from a compacted resourceVersion', async () => {
    const old = mesh.cluster.store.resourceVersion;
    mesh.cluster.replacePod('emojivoto', 'web');
    mesh.cluster.store.compactAll();
    const events: { type: string; code?: number }[] = [];
    const done = new Promise<void>((resolve) => {
      void new Watch(kc).watch(
        '/api/v1/pods',
        { resourceVersion: old },
        (type, obj: { code?: number }) => events.push({ type, code: obj.code }),
        () => resolve(),
      );
    });
    await done;
    expect(events).toEqual([{ type: 'ERROR', code: 410 }]);
  });

  it('when the API server is made unavailable, answers 503 until it is back', async () => {
    mesh.setKubeApiAvailable(false);
    await expect(core.listNamespace()).rejects.toMatchObject({ code: 503 });
    mesh.setKubeApiAvailable(true);
    expect((await core.listNamespace()).items.map((n) => n.metadata?.name)).toEqual([
      'booksapp',
      'emojivoto',
      'linkerd',
      'linkerd-viz',
    ]);
  });
});
