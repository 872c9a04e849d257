import { expect, test } from './fixtures/test';
import { WITHOUT_GATEWAY_API_URL } from './support/stack';

// This stack's kubeconfig user has no RBAC for tap.linkerd.io (`--forbid-tap`).
test.use({ baseURL: WITHOUT_GATEWAY_API_URL });

test('with tap forbidden, the tap views explain how to allow it and the other pages still work', async ({
  page,
}) => {
  await page.goto('/tap?ns=emojivoto&resource=deployments&name=web');
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Tap is not allowed');
  await expect(alert).toContainText('kubectl apply -k deploy/tap');
  await expect(alert).toContainText('cannot watch resource "deployments/tap"');
  await expect(page.getByRole('status', { name: 'Tap state' })).toHaveText('Stopped');

  await page.goto('/namespaces/emojivoto/deployments/web?tab=live');
  await expect(page.getByRole('alert')).toContainText('Tap is not allowed');

  await page.goto('/namespaces');
  await expect(page.getByRole('table', { name: 'Namespaces' })).toContainText('emojivoto');
  await page.goto('/namespaces/emojivoto/deployments/web');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Deployment web');
});
