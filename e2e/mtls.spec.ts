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

test("the mTLS page shows each proxy's TLS provider: post-quantum key exchange and FIPS", async ({
  page,
}) => {
  const view = new MtlsView(page);
  const api = await openWithAnswer<MtlsResponse>(page, '/mtls?refresh=off', '/api/v1/mtls');
  // Every demo proxy reports rustls_info once scraped; all but mysql's (edge-25.8.2) put
  // ML-KEM first. The CronJob's pod of the minute may have started since the last scrape:
  // the page does not blame its release for that.
  expect(api.tlsInfo.reporting + api.tlsInfo.unscraped).toBe(api.tlsInfo.proxies);
  expect(api.tlsInfo.unscraped).toBeLessThanOrEqual(1);
  await expect(page.getByText('releases before August 2025 lack the metric')).toHaveCount(0);
  await expectShows(
    page.getByRole('group', { name: 'Post-quantum key exchange' }).locator('strong'),
    api.tlsInfo.postQuantumPreferred / api.tlsInfo.reporting,
    'post-quantum share',
  );
  await expect(view.tlsProviders.root.getByRole('row')).toHaveCount(api.tlsProviders.length + 1);
  // voting runs a FIPS build: the hybrid group over P-256, no X25519.
  const fips = view.tlsProviders.root.getByRole('row').filter({ hasText: 'emojivoto/voting' });
  await expect(fips).toContainText('SECP256R1MLKEM768');
  await expect(fips).not.toContainText('X25519');
  await expect(fips.getByRole('cell').nth(await view.tlsProviders.columnIndex('FIPS'))).toHaveText(
    'yes',
  );
  const mysql = view.tlsProviders.root.getByRole('row').filter({ hasText: 'booksapp/mysql' });
  await expect(
    mysql.getByRole('cell').nth(await view.tlsProviders.columnIndex('Post-quantum')),
  ).toHaveText('offered');
});
