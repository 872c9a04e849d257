/**
 * The dashboard in Chromium on a synthetic mesh: time to the first graph
 * render, frame rate while panning the graph, and the initial JS bundle.
 * Demo mesh + API (embedded metrics) + the built SPA, as `npm start` runs them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { quantile, startSyntheticStack, table } from './lib';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'apps/web/dist');
const CHROMIUM = process.env.MESHVIZ_CHROMIUM ?? '/usr/bin/chromium';

async function waitForGraph(url: string, nodes: number): Promise<void> {
  const until = Date.now() + 120_000;
  for (;;) {
    const res = await fetch(`${url}api/v1/graph?namespaces=all`).catch(() => undefined);
    const body = res?.ok ? ((await res.json()) as { nodes: { rps: number | null }[] }) : undefined;
    if (body && body.nodes.length >= nodes && body.nodes.some((n) => n.rps !== null)) return;
    if (Date.now() > until) throw new Error('the API never served the graph with traffic');
    await new Promise((r) => setTimeout(r, 2000));
  }
}

interface Row {
  workloads: number;
  nodes: number;
  edges: number;
  dataMs: number;
  firstRenderMs: number;
  fps: number;
  frameP95Ms: number;
}

async function measure(workloads: number, subnet: number): Promise<Row> {
  const stack = await startSyntheticStack(workloads, subnet, dist);
  try {
    const url = `${stack.url}/`;
    await waitForGraph(url, workloads);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const graph = page.waitForResponse((r) => r.url().includes('/api/v1/graph'));
      await page.goto(`${url}graph?refresh=off`);
      const body = (await (await graph).json()) as { nodes: unknown[]; edges: unknown[] };
      await page.locator('.react-flow__node-workload').first().waitFor({ timeout: 120_000 });
      const timing = (await page.evaluate(`({
        firstRender: performance.now(),
        data: performance.getEntriesByType('resource')
          .find((e) => e.name.includes('/api/v1/graph'))?.responseEnd ?? NaN,
      })`)) as { firstRender: number; data: number };
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
      return {
        workloads,
        nodes: body.nodes.length,
        edges: body.edges.length,
        dataMs: timing.data,
        firstRenderMs: timing.firstRender,
        fps: gaps.length / seconds,
        frameP95Ms: quantile(gaps, 0.95),
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
  const sizes = short ? [100] : [100, 1000];
  const rows: Row[] = [];
  for (const n of sizes) rows.push(await measure(n, 82));
  const bundle = initialBundle();
  return [
    'service graph in Chromium (/graph, all namespaces; pan = 6 drags of 30 steps)',
    table(
      [
        'workloads',
        'nodes',
        'edges',
        'graph data ms',
        'first render ms',
        'pan fps',
        'frame p95 ms',
      ],
      rows.map((r) => [
        r.workloads,
        r.nodes,
        r.edges,
        r.dataMs.toFixed(0),
        r.firstRenderMs.toFixed(0),
        r.fps.toFixed(1),
        r.frameP95Ms.toFixed(1),
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
