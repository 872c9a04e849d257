import { expect, test } from './fixtures/test';
import { Shell } from './pages/shell';
import { WITHOUT_GATEWAY_API_URL } from './support/stack';

// A cluster that serves Linkerd's CRDs but not the Gateway API's: a fact to state, not an error.
test.use({ baseURL: WITHOUT_GATEWAY_API_URL });

test('without the Gateway API CRDs, pages show no error banner and the control plane says what is missing', async ({
  page,
  request,
}) => {
  for (const path of [
    '/api/v1/namespaces',
    '/api/v1/namespaces/emojivoto/workloads',
    '/api/v1/graph?namespaces=emojivoto',
    '/api/v1/routes?namespace=emojivoto&kind=deployments&name=web&to=emojivoto/emoji-svc',
    '/api/v1/namespaces/emojivoto/services/emoji-svc/config',
  ]) {
    const res = await request.get(path);
    expect(res.status(), path).toBe(200);
    expect(((await res.json()) as { errors: unknown[] }).errors, path).toEqual([]);
  }
  const shell = new Shell(page);
  await shell.open('/namespaces/emojivoto');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('emojivoto');
  await shell.open('/namespaces/emojivoto/deployments/web?tab=routes');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('web');
  await shell.open('/control-plane');
  const resources = page.getByRole('table', { name: 'Resources' });
  const gateway = resources
    .getByRole('row')
    .filter({ hasText: 'gateway.networking.k8s.io' })
    .filter({ hasText: 'HTTPRoute' });
  await expect(gateway).toContainText('HTTPRoute');
  await expect(gateway).toContainText('not installed');
  const policy = resources.getByRole('row').filter({ hasText: 'Server' }).first();
  await expect(policy).toContainText('policy.linkerd.io/');
  // Auto-refresh has run at least once by now: still no banner.
  await page.waitForTimeout(11_000);
  await expect(shell.banner).toHaveCount(0);
});
