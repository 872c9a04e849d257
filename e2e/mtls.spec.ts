import type { MtlsResponse } from '@meshviz/shared';
import { expect, test } from './fixtures/test';
import { MtlsView, openWithAnswer } from './pages/mesh-pages';
import { waitForTraffic } from './support/api';
import { expectShows } from './support/numbers';

test.beforeAll(async ({ request }) => waitForTraffic(request));

test('the mTLS page shows the share, every plaintext edge with its reason, unmeshed workloads and certificates', async ({
  page,
}) => {
  const view = new MtlsView(page);
  const api = await openWithAnswer<MtlsResponse>(page, '/mtls?refresh=off', '/api/v1/mtls');
  await expectShows(
    page.getByRole('group', { name: 'Mesh-wide mTLS' }).locator('strong'),
    api.mesh.securedShare,
    'mesh share',
  );
  await expect(view.plaintext.root.getByRole('row')).toHaveCount(api.plaintextEdges.length + 1);
  await expect(
    view.plaintext.root.getByRole('row').filter({ hasText: 'emojivoto/geo-lookup' }),
  ).toContainText('not_provided_by_service_discovery');
  await expect(
    view.plaintext.root.getByRole('row').filter({ hasText: 'booksapp/webapp' }),
  ).toContainText('no_tls_from_remote');
  await expect(view.unmeshed.row('booksapp/legacy-reporter')).toContainText('restart');
  await expect(view.unmeshed.row('emojivoto/geo-lookup')).toContainText('not enabled');
  // Soonest expiry first: the certificate that fails to renew.
  const first = api.certificates[0];
  expect(first?.pod).toMatch(/^log-collector-/);
  await expect(view.certificates.root.getByRole('row').nth(1)).toContainText(first?.pod ?? '-');
  await expect(view.certificates.root.getByRole('row').nth(1)).toContainText(/\dh \d+m/);
  await page.screenshot({ path: test.info().outputPath('mtls.png'), fullPage: true });
});
