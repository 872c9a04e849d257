import type { NamespacesResponse } from '@meshviz/shared';
import { startPrometheus, waitUntil, type RunningPrometheus } from '@meshviz/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Tests may start the demo mesh in-process; the API itself meets it only over HTTP.
import { startDemoMesh, type DemoMesh } from '@meshviz/demo-mesh';
import { startApi, type RunningApi } from './support';

/**
 * A namespace whose default inbound policy is `deny` and has no Server for the
 * admin port: its proxies refuse every scrape (linkerd2 #9150). meshviz says so,
 * with the fix, rather than showing an idle namespace.
 */
let mesh: DemoMesh;
let api: RunningApi;
let prom: RunningPrometheus;
let viaProm: RunningApi;

beforeAll(async () => {
  mesh = await startDemoMesh({
    scenario: 'emojivoto',
    podSubnetOctet: 70,
    incidents: false,
    defaultInboundPolicies: { emojivoto: 'deny' },
  });
  api = await startApi(['--kubeconfig', mesh.kubeconfigPath, '--scrape-interval', '2s']);
  prom = await startPrometheus(mesh.prometheusConfigPath);
  viaProm = await startApi([
    '--kubeconfig',
    mesh.kubeconfigPath,
    '--prometheus-url',
    prom.url,
    '--scrape-interval',
    '2s',
  ]);
}, 60_000);

afterAll(async () => {
  await viaProm?.stop();
  await prom?.stop();
  await api?.stop();
  await mesh?.stop();
});

describe('API on a default-deny namespace', () => {
  it('explains the denied scrapes once, names the fix, and still scrapes the other namespaces', async () => {
    const denial = await waitUntil(
      'the first scrapes',
      async () => {
        const { body } = await api.get<NamespacesResponse>('/api/v1/namespaces');
        // Each proxy is scraped at its own offset in the interval, as Prometheus does: wait
        // until all five have been tried.
        return body.errors.find((e) => e.source === 'proxy' && e.message.includes('5 proxies'));
      },
      20_000,
    );
    // vote-bot, web, emoji, emoji-canary, voting: geo-lookup has no proxy.
    expect(denial.message).toContain("5 proxies in namespace emojivoto deny meshviz's scrapes");
    expect(denial.message).toContain('allow-scrapes --namespace emojivoto');
    const { body } = await api.get<NamespacesResponse>('/api/v1/namespaces');
    expect(body.errors.filter((e) => e.source === 'proxy')).toHaveLength(1);
    // linkerd's own proxies answer: only emojivoto's are refused.
    expect(body.errors.some((e) => e.message.includes('namespace linkerd'))).toBe(false);
  });

  it('in Prometheus mode, says which proxies Prometheus cannot scrape and why', async () => {
    const denial = await waitUntil(
      'Prometheus to fail to scrape emojivoto',
      async () => {
        const { body } = await viaProm.get<NamespacesResponse>('/api/v1/namespaces');
        // Prometheus scrapes its targets at different offsets: wait until it has tried all five.
        return body.errors.find((e) => e.source === 'proxy' && e.message.includes('5 proxies'));
      },
      45_000,
    );
    expect(denial.message).toContain(
      '5 proxies in namespace emojivoto cannot be scraped by Prometheus',
    );
    expect(denial.message).toContain('linkerd viz allow-scrapes --namespace emojivoto');
  }, 60_000);
});
