import type { RoutesResponse, WorkloadDetail } from '@meshviz/shared';
import { expect, test } from './fixtures/test';
import { openWithAnswer, WorkloadView } from './pages/mesh-pages';
import { waitForTraffic } from './support/api';
import { expectShows } from './support/numbers';
import { Table } from './support/table';

test.beforeAll(async ({ request }) => waitForTraffic(request));

test("a workload shows its state, charts over the window and its neighbours' numbers", async ({
  page,
}) => {
  const view = new WorkloadView(page);
  const api = await openWithAnswer<WorkloadDetail>(
    page,
    '/namespaces/emojivoto/deployments/web?refresh=off',
    '/api/v1/namespaces/emojivoto/deployments/web',
  );
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Deployment web');
  await expect(page.getByText('meshed (1/1 pods)')).toBeVisible();

  for (const title of ['Success rate', 'Requests per second', 'Latency']) {
    // A drawn line (at least one segment), not only the axes: the series has points with traffic.
    // A flat line has no height, so "visible" cannot be asked of it.
    await expect(view.chart(title).locator('.recharts-line-curve').first()).toHaveAttribute(
      'd',
      /^M[\d.,-]+L/,
    );
  }

  // Clients and servers, as the API listed them, with the edges' numbers.
  expect(api.inbound.map((n) => n.node.name)).toContain('vote-bot');
  expect(api.outbound.map((n) => n.node.name)).toEqual(
    expect.arrayContaining(['voting', 'emoji', 'geo-lookup']),
  );
  for (const n of api.outbound) {
    const name = `${n.node.namespace}/${n.node.name}`;
    await expectShows(await view.outbound.cell(name, 'RPS'), n.edge.rps, `web -> ${name} RPS`);
    await expectShows(
      await view.outbound.cell(name, 'Success rate'),
      n.edge.successRate,
      `web -> ${name} SR`,
    );
  }
  for (const n of api.inbound) {
    const name = `${n.node.namespace}/${n.node.name}`;
    await expectShows(await view.inbound.cell(name, 'RPS'), n.edge.rps, `${name} -> web RPS`);
  }
  await expect(page.getByRole('figure', { name: 'Neighbours graph' })).toBeVisible();

  // The edges tab names identities, and why the call to geo-lookup is plaintext.
  await view.tab(/^Edges/).click();
  await expect(page).toHaveURL(/tab=edges/);
  const edges = page.getByRole('table', { name: 'Edges' });
  await expect(edges.getByRole('row').filter({ hasText: 'emojivoto/geo-lookup' })).toContainText(
    'not_provided_by_service_discovery',
  );
  await expect(edges.getByRole('row').filter({ hasText: 'emojivoto/voting' })).toContainText(
    'voting.emojivoto.serviceaccount.identity.linkerd.cluster.local',
  );
  await page.screenshot({ path: test.info().outputPath('workload-web.png'), fullPage: true });
});

test('the voting routes show the doughnut route failing, and its chart', async ({ page }) => {
  const view = new WorkloadView(page);
  const api = await openWithAnswer<RoutesResponse>(
    page,
    '/namespaces/emojivoto/deployments/voting?tab=routes&refresh=off',
    '/api/v1/routes',
  );
  const doughnut = api.routes.find((r) => r.name === 'VoteDoughnut');
  expect(doughnut?.effective.successRate).toBe(0);
  const sr = await view.routes.cell('VoteDoughnut', 'Success rate');
  await expectShows(sr, 0, 'VoteDoughnut SR');
  await expect(sr.locator('.sr')).toHaveAttribute('title', 'poor');
  await expectShows(
    await view.routes.cell('VoteDoughnut', 'RPS'),
    doughnut?.effective.rps ?? null,
    'VoteDoughnut RPS',
  );
  await expect(await view.routes.cell('VoteDoughnut', 'Config')).toContainText('ServiceProfile');
  // A healthy route for contrast.
  const healthy = api.routes.find(
    (r) => r.name !== 'VoteDoughnut' && (r.effective.successRate ?? 0) > 0.95,
  );
  if (!healthy) throw new Error('no healthy voting route in the answer');
  await expect(
    (await view.routes.cell(healthy.name, 'Success rate')).locator('.sr'),
  ).toHaveAttribute('title', 'good');

  await page.getByRole('button', { name: 'Chart VoteDoughnut' }).click();
  await expect(page).toHaveURL(/route=VoteDoughnut/);
  const chart = page.getByRole('region', { name: 'History of VoteDoughnut' });
  await expect(
    chart
      .getByRole('figure', { name: 'Requests per second' })
      .locator('.recharts-line-curve')
      .first(),
  ).toHaveAttribute('d', /^M[\d.,-]+L/);
  await page.screenshot({ path: test.info().outputPath('routes-voting.png'), fullPage: true });
});

test('a deep link with window and tab comes back the same after reload', async ({ page }) => {
  await page.goto('/namespaces/emojivoto/deployments/web?tab=pods&window=5m');
  const view = new WorkloadView(page);
  await expect(view.tab(/^Pods/)).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('heading', { name: 'Over the last 5m' })).toBeVisible();
  await page.reload();
  await expect(page).toHaveURL(/\/namespaces\/emojivoto\/deployments\/web\?tab=pods&window=5m$/);
  await expect(view.tab(/^Pods/)).toHaveAttribute('aria-selected', 'true');
  await expect(view.window).toHaveValue('5m');
  await expect(page.getByRole('heading', { name: 'Over the last 5m' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Pods' }).getByRole('row')).toHaveCount(2);
  // The kubelet probes web's one pod, shown apart from its traffic (their rate is checked
  // against PromQL in the API's tests: over a window the stack has not filled yet it reads low).
  await expect(page.getByTestId('probes')).toContainText(
    /0\.\d\d rps of liveness and readiness probes to the app's port, 100% answered/,
  );
});

test('the routes page lists the calls from web to voting with effective and actual numbers', async ({
  page,
}) => {
  const api = await openWithAnswer<RoutesResponse>(
    page,
    '/routes?namespace=emojivoto&kind=deployments&name=web&to=emojivoto%2Fvoting-svc&refresh=off',
    '/api/v1/routes',
  );
  expect(api.direction).toBe('outbound');
  const view = new WorkloadView(page);
  const doughnut = api.routes.find((r) => r.name === 'VoteDoughnut');
  await expectShows(
    await view.routes.cell('VoteDoughnut', 'Success rate'),
    doughnut?.effective.successRate ?? null,
    'effective SR',
  );
  await expectShows(
    await view.routes.cell('VoteDoughnut', 'Actual RPS'),
    doughnut?.actual?.rps ?? null,
    'actual RPS',
  );
  await page.screenshot({ path: test.info().outputPath('routes-page.png'), fullPage: true });
});

test("the routes to recommendations show the retries its Service's annotations configure, as the API counts them", async ({
  page,
}) => {
  const api = await openWithAnswer<RoutesResponse>(
    page,
    '/routes?namespace=booksapp&kind=deployments&name=webapp&to=booksapp%2Frecommendations&refresh=off',
    '/api/v1/routes',
  );
  const view = new WorkloadView(page);
  const route = api.routes.find((r) => (r.retries?.rps ?? 0) > 0);
  expect(route, 'a route with retries').toBeDefined();
  const name = route?.name ?? '';
  await expectShows(
    await view.routes.cell(name, 'Retries/s'),
    route?.retries?.rps ?? null,
    'retries/s',
  );
  await expectShows(
    await view.routes.cell(name, 'Retry success'),
    route?.retries?.successRate ?? null,
    'retry success',
  );
  await expectShows(
    await view.routes.cell(name, 'Limit exceeded/s'),
    route?.retries?.limitExceededRps ?? null,
    'limit exceeded/s',
  );
  await expect(await view.routes.cell(name, 'Retries configured')).toHaveText('on 5xx, up to 1');
  await expect(await view.routes.cell(name, 'Configured by')).toContainText(
    'Service booksapp/recommendations annotations',
  );
});

test("the routes to emoji-svc show its GRPCRoute, retrying UNAVAILABLE by the route's own annotations", async ({
  page,
}) => {
  const api = await openWithAnswer<RoutesResponse>(
    page,
    '/routes?namespace=emojivoto&kind=deployments&name=web&to=emojivoto%2Femoji-svc&refresh=off',
    '/api/v1/routes',
  );
  const view = new WorkloadView(page);
  // One GRPCRoute takes every RPC of the EmojiService: the scenario's only route to emoji-svc.
  expect(api.routes.map((r) => [r.name, r.config.source])).toEqual([['emoji-svc', 'GRPCRoute']]);
  const route = api.routes[0];
  await expect(await view.routes.cell('emoji-svc', 'Retries configured')).toHaveText(
    'on unavailable, up to 1',
  );
  await expect(await view.routes.cell('emoji-svc', 'Configured by')).toHaveText(
    "retries: the route's annotations; timeout: the route's annotations",
  );
  await expectShows(
    await view.routes.cell('emoji-svc', 'Retries/s'),
    route?.retries?.rps ?? null,
    'retries/s',
  );
  await expectShows(
    await view.routes.cell('emoji-svc', 'Retry success'),
    route?.retries?.successRate ?? null,
    'retry success',
  );
  // Its 90/10 canary split: the weights the rule gives, and the shares the API counted.
  const split = new Table(page.getByRole('table', { name: 'Traffic split' }));
  await expect(await split.cell('emojivoto/emoji-canary-svc', 'Weight')).toHaveText('10.0%');
  await expect(await split.cell('emojivoto/emoji-svc', 'Weight')).toHaveText('90.0%');
  const canary = route?.backends?.find((b) => b.name === 'emoji-canary-svc');
  expect(canary?.share ?? 0, 'the canary takes about a tenth').toBeGreaterThan(0.07);
  expect(canary?.share ?? 1).toBeLessThan(0.13);
  await expectShows(
    await split.cell('emojivoto/emoji-canary-svc', 'Observed share'),
    canary?.share ?? null,
    'canary share',
  );
  await expectShows(
    await split.cell('emojivoto/emoji-canary-svc', 'RPS'),
    canary?.rps ?? null,
    'canary rps',
  );
});

test("the routes to mysql show its TCPRoute's connections, and those its missing replica backend failed", async ({
  page,
}) => {
  const api = await openWithAnswer<RoutesResponse>(
    page,
    '/routes?namespace=booksapp&kind=deployments&name=books&to=booksapp%2Fmysql&refresh=off',
    '/api/v1/routes',
  );
  // The TCPRoute names mysql (weight 9) and mysql-replica (weight 1), which is no Service.
  const route = api.opaqueRoutes.find((r) => r.kind === 'TCPRoute' && r.name === 'mysql');
  expect(route?.backends.map((b) => [b.name, b.weight, b.exists])).toEqual([
    ['mysql', 0.9, true],
    ['mysql-replica', 0.1, false],
  ]);
  const failedShare = (route?.failedPerSecond ?? 0) / (route?.openedPerSecond ?? 1);
  expect(failedShare, 'about a tenth of connections fail').toBeGreaterThan(0.05);
  expect(failedShare).toBeLessThan(0.15);
  expect(route?.errors.map((e) => e.error)).toEqual(['invalid_backend']);
  const table = new Table(page.getByRole('table', { name: 'Opaque routes' }));
  const row = table.root.getByRole('row').filter({ hasText: 'TCPRoute' });
  await expect(row).toContainText('invalid_backend');
  await expect(row).toContainText('no such Service');
  await expect(row.getByRole('cell').nth(await table.columnIndex('Protocol'))).toHaveText('TCP');
});

test('an ExternalWorkload (a VM in the mesh) has its page: meshed, its URI identity, and books as its server', async ({
  page,
}) => {
  const view = new WorkloadView(page);
  const api = await openWithAnswer<WorkloadDetail>(
    page,
    '/namespaces/booksapp/externalworkloads/legacy-billing?refresh=off',
    '/api/v1/namespaces/booksapp/externalworkloads/legacy-billing',
  );
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(
    'ExternalWorkload legacy-billing',
  );
  await expect(page.getByText('meshed (1/1 pods)')).toBeVisible();
  expect(api.outbound.map((n) => `${n.node.namespace}/${n.node.name}`)).toContain('booksapp/books');
  const books = api.outbound.find((n) => n.node.name === 'books');
  await expectShows(
    await view.outbound.cell('booksapp/books', 'RPS'),
    books?.edge.rps ?? null,
    'legacy-billing -> books RPS',
  );
  await view.tab('Pods').click();
  await expect(page.getByText('spiffe://root.linkerd.cluster.local/legacy-billing')).toBeVisible();
});

test("webapp's own routes come from the inbound route families of current proxies, latency as bucket ranges", async ({
  page,
}) => {
  const api = await openWithAnswer<RoutesResponse>(
    page,
    '/routes?namespace=booksapp&kind=deployments&name=webapp&refresh=off',
    '/api/v1/routes',
  );
  expect(api.direction).toBe('inbound');
  // The inbound route families' histogram: 50 ms, 500 ms, 1 s, 10 s.
  expect(api.latencyBucketsMs).toEqual([50, 500, 1000, 10_000]);
  const route = api.routes.find((r) => r.name === 'default');
  expect(route?.effective.rps).toBeGreaterThan(0);
  const view = new WorkloadView(page);
  await expectShows(await view.routes.cell('default', 'RPS'), route?.effective.rps ?? null, 'RPS');
  await expect(page.getByText(/each quantile is shown as/)).toBeVisible();
});
