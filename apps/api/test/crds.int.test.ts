import type {
  ControlPlaneResponse,
  GraphResponse,
  PolicyResponse,
  WorkloadsResponse,
} from '@meshviz/shared';
import { waitUntil } from '@meshviz/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Tests may start the demo mesh in-process; the API itself meets it only over HTTP.
import { startDemoMesh, type DemoMesh } from '@meshviz/demo-mesh';
import { startApi, type RunningApi } from './support';

/**
 * A cluster that serves Linkerd's CRDs but not the Gateway API's, as many do,
 * and its Servers at an older version (v1beta1, Linkerd 2.12's): discovery
 * says so, meshviz reads what is served, and nothing about it is an error.
 */
let mesh: DemoMesh;
let api: RunningApi;

beforeAll(async () => {
  mesh = await startDemoMesh({
    scenario: 'demo',
    podSubnetOctet: 79,
    incidents: false,
    withoutGroups: ['gateway.networking.k8s.io'],
    servedVersions: { 'policy.linkerd.io/servers': 'v1beta1' },
  });
  api = await startApi(['--kubeconfig', mesh.kubeconfigPath, '--scrape-interval', '2s']);
  await waitUntil(
    'the API to see emojivoto',
    async () => {
      const { body } = await api.get<WorkloadsResponse>('/api/v1/namespaces/emojivoto/workloads');
      return body.workloads.length > 0 ? true : undefined;
    },
    20_000,
  );
}, 60_000);

afterAll(async () => {
  await api?.stop();
  await mesh?.stop();
});

describe('API on a cluster without the Gateway API CRDs', () => {
  it('answers every view with no error', async () => {
    // Longer than a watch retry would take, had the missing group been watched.
    await new Promise((r) => setTimeout(r, 3000));
    for (const path of [
      '/api/v1/namespaces',
      '/api/v1/namespaces/emojivoto/workloads',
      '/api/v1/namespaces/emojivoto/deployments/web',
      '/api/v1/routes?namespace=emojivoto&kind=deployments&name=web&to=emojivoto/emoji-svc',
      '/api/v1/namespaces/emojivoto/services/emoji-svc/config',
      '/api/v1/namespaces/emojivoto/policy',
      '/api/v1/findings',
      '/api/v1/mtls',
    ]) {
      const { status, body } = await api.get<{ errors: unknown[] }>(path);
      expect(status, path).toBe(200);
      expect(body.errors, path).toEqual([]);
    }
    const { body: graph } = await api.get<GraphResponse>('/api/v1/graph?namespaces=emojivoto');
    expect(graph.errors).toEqual([]);
    expect(graph.nodes.length).toBeGreaterThan(3);
    expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
  });

  it("reports the embedded engine's own size on /metrics", async () => {
    const value = (text: string, name: string) =>
      Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
    const text = await waitUntil(
      'a scrape round',
      async () => {
        const t = await (await fetch(`${api.url}/metrics`)).text();
        return value(t, 'meshviz_embedded_targets') > 0 ? t : undefined;
      },
      20_000,
    );
    const series = value(text, 'meshviz_embedded_series');
    expect(series).toBeGreaterThan(100);
    expect(value(text, 'meshviz_embedded_samples')).toBeGreaterThanOrEqual(series);
    // Every series costs at least its labels and one encoded sample; the projection adds the
    // rest of the retention, so it can only be larger.
    const bytes = value(text, 'meshviz_embedded_bytes');
    expect(bytes).toBeGreaterThan(series * 8);
    expect(value(text, 'meshviz_embedded_projected_bytes')).toBeGreaterThan(bytes);
    expect(value(text, 'meshviz_embedded_bytes_per_sample')).toBeGreaterThan(0);
  });

  it('says which resources are installed, at the version served', async () => {
    const { body } = await api.get<ControlPlaneResponse>('/api/v1/control-plane');
    const at = (kind: string, group: string) =>
      body.resources.find((r) => r.kind === kind && r.group === group)?.apiVersion;
    expect(at('HTTPRoute', 'gateway.networking.k8s.io')).toBeNull();
    expect(at('HTTPRoute', 'policy.linkerd.io')).toBe('policy.linkerd.io/v1beta3');
    expect(at('Server', 'policy.linkerd.io')).toBe('policy.linkerd.io/v1beta1');
    expect(at('ServiceProfile', 'linkerd.io')).toBe('linkerd.io/v1alpha2');
    expect(body.errors).toEqual([]);
  });

  it('reads the Servers at the older version they are served at', async () => {
    const { status, body } = await api.get<PolicyResponse>('/api/v1/namespaces/booksapp/policy');
    expect(status).toBe(200);
    expect(body.errors).toEqual([]);
    expect(body.servers.map((s) => s.name)).toContain('authors-http');
    const authors = body.servers.find((s) => s.name === 'authors-http');
    expect(authors?.authorizations.map((a) => a.name)).toEqual(['authors-from-webapp-and-books']);
  });
});
