/**
 * The dashboard in Chromium on a synthetic mesh: time from the graph answer
 * to its first paint (and again on a revisit), renders per refresh and per
 * filter change, frame rate while panning, and the initial JS bundle.
 * Demo mesh + API (embedded metrics) + the built SPA, as `npm start` runs them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from '@playwright/test';
import { quantile, startSyntheticStack, table } from './lib';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'apps/web/dist');
const CHROMIUM = process.env.MESHVIZ_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Waits until the API's graph has every workload and its edges stop growing
 * between two polls a scrape interval apart: every proxy scraped twice.
 */
async function waitForGraph(url: string, nodes: number, scrapeSeconds: number): Promise<void> {
  const until = Date.now() + 180_000 + 8 * scrapeSeconds * 1000;
  let last = -1;
  for (;;) {
    const res = await fetch(`${url}api/v1/graph?namespaces=all`).catch(() => undefined);
    const body = res?.ok
      ? ((await res.json()) as { nodes: unknown[]; edges: unknown[] })
      : undefined;
    const edges = body && body.nodes.length >= nodes ? body.edges.length : -1;
    if (edges > 0 && edges === last) return;
    last = edges;
    if (Date.now() > until) throw new Error('the API never served the whole graph with traffic');
    await new Promise((r) => setTimeout(r, scrapeSeconds * 1000));
  }
}

interface Row {
  workloads: number;
  nodes: number;
  edges: number;
  shown: number;
  dataMs: number;
  paintMs: number;
  layoutMs: number;
  /** The API's layout engine's share of the layout wait (Server-Timing), NaN if the tab laid out. */
  engineMs: number;
  revisitPaintMs: number;
  fps: number;
  frameP95Ms: number;
  changed: number;
  firstRenders: number;
  renders: number;
  filterRenders: number;
}

interface Answer {
  nodes: { id: string }[];
  edges: { id: string }[];
}

/**
 * Records, in the page, the first frame in which a graph node is painted
 * (react-flow keeps nodes hidden until it has measured them).
 */
const FIRST_PAINT = `
  window.graphPaint_ = undefined;
  const look = (t) => {
    const n = document.querySelector('.react-flow__node-workload, .react-flow__node-collapsed');
    if (n && getComputedStyle(n).visibility !== 'hidden') window.graphPaint_ = t;
    else requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
`;

/** Graph answer end (resource timing) and the first painted node, in page time. */
async function paintTiming(
  page: Page,
): Promise<{ data: number; paint: number; layout: number; engine: number }> {
  // Polled from here: the page's CSP forbids the eval that waitForFunction needs.
  const until = Date.now() + 180_000;
  while ((await page.evaluate('window.graphPaint_')) === undefined) {
    if (Date.now() > until) throw new Error('the graph never painted');
    await new Promise((r) => setTimeout(r, 100));
  }
  return (await page.evaluate(`({
    paint: window.graphPaint_,
    layout: performance.getEntriesByName('meshviz:layout')[0]?.duration ?? 0,
    engine: performance.getEntriesByType('resource')
      .filter((e) => e.name.includes('/api/v1/layout'))[0]?.serverTiming?.find((t) => t.name === 'layout')?.duration ?? NaN,
    data: performance.getEntriesByType('resource')
      .filter((e) => e.name.includes('/api/v1/graph'))[0]?.responseEnd ?? NaN,
  })`)) as { data: number; paint: number; layout: number; engine: number };
}

const renders = async (page: Page) =>
  (await page.evaluate(
    'window.meshvizGraphRenders.nodes + window.meshvizGraphRenders.edges',
  )) as number;

/** Elements of `b` whose numbers differ from `a`'s (or that are new). */
function changedBetween(a: Answer, b: Answer): number {
  const before = new Map([...a.nodes, ...a.edges].map((x) => [x.id, JSON.stringify(x)]));
  return [...b.nodes, ...b.edges].filter((x) => before.get(x.id) !== JSON.stringify(x)).length;
}

async function measure(
  workloads: number,
  subnet: number,
  scrapeSeconds: number,
  meshArgs: string[],
): Promise<Row> {
  const stack = await startSyntheticStack(workloads, subnet, dist, scrapeSeconds, meshArgs);
  try {
    const url = `${stack.url}/`;
    await waitForGraph(url, workloads, scrapeSeconds);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.addInitScript(FIRST_PAINT);
      const isGraph = (r: { url(): string }) => new URL(r.url()).pathname === '/api/v1/graph';
      const graph = page.waitForResponse(isGraph, { timeout: 180_000 });
      // Live, as a user opens it: the page refreshes every 10 s.
      await page.goto(`${url}graph`);
      const first = (await (await graph).json()) as Answer;
      const timing = await paintTiming(page);
      await page.waitForTimeout(1500);
      const firstRenders = await renders(page);

      // One refresh: renders against elements whose numbers changed in the answer.
      const before = await renders(page);
      const next = (await (
        await page.waitForResponse(isGraph, { timeout: 60_000 })
      ).json()) as Answer;
      await page.waitForTimeout(1500);
      const refreshRenders = (await renders(page)) - before;
      const shown = await page.locator('.react-flow__node').count();

      // A filter toggled: nodes leave, nobody else should render.
      const beforeFilter = await renders(page);
      await page.getByRole('checkbox', { name: 'Hide idle' }).click();
      await page.waitForTimeout(1000);
      const filterRenders = (await renders(page)) - beforeFilter;
      await page.getByRole('checkbox', { name: 'Hide idle' }).click();
      await page.waitForTimeout(1000);

      // Pan: drag the canvas back and forth for ~3 s while counting frames.
      const box = await page.locator('.react-flow__pane').boundingBox();
      if (!box) throw new Error('no graph pane');
      // A string, not a function: tsx would wrap named functions in helpers the page lacks.
      await page.evaluate(`
        window.frames_ = [];
        const tick = (t) => {
          window.frames_.push(t);
          if (window.frames_.length < 100000) requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      `);
      const cx = box.x + box.width / 2;
      const cy = box.y + box.height / 2;
      await page.mouse.move(cx, cy);
      await page.mouse.down();
      for (let i = 0; i < 6; i++) {
        await page.mouse.move(cx + (i % 2 ? -300 : 300), cy + (i % 2 ? -150 : 150), { steps: 30 });
      }
      await page.mouse.up();
      const frames = (await page.evaluate('window.frames_')) as number[];
      const gaps = frames.slice(1).map((t, i) => t - (frames[i] ?? t));
      const seconds = ((frames.at(-1) ?? 0) - (frames[0] ?? 0)) / 1000;

      // A revisit in the same tab: the drawing comes from the session, not the layout worker.
      await page.reload();
      const again = await paintTiming(page);
      return {
        workloads,
        nodes: first.nodes.length,
        edges: first.edges.length,
        shown,
        dataMs: timing.data,
        paintMs: timing.paint - timing.data,
        layoutMs: timing.layout,
        engineMs: timing.engine,
        revisitPaintMs: again.paint - again.data,
        fps: gaps.length / seconds,
        frameP95Ms: quantile(gaps, 0.95),
        changed: changedBetween(first, next),
        firstRenders,
        renders: refreshRenders,
        filterRenders,
      };
    } finally {
      await browser.close();
    }
  } finally {
    stack.stop();
  }
}

/** Gzipped size of the JS the browser loads before the first view: entry script and its preloads. */
function initialBundle(): { initialKiB: number; totalKiB: number; files: number } {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const initial = [...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+\.js)"/g)].map(
    (m) => m[1] ?? '',
  );
  const gz = (f: string) => gzipSync(readFileSync(join(dist, f))).length / 1024;
  const all = readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.js'));
  return {
    initialKiB: initial.reduce((s, f) => s + gz(f), 0),
    totalKiB: all.reduce((s, f) => s + gz(`assets/${f}`), 0),
    files: initial.length,
  };
}

export async function webGraph(short: boolean): Promise<string> {
  if (!statSync(join(dist, 'index.html'), { throwIfNoEntry: false }))
    throw new Error('build the web app first (npm run build)');
  // 5,000 workloads: a 30 s scrape interval and a tenth of the request rate, which the
  // demo mesh simulates request by request on one core (25,000 a second at full rate,
  // more than it keeps up with). The graph has the same nodes and edges either way.
  const sizes: [number, number, string[]][] = short
    ? [[100, 10, []]]
    : [
        [100, 10, []],
        [1000, 10, []],
        [5000, 30, ['--rps-scale', '0.1']],
      ];
  const only = process.env.MESHVIZ_BENCH_SIZES?.split(',').map(Number);
  const rows: Row[] = [];
  for (const [n, scrape, meshArgs] of sizes)
    if (!only || only.includes(n)) rows.push(await measure(n, 82, scrape, meshArgs));
  const bundle = initialBundle();
  return [
    'service graph in Chromium (/graph, all namespaces, live; collapsed by namespace above 1,500 workloads)',
    "paint: from the graph answer's arrival to the first painted node, of which layout: the wait for the",
    "layout (the API's, Server-Timing in brackets: its engine's share; or the tab's own worker);",
    'revisit: paint after a reload (kept drawing)',
    'renders: node and edge components rendered (on screen only, above 200 elements);',
    'refresh: elements whose numbers changed in the next answer, and node and edge renders it caused',
    'filter: renders caused by ticking "Hide idle"; pan = 6 drags of 30 steps',
    table(
      [
        'workloads',
        'nodes',
        'edges',
        'drawn',
        'graph data ms',
        'paint ms',
        'layout ms (API engine)',
        'revisit paint ms',
        'pan fps',
        'frame p95 ms',
        'renders at paint',
        'changed/refresh',
        'renders/refresh',
        'renders/filter',
      ],
      rows.map((r) => [
        r.workloads,
        r.nodes,
        r.edges,
        r.shown,
        r.dataMs.toFixed(0),
        r.paintMs.toFixed(0),
        `${r.layoutMs.toFixed(0)} (${Number.isNaN(r.engineMs) ? 'tab' : r.engineMs.toFixed(0)})`,
        r.revisitPaintMs.toFixed(0),
        r.fps.toFixed(1),
        r.frameP95Ms.toFixed(1),
        r.firstRenders,
        r.changed,
        r.renders,
        r.filterRenders,
      ]),
    ),
    '',
    'JS bundle (gzip)',
    table(
      ['initial files', 'initial KiB', 'all chunks KiB (incl. layout worker)'],
      [[bundle.files, bundle.initialKiB.toFixed(1), bundle.totalKiB.toFixed(1)]],
    ),
  ].join('\n');
}
