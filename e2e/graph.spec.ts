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

  // As SVG: one node group per workload and one edge group per edge of the answer.
  const [svgFile] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download SVG' }).click(),
  ]);
  expect(svgFile.suggestedFilename()).toBe('meshviz-graph-emojivoto-1m.svg');
  const svg = readFileSync((await svgFile.path()) ?? '', 'utf8');
  const ids = (cls: string) =>
    [...svg.matchAll(new RegExp(`<g class="${cls}" data-id="([^"]+)"`, 'g'))].map((m) =>
      (m[1] ?? '').replaceAll('&gt;', '>'),
    );
  expect(ids('node').sort()).toEqual(api.nodes.map((n) => n.id).sort());
  expect(ids('edge').sort()).toEqual(api.edges.map((e) => e.id).sort());
  // As PNG: a real PNG image (signature, then an IHDR chunk with its size).
  const [pngFile] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download PNG' }).click(),
  ]);
  expect(pngFile.suggestedFilename()).toBe('meshviz-graph-emojivoto-1m.png');
  const png = readFileSync((await pngFile.path()) ?? '');
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
  expect(png.readUInt32BE(16)).toBeGreaterThan(400);
  expect(png.readUInt32BE(20)).toBeGreaterThan(100);

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
  await page.getByRole('checkbox', { name: 'Errors only' }).click();
  await expect(page.getByRole('checkbox', { name: 'Errors only' })).toBeChecked();
  await expect(page).toHaveURL(/hide=healthy/);
  // Failing voting stays; idle, healthy log-collector goes.
  await expect(view.node('emojivoto', 'voting')).toBeVisible();
  await expect(view.node('booksapp', 'log-collector')).toHaveCount(0);

  // From the keyboard: focus the node's name and press Enter.
  await view
    .node('emojivoto', 'voting')
    .getByRole('button', { name: 'voting', exact: true })
    .focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/namespaces\/emojivoto\/deployments\/voting\?refresh=off$/);
  await page.goBack();
  // And with the mouse, anywhere on the node (fitted first: a node outside the
  // canvas viewport cannot be clicked).
  await page.getByRole('button', { name: 'Fit View' }).click();
  // Below the name, whatever the zoom: on the node's numbers.
  const bot = await view.node('emojivoto', 'vote-bot').boundingBox();
  await view
    .node('emojivoto', 'vote-bot')
    .click({ position: { x: (bot?.width ?? 0) / 2, y: (bot?.height ?? 0) * 0.8 } });
  await expect(page).toHaveURL(/\/namespaces\/emojivoto\/deployments\/vote-bot\?refresh=off$/);
  await page.goBack();
  await expect(page).toHaveURL(/\/graph\?.*hide=healthy/);
  await page.screenshot({ path: test.info().outputPath('graph-all.png'), fullPage: true });
});

const nameOf = (n: GraphResponse['nodes'][number]) => `${n.namespace}/${n.name}`;

test('a namespace collapses into one node with summed edges, and expands again; the URL keeps it', async ({
  page,
}) => {
  const view = new GraphView(page);
  const api = await openWithAnswer<GraphResponse>(
    page,
    '/graph?refresh=off&edges=table',
    '/api/v1/graph',
  );
  await expect(view.node('emojivoto', 'web')).toBeVisible();
  await view.canvas.getByRole('button', { name: 'Collapse namespace emojivoto' }).click();
  await expect(page).toHaveURL(/collapsed=emojivoto/);
  const folded = view.collapsed('emojivoto');
  await expect(folded).toBeVisible();
  const members = api.nodes.filter((n) => n.namespace === 'emojivoto');
  await expect(folded).toContainText(`${members.length} workloads`);
  await expect(view.node('emojivoto', 'web')).toHaveCount(0);
  // Edges: calls inside emojivoto fold away; calls across its border become one per peer.
  const inside = (id: string) => members.some((m) => m.id === id);
  const across = new Set(
    api.edges
      .filter((e) => inside(e.source) !== inside(e.target))
      .map((e) =>
        inside(e.source) ? `collapsed:emojivoto>${e.target}` : `${e.source}>collapsed:emojivoto`,
      ),
  );
  const outside = api.edges.filter((e) => !inside(e.source) && !inside(e.target)).length;
  const table = page.getByRole('table', { name: 'Edges' });
  await expect(table.getByRole('row')).toHaveCount(across.size + outside + 1);
  await expect(table.getByRole('row', { name: /emojivoto\/deployments/ })).toHaveCount(0);

  // The URL alone brings the collapsed view back.
  await page.reload();
  await expect(view.collapsed('emojivoto')).toBeVisible();
  await expect(view.node('emojivoto', 'web')).toHaveCount(0);

  // A click on the collapsed node expands it.
  await view
    .collapsed('emojivoto')
    .getByRole('button', { name: 'Expand namespace emojivoto' })
    .click();
  await expect(page).toHaveURL(/collapsed=none/);
  await expect(view.node('emojivoto', 'web')).toBeVisible();
  await expect(view.collapsed('emojivoto')).toHaveCount(0);
  await expect(table.getByRole('row')).toHaveCount(api.edges.length + 1);
});

test('focus mode shows a workload and its neighbours N hops out; top N keeps the busiest', async ({
  page,
}) => {
  const view = new GraphView(page);
  const api = await openWithAnswer<GraphResponse>(page, '/graph?refresh=off', '/api/v1/graph');
  const voting = 'emojivoto/deployments/voting';
  const peers = (ids: Set<string>) => {
    const out = new Set(ids);
    for (const e of api.edges) {
      if (ids.has(e.source)) out.add(e.target);
      if (ids.has(e.target)) out.add(e.source);
    }
    return out;
  };
  const names = (ids: Set<string>) =>
    api.nodes
      .filter((n) => ids.has(n.id))
      .map(nameOf)
      .sort();
  const oneHop = peers(new Set([voting]));
  const twoHops = peers(oneHop);
  expect(oneHop.size).toBeGreaterThan(1);
  expect(twoHops.size).toBeGreaterThan(oneHop.size);
  expect(twoHops.size).toBeLessThan(api.nodes.length);

  await view.canvas.getByRole('button', { name: 'Focus on emojivoto/voting' }).click();
  await expect(page).toHaveURL(/focus=emojivoto%2Fdeployments%2Fvoting/);
  await expect.poll(() => view.shownNodes()).toEqual(names(oneHop));
  await page.getByRole('combobox', { name: 'Hops from the focused workload' }).selectOption('2');
  await expect.poll(() => view.shownNodes()).toEqual(names(twoHops));
  await page.getByRole('button', { name: 'Clear focus' }).click();
  await expect.poll(() => view.shownNodes()).toEqual(api.nodes.map(nameOf).sort());

  // Top 10 by traffic: the nodes taking part in the most requests per second.
  const traffic = new Map<string, number>();
  for (const e of api.edges) {
    traffic.set(e.source, (traffic.get(e.source) ?? 0) + (e.rps ?? 0));
    traffic.set(e.target, (traffic.get(e.target) ?? 0) + (e.rps ?? 0));
  }
  const score = (n: GraphResponse['nodes'][number]) => Math.max(traffic.get(n.id) ?? 0, n.rps ?? 0);
  expect(api.nodes.length).toBeGreaterThan(10);
  const busiest = [...api.nodes].sort((a, b) => score(b) - score(a) || a.id.localeCompare(b.id));
  await page.getByRole('combobox', { name: 'Top workloads by traffic' }).selectOption('10');
  await expect(page).toHaveURL(/top=10/);
  await expect.poll(() => view.shownNodes()).toEqual(busiest.slice(0, 10).map(nameOf).sort());
});

test('a node keeps its place on screen across a refresh and filter changes', async ({ page }) => {
  const view = new GraphView(page);
  await openWithAnswer<GraphResponse>(page, '/graph', '/api/v1/graph');
  const voting = view.node('emojivoto', 'voting');
  await expect(voting).toBeVisible();
  // The fitted view settles in the first frames after the first paint: wait for two equal reads.
  let last = '';
  await expect
    .poll(async () => {
      const now = JSON.stringify(await voting.boundingBox());
      const same = now === last;
      last = now;
      return same;
    })
    .toBe(true);
  // Pan by hand: the graph keeps the user's view from now on.
  const pane = page.locator('.react-flow__pane');
  const box = await pane.boundingBox();
  if (!box) throw new Error('no graph pane');
  const before = await voting.boundingBox();
  // From the bottom right corner: the zoom controls sit bottom left.
  await page.mouse.move(box.x + box.width - 100, box.y + box.height - 20);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width - 40, box.y + box.height - 60, { steps: 5 });
  await page.mouse.up();
  const panned = await voting.boundingBox();
  expect(panned?.x).toBeCloseTo((before?.x ?? 0) + 60, 0);
  expect(panned?.y).toBeCloseTo((before?.y ?? 0) - 40, 0);

  // The next refresh (every 10 s) brings new numbers; nothing moves.
  await page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/graph');
  await page.waitForTimeout(500);
  expect(await voting.boundingBox()).toEqual(panned);

  // Hiding idle workloads removes nodes; the others stay where they were.
  const idle = view.node('booksapp', 'log-collector');
  await expect(idle).toBeVisible();
  await page.getByRole('checkbox', { name: 'Hide idle' }).click();
  await expect(idle).toHaveCount(0);
  expect(await voting.boundingBox()).toEqual(panned);
  await page.getByRole('checkbox', { name: 'Hide idle' }).click();
  await expect(idle).toBeVisible();
  expect(await voting.boundingBox()).toEqual(panned);
});

test("the API lays the graph out once for every viewer, and when it cannot, the tab's own engine does", async ({
  page,
}) => {
  const isLayout = (r: { url(): string; request(): { method(): string } }) =>
    r.url().includes('/api/v1/layout') && r.request().method() === 'POST';
  const first = page.waitForResponse(isLayout);
  const api = await openWithAnswer<GraphResponse>(
    page,
    '/graph?ns=booksapp&refresh=off',
    '/api/v1/graph',
  );
  const answer = await first;
  expect(answer.status()).toBe(200);
  const laid = (await answer.json()) as { boxes: Record<string, unknown>; reused: boolean };
  for (const n of api.nodes) expect(Object.keys(laid.boxes)).toContain(n.id);
  await expect(new GraphView(page).node('booksapp', 'webapp')).toBeVisible();

  // A second viewer (a tab of its own, with no drawing kept) gets the same layout, kept.
  const second = await page.context().newPage();
  const again = second.waitForResponse(isLayout);
  await second.goto('/graph?ns=booksapp&refresh=off');
  const kept = (await (await again).json()) as typeof laid;
  expect(kept).toEqual({ boxes: laid.boxes, reused: true });

  // The API's layout failing: the graph is still drawn, by the tab's own engine.
  const third = await page.context().newPage();
  await third.route('**/api/v1/layout', (route) =>
    route.fulfill({ status: 503, json: { error: { code: 'busy', message: 'busy' } } }),
  );
  await third.goto('/graph?ns=booksapp&refresh=off');
  await expect(new GraphView(third).node('booksapp', 'webapp')).toBeVisible();
});
