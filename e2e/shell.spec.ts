import { Shell } from './pages/shell';
import { expect, test } from './fixtures/test';

test('when opened at the root, lands on namespaces with the API connected', async ({
  page,
  request,
}) => {
  const health = await (await request.get('/healthz')).json();
  const shell = new Shell(page);
  await shell.open('/');
  await expect(page).toHaveURL(/\/namespaces$/);
  await expect(shell.navLink('Namespaces')).toBeVisible();
  await expect(shell.apiStatus).toHaveText(`API ${health.version}`);
});

test('when a deep link is reloaded, the same view comes back', async ({ page }) => {
  const shell = new Shell(page);
  await shell.open('/graph');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Service graph');
  await page.reload();
  await expect(page).toHaveURL(/\/graph$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Service graph');
});
