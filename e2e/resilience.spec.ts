import { expect, test } from './fixtures/test';
import { NamespaceView } from './pages/mesh-pages';
import { setKubeApi, waitForTraffic } from './support/api';

test.beforeAll(async ({ request }) => waitForTraffic(request));

test('with the Kubernetes API stopped, the error banner shows and the last data stays', async ({
  page,
  request,
}) => {
  test.setTimeout(150_000);
  const view = new NamespaceView(page);
  await page.goto('/namespaces/emojivoto');
  await expect(await view.http.cell('web', 'Kind')).toHaveText('Deployment');
  await expect(view.banner).toHaveCount(0);
  await setKubeApi(request, false);
  try {
    // Auto-refresh picks the failure up without a reload.
    await expect(view.banner).toBeVisible({ timeout: 45_000 });
    await expect(view.banner).toContainText('Kubernetes API');
    await expect(await view.http.cell('web', 'Kind')).toHaveText('Deployment');
    await page.screenshot({ path: test.info().outputPath('upstream-down.png'), fullPage: true });
  } finally {
    await setKubeApi(request, true);
  }
  // And it recovers, so later tests see a healthy mesh.
  await expect(view.banner).toHaveCount(0, { timeout: 90_000 });
});
