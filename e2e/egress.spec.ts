import type { EgressResponse } from '@meshviz/shared';
import { expect, test } from './fixtures/test';
import { EgressView, openWithAnswer } from './pages/mesh-pages';
import { waitForTraffic } from './support/api';
import { expectShows } from './support/numbers';

test.beforeAll(async ({ request }) => waitForTraffic(request));

test('the egress page shows the EgressNetwork, the host it lets through and the host it refuses', async ({
  page,
}) => {
  const view = new EgressView(page);
  const api = await openWithAnswer<EgressResponse>(page, '/egress?refresh=off', '/api/v1/egress');
  // booksapp's network denies what no route names (the demo's facts).
  const net = view.networks.row('booksapp/internet');
  await expect(net).toContainText('Deny');
  await expect(net).toContainText('clients in booksapp');
  await expect(net).toContainText('TLSRoute openlibrary (openlibrary.org) port 443');
  await expect(view.destinations.root.getByRole('row')).toHaveCount(api.destinations.length + 1);
  const refused = view.destinations.root
    .getByRole('row')
    .filter({ hasText: 'tracker.adnetwork.example' });
  await expect(refused).toContainText('denied');
  await expect(refused).toContainText('tls-egress-deny');
  await expect(refused).toContainText('forbidden');
  const telemetry = view.destinations.root
    .getByRole('row')
    .filter({ hasText: 'telemetry.vendor.example' });
  await expect(telemetry).toContainText('denied');
  await expect(telemetry).toContainText('403');
  const allowed = view.destinations.root
    .getByRole('row')
    .filter({ hasText: 'openlibrary.org:443' });
  await expect(allowed).toContainText('allowed');
  await expect(allowed).toContainText('TLSRoute openlibrary');
  const covers = api.destinations.find((d) => d.hostname === 'covers.openlibrary.org');
  await expectShows(
    await view.destinations.cell(/covers\.openlibrary\.org/, 'Rate'),
    covers?.perSecond ?? null,
    'covers rate',
  );
  await page.screenshot({ path: test.info().outputPath('egress.png'), fullPage: true });
});

test('the graph draws the EgressNetwork as a node its clients call, and opens the egress page', async ({
  page,
}) => {
  await page.goto('/graph?ns=booksapp&refresh=off');
  const node = page.getByTestId('node-booksapp/egressnetworks/internet');
  await expect(node).toContainText('EgressNetwork');
  await expect(
    page.getByTestId('edge-booksapp/deployments/webapp>booksapp/egressnetworks/internet'),
  ).toContainText('egress');
  await node.getByRole('button', { name: 'internet', exact: true }).click();
  await expect(page).toHaveURL(/\/egress/);
  await expect(page.getByRole('heading', { name: 'Egress', level: 1 })).toBeVisible();
});
