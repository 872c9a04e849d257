import { readFileSync } from 'node:fs';
import type { GraphResponse } from '@meshviz/shared';
import { expect, test } from './fixtures/test';
import { GraphView, openWithAnswer } from './pages/mesh-pages';
import { waitForTraffic } from './support/api';

test.beforeAll(async ({ request }) => waitForTraffic(request));

const WEB = 'emojivoto/deployments/web';

test('the graph shows the emojivoto workloads and edges, with mTLS marks and reasons', async ({
  page,
}) => {
  const view = new GraphView(page);
  const api = await openWithAnswer<GraphResponse>(
    page,
    '/graph?ns=emojivoto&refresh=off',
    '/api/v1/graph',
  );
  for (const name of ['web', 'voting', 'emoji', 'vote-bot', 'geo-lookup'])
    await expect(view.node('emojivoto', name)).toBeVisible();

  // The graph downloads as JSON: the API's answer for this view, named after it and the window.
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download JSON' }).click(),
  ]);
  expect(file.suggestedFilename()).toBe('meshviz-graph-emojivoto-1m.json');
  expect(JSON.parse(readFileSync((await file.path()) ?? '', 'utf8'))).toEqual(api);
  for (const e of api.edges) await expect(view.edge(e.source, e.target)).toBeVisible();

  // Meshed to meshed: all secured.
  const toVoting = view.edge(WEB, 'emojivoto/deployments/voting');
  await expect(view.mtlsMark(toVoting)).toHaveAccessibleName('mTLS all');
  await view.mtlsMark(toVoting).hover();
  await expect(toVoting.getByRole('tooltip')).toContainText(
    'server: voting.emojivoto.serviceaccount.identity.linkerd.cluster.local',
  );

  // To the unmeshed geo-lookup: none, and the tooltip says why.
  const toGeo = view.edge(WEB, 'emojivoto/deployments/geo-lookup');
  await expect(view.mtlsMark(toGeo)).toHaveAccessibleName('mTLS none');
  await page.mouse.move(0, 0);
  await view.mtlsMark(toGeo).focus();
  await expect(toGeo.getByRole('tooltip')).toContainText('not_provided_by_service_discovery');

  // The label shows RPS, or p95 when chosen.
  const apiEdge = api.edges.find((e) => e.id === `${WEB}>emojivoto/deployments/voting`);
  expect(apiEdge?.rps).not.toBeNull();
  await expect(toVoting.getByRole('button', { name: /^Details of/ })).toHaveText(/rps$/);
  await page.getByRole('combobox', { name: 'Edge label' }).selectOption('p95');
  await expect(page).toHaveURL(/label=p95/);
  await expect(toVoting.getByRole('button', { name: /^Details of/ })).toHaveText(/^p95 /);

  // Clicking an edge opens its detail.
  await toVoting.getByRole('button', { name: /^Details of/ }).click();
  const detail = page.getByRole('complementary', { name: 'Edge detail' });
  await expect(detail).toContainText('web.emojivoto.serviceaccount.identity.linkerd.cluster.local');
  await page.screenshot({ path: test.info().outputPath('graph-emojivoto.png'), fullPage: true });
});

test('every edge opens by keyboard from the edge table, and Escape closes its detail', async ({
  page,
}) => {
  const api = await openWithAnswer<GraphResponse>(
    page,
    '/graph?ns=emojivoto&refresh=off',
    '/api/v1/graph',
  );
  // Closed until asked for, by keyboard: Enter on its summary opens it, and the URL keeps it.
  await page.getByText(/^Edges as a table \(\d+\)$/).focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/edges=table/);
  const table = page.getByRole('table', { name: 'Edges' });
  await expect(table.getByRole('row')).toHaveCount(api.edges.length + 1);
  // The table downloads as CSV: a header and a line per row, named after it and the window.
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download Edges as CSV' }).click(),
  ]);
  expect(file.suggestedFilename()).toBe('meshviz-edges-1m.csv');
  const csv = readFileSync((await file.path()) ?? '', 'utf8')
    .trimEnd()
    .split('\r\n');
  expect(csv[0]).toBe('Client,Server,Protocol,Success rate,RPS,Latency P95,mTLS');
  expect(csv).toHaveLength(api.edges.length + 1);
  const toVotingRow = csv.find((l) => l.startsWith(`${WEB},emojivoto/deployments/voting,`));
  const toVoting = api.edges.find((e) => e.id === `${WEB}>emojivoto/deployments/voting`);
  expect(toVotingRow?.split(',')[4]).toBe(String(toVoting?.rps));
  const open = table.getByRole('button', {
    name: `Details of ${WEB} to emojivoto/deployments/voting`,
  });
  await open.focus();
  await page.keyboard.press('Enter');
  const detail = page.getByRole('complementary', { name: 'Edge detail' });
  await expect(detail).toBeFocused();
  await expect(page).toHaveURL(/edge=/);
  await expect(detail).toContainText(
    'voting.emojivoto.serviceaccount.identity.linkerd.cluster.local',
  );
  await page.keyboard.press('Escape');
  await expect(detail).toBeHidden();
  await expect(page).not.toHaveURL(/edge=/);
});

test('graph search highlights, filters hide, and a node opens its workload', async ({ page }) => {
  const view = new GraphView(page);
  await page.goto('/graph?refresh=off');
  await expect(view.node('booksapp', 'webapp')).toBeVisible();
  await page.getByRole('searchbox', { name: 'Search workloads' }).fill('vot');
  await expect(page.getByText('2 matching')).toBeVisible();
  await expect(view.node('emojivoto', 'voting')).toHaveClass(/match/);
  await expect(view.node('booksapp', 'webapp')).toHaveClass(/dim/);

  // The box follows the URL, which the router updates asynchronously: click, then wait for it.
  await page.getByRole('checkbox', { name: 'Hide healthy' }).click();
  await expect(page.getByRole('checkbox', { name: 'Hide healthy' })).toBeChecked();
  await expect(page).toHaveURL(/hide=healthy/);
  // Failing voting stays; idle, healthy log-collector goes.
  await expect(view.node('emojivoto', 'voting')).toBeVisible();
  await expect(view.node('booksapp', 'log-collector')).toHaveCount(0);

  // From the keyboard: focus the node's name and press Enter.
  await view.node('emojivoto', 'voting').getByRole('button', { name: 'voting' }).focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/namespaces\/emojivoto\/deployments\/voting\?refresh=off$/);
  await page.goBack();
  // And with the mouse, anywhere on the node (fitted first: a node outside the
  // canvas viewport cannot be clicked).
  await page.getByRole('button', { name: 'Fit View' }).click();
  await view.node('emojivoto', 'vote-bot').click({ position: { x: 100, y: 55 } });
  await expect(page).toHaveURL(/\/namespaces\/emojivoto\/deployments\/vote-bot\?refresh=off$/);
  await page.goBack();
  await expect(page).toHaveURL(/\/graph\?.*hide=healthy/);
  await page.screenshot({ path: test.info().outputPath('graph-all.png'), fullPage: true });
});
