import type { NamespacesResponse, WorkloadsResponse } from '@meshviz/shared';
import { expect, test } from './fixtures/test';
import { NamespaceView, NamespacesView, nextAnswer, openWithAnswer } from './pages/mesh-pages';
import { waitForTraffic } from './support/api';
import { expectShows } from './support/numbers';

test.beforeAll(async ({ request }) => waitForTraffic(request));

test('the namespaces list shows what the API returned, and drills into a namespace', async ({
  page,
}) => {
  const view = new NamespacesView(page);
  // Paused, so the numbers on screen stay those of the captured answer.
  const api = await openWithAnswer<NamespacesResponse>(
    page,
    '/namespaces?refresh=off',
    '/api/v1/namespaces',
  );
  await expect(view.table.root).toBeVisible();
  expect(api.namespaces.map((n) => n.name)).toEqual(
    expect.arrayContaining(['emojivoto', 'booksapp', 'linkerd']),
  );
  for (const ns of api.namespaces) {
    await expect(await view.table.cell(ns.name, 'Meshed pods')).toHaveText(
      `${ns.meshedPods}/${ns.totalPods}`,
    );
    await expectShows(
      await view.table.cell(ns.name, 'Success rate'),
      ns.successRate,
      `${ns.name} SR`,
    );
    await expectShows(await view.table.cell(ns.name, 'RPS'), ns.rps, `${ns.name} RPS`);
    for (const q of ['p50', 'p95', 'p99'] as const)
      await expectShows(
        await view.table.cell(ns.name, `Latency ${q.toUpperCase()}`),
        ns.latencyMs[q],
        `${ns.name} ${q}`,
      );
  }
  const emojivoto = api.namespaces.find((n) => n.name === 'emojivoto');
  expect(emojivoto?.mtls.state).toBe('some');
  await expect(
    (await view.table.cell('emojivoto', 'mTLS')).getByRole('button'),
  ).toHaveAccessibleName(/^mTLS some \d+\.\d%$/);

  // The filter narrows the list, and lives in the URL.
  await page.getByRole('searchbox', { name: 'Filter Namespaces' }).fill('emoji');
  await expect(view.table.root.getByRole('row')).toHaveCount(2);
  await expect(page).toHaveURL(/ns\.q=emoji/);

  const workloads = nextAnswer<WorkloadsResponse>(page, (r) =>
    r.url().includes('/api/v1/namespaces/emojivoto/workloads'),
  );
  await view.table.root.getByRole('link', { name: 'emojivoto' }).click();
  await expect(page).toHaveURL(/\/namespaces\/emojivoto\?refresh=off$/);
  const ns = new NamespaceView(page);
  const body = await workloads;
  const web = body.workloads.find((w) => w.kind === 'deployments' && w.name === 'web');
  expect(web?.rps).not.toBeNull();
  await expectShows(await ns.http.cell('web', 'RPS'), web?.rps ?? null, 'web RPS');
  await expectShows(await ns.http.cell('web', 'Success rate'), web?.successRate ?? null, 'web SR');
  await expect(await ns.http.cell('geo-lookup', 'Meshed')).toHaveText('0/1');
  // TCP table: connections of the meshed workloads.
  await expect(await ns.tcp.cell('web', 'Connections')).toHaveText(
    String(web?.tcp.openConnections ?? ''),
  );
  await page.screenshot({
    path: test.info().outputPath('namespace-emojivoto.png'),
    fullPage: true,
  });

  // And on to the workload.
  await ns.http.root.getByRole('link', { name: 'web', exact: true }).click();
  await expect(page).toHaveURL(/\/namespaces\/emojivoto\/deployments\/web\?refresh=off$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Deployment web');
});

test('changing the window changes the URL and the data', async ({ page }) => {
  const view = new NamespacesView(page);
  await openWithAnswer<NamespacesResponse>(page, '/namespaces?refresh=off', '/api/v1/namespaces');
  await expect(page.getByText('over the last 1m')).toBeVisible();
  const next = nextAnswer<NamespacesResponse>(
    page,
    (r) => r.url().includes('/api/v1/namespaces?') && r.url().includes('window=5m'),
  );
  await view.window.selectOption('5m');
  await expect(page).toHaveURL(/window=5m/);
  const api = await next;
  expect(api.window).toBe('5m');
  await expect(page.getByText('over the last 5m')).toBeVisible();
  const emojivoto = api.namespaces.find((n) => n.name === 'emojivoto');
  await expectShows(await view.table.cell('emojivoto', 'RPS'), emojivoto?.rps ?? null, 'RPS at 5m');

  // A custom window, typed.
  await view.window.selectOption('custom');
  await page.getByRole('textbox', { name: 'Custom window' }).fill('90s');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/window=90s/);
  await expect(page.getByText('over the last 1m30s')).toBeVisible();

  // Back returns to the previous window.
  await page.goBack();
  await expect(page).toHaveURL(/window=5m/);
  await expect(page.getByText('over the last 5m')).toBeVisible();
});
