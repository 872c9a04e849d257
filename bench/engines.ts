/**
 * The embedded engine against Prometheus, side by side on one synthetic mesh
 * of realistic proxies: the API in embedded mode, the API in Prometheus
 * mode, and Debian's Prometheus (1 h retention) scraping the same proxies
 * every 10 s. After the soak, the uncached latency of every page's answer in
 * both modes (in Prometheus mode against its slowest PromQL query), then 50
 * viewers polling every page every 2 s against one.
 *
 * The APIs run as shipped (`node dist/api/main.js`, built first). A
 * recording proxy in front of Prometheus times every PromQL query the
 * Prometheus-mode API sends. While the embedded API answers, Prometheus is
 * held still (SIGSTOP), and the embedded API while the Prometheus-mode one
 * answers, as a cluster runs one or the other.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  serverTimingEntries,
  startPrometheus,
  type RunningPrometheus,
} from '@meshviz/test-support';
import {
  cpuSeconds,
  quantile,
  rssMiB,
  startScript,
  startSyntheticMesh,
  stopProcess,
  table,
} from './lib';

const root = fileURLToPath(new URL('..', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Times the queries passing through to Prometheus, so answers can be set against them. */
class RecordingProxy {
  private server: Server | undefined;
  queries = 0;
  /** Durations (ms) of queries finished or given up on since the last `take()`. */
  private durations: number[] = [];
  /** Of those, the queries the API gave up on (its timeout) before Prometheus answered. */
  private givenUp = 0;
  /** Queries passing through now. */
  private open = 0;

  async start(target: string): Promise<string> {
    const upstream = new URL(target);
    this.server = createServer((req, res) => {
      const began = performance.now();
      this.open++;
      res.on('close', () => this.open--);
      const out = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
          up.on('end', () => {
            if (req.url?.startsWith('/api/v1/query')) {
              this.queries++;
              this.durations.push(performance.now() - began);
            }
          });
        },
      );
      out.on('error', () => res.destroy());
      // A query the API gave up on (its timeout) is given up upstream too, as a direct
      // connection would be: otherwise Prometheus goes on computing it for no one.
      // Such a query took the API as long as it waited for it: it counts, with its time.
      res.on('close', () => {
        if (res.writableFinished) return;
        out.destroy();
        if (req.url?.startsWith('/api/v1/query')) {
          this.queries++;
          this.givenUp++;
          this.durations.push(performance.now() - began);
        }
      });
      req.pipe(out);
    });
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  /**
   * Once every query passing through has ended: a query the API gave up on ends here when
   * its connection closes, which can come after the API has sent its answer.
   */
  async settled(): Promise<void> {
    const until = performance.now() + 2000;
    while (this.open > 0 && performance.now() < until) await sleep(10);
  }

  take(): { durations: number[]; givenUp: number } {
    const taken = { durations: this.durations, givenUp: this.givenUp };
    this.durations = [];
    this.givenUp = 0;
    return taken;
  }

  stop(): void {
    this.server?.close();
  }
}

/**
 * The Node flags the image starts the API with: those between `node` and
 * `api/main.js` in the Dockerfile's ENTRYPOINT.
 */
function shippedNodeFlags(): string[] {
  const dockerfile = readFileSync(`${root}/Dockerfile`, 'utf8');
  const entrypoint = /^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(dockerfile)?.[1];
  const argv = entrypoint ? (JSON.parse(entrypoint) as string[]) : [];
  const main = argv.indexOf('api/main.js');
  if (main < 1) throw new Error('the Dockerfile has no ENTRYPOINT ["node", ..., "api/main.js"]');
  return argv.slice(1, main);
}

/** The API as shipped: the built bundle under plain Node, with the image's Node flags. */
async function startApi(args: string[]): Promise<[ChildProcess, string]> {
  const [child, url] = await startScript(
    'dist/api/main.js',
    ['--listen', '127.0.0.1:0', '--web-dist', '/nonexistent', ...args],
    /^meshviz: (\S+)$/,
    shippedNodeFlags(),
  );
  return [child, url.replace(/\/$/, '')];
}

function build(): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], {
    cwd: root,
    stdio: 'ignore',
  });
  return new Promise((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`build exited ${code}`)),
    ),
  );
}

/** Every page of the dashboard, as a browser asks for them. */
function pages(namespace: string, workload: string): Record<string, string> {
  const subject = `namespace=${namespace}&kind=deployments&name=${workload}`;
  return {
    namespaces: '/api/v1/namespaces',
    workloads: `/api/v1/namespaces/${namespace}/workloads`,
    'workload detail': `/api/v1/namespaces/${namespace}/deployments/${workload}`,
    graph: '/api/v1/graph?namespaces=all',
    routes: `/api/v1/routes?${subject}`,
    timeseries: `/api/v1/timeseries?${subject}`,
    mtls: '/api/v1/mtls',
    findings: '/api/v1/findings',
  };
}

async function get(url: string): Promise<number> {
  return (await timed(url)).ms;
}

/**
 * An answer's time here, and as the API timed it (its `Server-Timing`): the
 * answer from its arrival to its sending, and its slowest metrics query.
 */
async function timed(url: string): Promise<{ ms: number; answerMs: number; queryMs: number }> {
  const began = performance.now();
  const res = await fetch(url);
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  const ms = performance.now() - began;
  const timing = serverTimingEntries(res.headers.get('server-timing'));
  return {
    ms,
    answerMs: timing.get('answer')?.dur ?? Number.NaN,
    queryMs: timing.get('query')?.dur ?? Number.NaN,
  };
}

/**
 * Collections of the API's V8 heap so far, from prom-client's default histogram: how many,
 * how many paused for more than 100 ms, and their total seconds.
 */
function gcPauses(text: string): { count: number; over100ms: number; seconds: number } {
  const count = metric(text, 'meshviz_nodejs_gc_duration_seconds_count');
  let within = 0;
  for (const m of text.matchAll(
    /^meshviz_nodejs_gc_duration_seconds_bucket\{[^}]*le="0\.1"[^}]*\} (\S+)$/gm,
  ))
    within += Number(m[1]);
  return {
    count,
    over100ms: count - within,
    seconds: metric(text, 'meshviz_nodejs_gc_duration_seconds_sum'),
  };
}

function metric(text: string, name: string): number {
  let sum = 0;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm')))
    sum += Number(m[1]);
  return sum;
}

interface Usage {
  rss: number;
  cores: number;
}

interface SizeResult {
  workloads: number;
  proxies: number;
  rawSeries: number;
  minutes: number;
  embedded: Usage;
  promApi: Usage;
  prometheus: Usage;
  store: { series: number; bytes: number; projected: number; bytesPerSample: number };
  latency: {
    page: string;
    /** The page's first answer in the embedded API: its code's first run (and, for the graph, the layout engine's start). */
    first: number;
    /** The page's first answer in the Prometheus-mode API (its code's first run there), and its ratio in the API. */
    prometheusFirst: { ms: number; apiRatio: number };
    /** From the first answer until the layout engine had nothing left to do (its practice). */
    layoutSettleMs: number;
    embedded: number[];
    prometheus: number[];
    worstRatio: number;
    /** The most time an answer took beyond its slowest query, ms. */
    worstOverMs: number;
    /** The same two as the API timed them (its Server-Timing): without the HTTP on either side. */
    apiWorstRatio: number;
    apiWorstOverMs: number;
    /** Queries the Prometheus-mode API gave up on at its timeout, over all its answers. */
    givenUp: number;
  }[];
  /** The embedded API's heap collections while it computed the uncached answers. */
  answerGc: { count: number; over100ms: number; seconds: number };
  load?: LoadResult[];
  /** Prometheus's largest RSS, and the phase in which it passed the machine's guard (it is then stopped). */
  prometheusPeakMiB: number;
  prometheusStopped?: string;
}

/** After a held process (Prometheus, the embedded API) is let run again: a rate window of scrapes before its answers are timed. */
const RESUME_SECONDS = 90;

/**
 * Past this RSS Prometheus is stopped, so the machine (24 GiB) keeps running the rest: the
 * mesh, both APIs and the bench take under 5 GiB at 1,000 workloads.
 */
const PROMETHEUS_GUARD_MIB = 18 * 1024;

interface LoadResult {
  mode: string;
  viewers: number;
  upstreamPerSecond: number;
  p50: number;
  p99: number;
  rssStart: number;
  /** A minute into the run, when every answer has been computed and serialized a few times. */
  rssWarm: number;
  rssPeak: number;
  rssEnd: number;
  /**
   * The highest RSS in each half of the run after its first minute: V8's heap rises and
   * falls between collections, so flat means the later peaks no higher than the earlier.
   */
  warmPeaks: [number, number];
  /**
   * The lowest RSS in each half after the first minute: the heap just after its full
   * collections, what the process keeps. Memory that is held and never given back
   * raises it; the rise and fall between collections does not.
   */
  warmLows: [number, number];
  /**
   * The lowest V8 heap in use in each half after the first minute, from the API's own
   * /metrics once a second: what its objects hold once collected, without the allocator's
   * and the young generation's pages that RSS also counts.
   */
  heapLows: [number, number];
  /** The young generation's size at the end (MiB): it grows under load up to its limit, once. */
  youngEnd: number;
  /**
   * The V8 heap in use just after each full collection (the API's `meshviz_heap_live_bytes`)
   * in each half after the first minute, their mean: what its objects keep, with no garbage.
   */
  liveHeap: [number, number];
  /** Full collections in each half. */
  fullCollections: [number, number];
  /** Why the run ended early: the API stopped answering. */
  failed?: string;
}

const FAILED_LOAD: Omit<LoadResult, 'mode' | 'viewers'> = {
  upstreamPerSecond: Number.NaN,
  p50: Number.NaN,
  p99: Number.NaN,
  rssStart: Number.NaN,
  rssWarm: Number.NaN,
  rssPeak: Number.NaN,
  rssEnd: Number.NaN,
  warmPeaks: [Number.NaN, Number.NaN],
  warmLows: [Number.NaN, Number.NaN],
  heapLows: [Number.NaN, Number.NaN],
  youngEnd: Number.NaN,
  liveHeap: [Number.NaN, Number.NaN],
  fullCollections: [0, 0],
};

const peakOf = (xs: number[]) => (xs.length > 0 ? Math.max(...xs) : Number.NaN);
const lowOf = (xs: number[]) => (xs.length > 0 ? Math.min(...xs) : Number.NaN);
/** A figure of each half of a run's samples. */
const halves = (xs: number[], of: (half: number[]) => number): [number, number] => [
  of(xs.slice(0, xs.length >> 1)),
  of(xs.slice(xs.length >> 1)),
];

/** The mean heap left by the full collections before and after `middle` (ms into the run), and their counts. */
function liveHeapHalves(
  collections: [number, number][],
  middle: number,
): Pick<LoadResult, 'liveHeap' | 'fullCollections'> {
  const first = collections.filter(([at]) => at < middle).map(([, mib]) => mib);
  const second = collections.filter(([at]) => at >= middle).map(([, mib]) => mib);
  const mean = (xs: number[]) =>
    xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN;
  return { liveHeap: [mean(first), mean(second)], fullCollections: [first.length, second.length] };
}

async function loadRun(
  mode: string,
  api: ChildProcess,
  url: string,
  paths: string[],
  viewers: number,
  seconds: number,
  upstream: () => Promise<number>,
): Promise<LoadResult> {
  const pid = api.pid ?? 0;
  const times: number[] = [];
  const rssStart = rssMiB(pid);
  const q0 = await upstream();
  const t0 = Date.now();
  const until = t0 + seconds * 1000;
  let rssWarm = Number.NaN;
  let rssPeak = rssStart;
  const warm: number[] = [];
  const heapWarm: number[] = [];
  let young = Number.NaN;
  /** Per full collection after the first minute: when (ms into the run) and the heap it left (MiB). */
  const collections: [number, number][] = [];
  let fullSeen = Number.NaN;
  const heap = async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    young = metric(text, 'meshviz_nodejs_heap_space_size_total_bytes\\{space="new"\\}') / 2 ** 20;
    const full = metric(text, 'meshviz_heap_full_collections_total');
    if (full > fullSeen)
      collections.push([Date.now() - t0, metric(text, 'meshviz_heap_live_bytes') / 2 ** 20]);
    fullSeen = full;
    return metric(text, 'meshviz_nodejs_heap_size_used_bytes') / 2 ** 20;
  };
  const sampler = setInterval(() => {
    const rss = rssMiB(pid);
    rssPeak = Math.max(rssPeak, rss);
    if (Date.now() - t0 >= 60_000) {
      if (Number.isNaN(rssWarm)) rssWarm = rss;
      warm.push(rss);
      heap().then(
        (used) => heapWarm.push(used),
        () => undefined,
      );
    }
  }, 1000);
  // A browser's page polls each of its queries on its own (react-query's refetchInterval):
  // a slow answer holds back its own next poll, not the other pages'.
  const poll = async (path: string) => {
    while (Date.now() < until) {
      const began = Date.now();
      times.push(await get(`${url}${path}`));
      await sleep(Math.max(0, 2000 - (Date.now() - began)));
    }
  };
  const viewer = async (offset: number) => {
    await sleep(offset);
    await Promise.all(paths.map(poll));
  };
  try {
    await Promise.all(Array.from({ length: viewers }, (_, i) => viewer((i * 2000) / viewers)));
  } finally {
    clearInterval(sampler);
  }
  const elapsed = (Date.now() - t0) / 1000;
  return {
    mode,
    viewers,
    upstreamPerSecond: ((await upstream()) - q0) / elapsed,
    p50: quantile(times, 0.5),
    p99: quantile(times, 0.99),
    rssStart,
    rssWarm,
    rssPeak,
    rssEnd: rssMiB(pid),
    warmPeaks: halves(warm, peakOf),
    warmLows: halves(warm, lowOf),
    heapLows: halves(heapWarm, lowOf),
    youngEnd: young,
    ...liveHeapHalves(collections, 60_000 + (until - t0 - 60_000) / 2),
  };
}

async function measure(
  workloads: number,
  replicas: number,
  minutes: number,
  samples: { embedded: number; prometheus: number },
  warmupSeconds: number,
  load: { viewers: number; seconds: number; baselineSeconds: number } | undefined,
): Promise<SizeResult> {
  const [mesh, kubeconfig] = await startSyntheticMesh(workloads, replicas, 84);
  const cleanup: (() => unknown)[] = [() => stopProcess(mesh, 'the demo mesh')];
  try {
    const promConfig = kubeconfig.replace(/kubeconfig\.yaml$/, 'prometheus.yml');
    const prom: RunningPrometheus = await startPrometheus(promConfig);
    cleanup.push(() => prom.stop());
    const proxy = new RecordingProxy();
    const proxyUrl = await proxy.start(prom.url);
    cleanup.push(() => proxy.stop());
    const [embedded, embeddedUrl] = await startApi(['--kubeconfig', kubeconfig]);
    cleanup.push(() => stopProcess(embedded, 'the embedded-mode API'));
    const [promApi, promApiUrl] = await startApi([
      '--kubeconfig',
      kubeconfig,
      '--prometheus-url',
      proxyUrl,
    ]);
    cleanup.push(() => stopProcess(promApi, 'the Prometheus-mode API'));
    const pids = { embedded: embedded.pid ?? 0, promApi: promApi.pid ?? 0, prom: prom.pid };
    let phase = 'warm-up';
    let prometheusPeakMiB = 0;
    let prometheusStopped: string | undefined;
    const guard = setInterval(() => {
      if (prometheusStopped) return;
      const rss = rssMiB(pids.prom);
      prometheusPeakMiB = Math.max(prometheusPeakMiB, rss);
      if (rss > PROMETHEUS_GUARD_MIB) {
        prometheusStopped = phase;
        void prom.stop();
      }
    }, 1000);
    cleanup.push(() => clearInterval(guard));
    /**
     * Prometheus is held still (SIGSTOP) while the embedded API answers: the two are
     * alternatives, and at 1,000 workloads Prometheus's collections took most of a core and
     * made the embedded answers' tail that of the machine. Once it runs again, it scrapes
     * for a rate window before its own answers are timed.
     */
    const holdPrometheus = async (held: boolean) => {
      if (prometheusStopped || !pids.prom) return;
      process.kill(pids.prom, held ? 'SIGSTOP' : 'SIGCONT');
      if (!held) await sleep(RESUME_SECONDS * 1000);
    };
    cleanup.push(() => {
      if (!prometheusStopped && pids.prom) process.kill(pids.prom, 'SIGCONT');
    });
    /**
     * In turn, the embedded API is held still while the Prometheus-mode API answers: its
     * scrapes of every proxy, and the mesh answering them, would share the two cores with the
     * answers timed, as no cluster running Prometheus mode has them do.
     */
    let embeddedHeld = false;
    const holdEmbedded = async (held: boolean) => {
      if (held === embeddedHeld || !pids.embedded) return;
      embeddedHeld = held;
      process.kill(pids.embedded, held ? 'SIGSTOP' : 'SIGCONT');
      if (!held) await sleep(RESUME_SECONDS * 1000);
    };

    // Time to start up and fill the rate windows, then the soak: nothing asks the APIs, so
    // their CPU is ingest and informers.
    await sleep(warmupSeconds * 1000);
    const cpu0 = {
      embedded: cpuSeconds(pids.embedded),
      promApi: cpuSeconds(pids.promApi),
      prom: cpuSeconds(pids.prom),
    };
    const t0 = Date.now();
    phase = 'soak';
    await sleep(minutes * 60_000);
    const elapsed = (Date.now() - t0) / 1000;
    const usage = (pid: number, cpu: number): Usage => ({
      rss: rssMiB(pid),
      cores: (cpuSeconds(pid) - cpu) / elapsed,
    });
    const result: Omit<
      SizeResult,
      'latency' | 'answerGc' | 'store' | 'rawSeries' | 'proxies' | 'prometheusPeakMiB'
    > = {
      workloads,
      minutes,
      embedded: usage(pids.embedded, cpu0.embedded),
      promApi: usage(pids.promApi, cpu0.promApi),
      prometheus: usage(pids.prom, cpu0.prom),
    };
    const self = await (await fetch(`${embeddedUrl}/metrics`)).text();
    const store = {
      series: metric(self, 'meshviz_embedded_series'),
      bytes: metric(self, 'meshviz_embedded_bytes'),
      projected: metric(self, 'meshviz_embedded_projected_bytes'),
      bytesPerSample: metric(self, 'meshviz_embedded_bytes_per_sample'),
    };
    const rawSeries =
      (await prom.scalar('sum(scrape_samples_scraped)').catch(() => undefined)) ?? 0;
    const proxies = (await prom.scalar('count(up == 1)').catch(() => undefined)) ?? 0;

    const paths = pages('synth-00', 'cart-0000');
    // Each mode is measured on its own, so that neither answers while the other's queries
    // hold the two cores: interleaved, an embedded answer could land in a Go collection of
    // Prometheus after a 15 s query. Prometheus keeps scraping throughout.
    phase = 'uncached answers';
    await holdPrometheus(true);
    const gcBefore = gcPauses(await (await fetch(`${embeddedUrl}/metrics`)).text());
    // A window of its own (61 s, 62 s, ...) gives every request its own answer and queries,
    // so nothing comes from the APIs' caches and each one computes.
    let fresh = 0;
    const uncached = (path: string) =>
      `${path}${path.includes('?') ? '&' : '?'}window=${61 + fresh++}s`;
    const latency: SizeResult['latency'] = [];
    for (const [page, path] of Object.entries(paths)) {
      // The first answer of a page pays once for what any later one finds ready (its code
      // compiled; for the graph, the layout engine's thread starting and practising): it is
      // shown on its own, not among the samples.
      const first = await get(`${embeddedUrl}${uncached(path)}`);
      await sleep(2000);
      // The first graph request starts the layout engine's thread, whose warm-up practice
      // takes a core for some seconds: the answers are timed after it, as a viewer's are
      // after the first minutes, and its length is shown with the first answer.
      const settled = performance.now();
      while (
        metric(
          await (await fetch(`${embeddedUrl}/metrics`)).text(),
          'meshviz_graph_layouts_in_progress',
        ) > 0
      )
        await sleep(250);
      const row = {
        page,
        first,
        prometheusFirst: { ms: Number.NaN, apiRatio: Number.NaN },
        layoutSettleMs: performance.now() - settled + 2000,
        embedded: [] as number[],
        prometheus: [] as number[],
        worstRatio: 0,
        worstOverMs: 0,
        apiWorstRatio: 0,
        apiWorstOverMs: 0,
        givenUp: 0,
      };
      for (let i = 0; i < samples.embedded; i++) {
        row.embedded.push(await get(`${embeddedUrl}${uncached(path)}`));
        await sleep(300);
      }
      latency.push(row);
    }
    const gcAfter = gcPauses(await (await fetch(`${embeddedUrl}/metrics`)).text());
    const answerGc = {
      count: gcAfter.count - gcBefore.count,
      over100ms: gcAfter.over100ms - gcBefore.over100ms,
      seconds: gcAfter.seconds - gcBefore.seconds,
    };
    await holdEmbedded(true);
    await holdPrometheus(false);
    for (const row of latency) {
      const path = paths[row.page] ?? '';
      // As in the embedded API, the page's first answer compiles the code only it runs (and
      // the API's first answer of all builds its view of the cluster): shown on its own.
      proxy.take();
      const first = await timed(`${promApiUrl}${uncached(path)}`);
      await proxy.settled();
      row.givenUp += proxy.take().givenUp;
      row.prometheusFirst = { ms: first.ms, apiRatio: first.answerMs / first.queryMs };
      await sleep(500);
      for (let i = 0; i < samples.prometheus; i++) {
        proxy.take();
        const { ms, answerMs, queryMs } = await timed(`${promApiUrl}${uncached(path)}`);
        await proxy.settled();
        row.prometheus.push(ms);
        if (queryMs > 0) {
          row.apiWorstRatio = Math.max(row.apiWorstRatio, answerMs / queryMs);
          row.apiWorstOverMs = Math.max(row.apiWorstOverMs, answerMs - queryMs);
        }
        const { durations, givenUp } = proxy.take();
        row.givenUp += givenUp;
        const slowest = Math.max(...durations);
        if (slowest > 0) {
          row.worstRatio = Math.max(row.worstRatio, ms / slowest);
          row.worstOverMs = Math.max(row.worstOverMs, ms - slowest);
        }
        await sleep(500);
      }
    }

    let loads: LoadResult[] | undefined;
    if (load) {
      const list = Object.values(paths);
      const embeddedUpstream = async () =>
        metric(
          await (await fetch(`${embeddedUrl}/metrics`)).text(),
          'meshviz_upstream_query_duration_seconds_count',
        );
      const promUpstream = async () => proxy.queries;
      loads = [];
      phase = 'viewers';
      for (const [mode, api, url, upstream] of [
        ['embedded', embedded, embeddedUrl, embeddedUpstream],
        ['Prometheus', promApi, promApiUrl, promUpstream],
      ] as const) {
        await holdPrometheus(mode === 'embedded');
        await holdEmbedded(mode !== 'embedded');
        for (const [viewers, seconds] of [
          [1, load.baselineSeconds],
          [load.viewers, load.seconds],
        ] as const) {
          // An API that stops answering (or exits) is a result to print, with the rest.
          try {
            loads.push(await loadRun(mode, api, url, list, viewers, seconds, upstream));
          } catch (err) {
            // fetch's own error says only "fetch failed": the cause names the socket's fate.
            const cause = err instanceof Error && err.cause ? `: ${String(err.cause)}` : '';
            const alive = api.exitCode === null && api.signalCode === null;
            loads.push({
              ...FAILED_LOAD,
              mode,
              viewers,
              failed: `${String(err)}${cause} (the API ${alive ? 'still running' : 'had exited'})`,
            });
          }
        }
      }
    }
    return {
      ...result,
      proxies,
      rawSeries,
      store,
      latency,
      answerGc,
      prometheusPeakMiB,
      ...(prometheusStopped ? { prometheusStopped } : {}),
      ...(loads ? { load: loads } : {}),
    };
  } finally {
    for (const c of cleanup.reverse()) await c();
  }
}

const f0 = (n: number) => n.toFixed(0);
const f1 = (n: number) => n.toFixed(1);
const f2 = (n: number) => n.toFixed(2);
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);

function report(results: SizeResult[]): string {
  const out: string[] = [];
  out.push(
    'Side by side on one synthetic mesh; CPU averaged over the soak (no requests), RSS at its end.',
  );
  out.push(
    table(
      [
        'workloads',
        'proxies',
        'raw series',
        'soak min',
        'embedded API RSS MiB / cores',
        'Prometheus-mode API RSS MiB / cores',
        'Prometheus RSS MiB / cores',
        '(embedded - Prom-mode API) / Prometheus RSS',
        'ingest CPU / Prometheus CPU',
      ],
      results.map((r) => [
        r.workloads,
        r.proxies,
        r.rawSeries,
        r.minutes,
        `${f0(r.embedded.rss)} / ${f2(r.embedded.cores)}`,
        `${f0(r.promApi.rss)} / ${f2(r.promApi.cores)}`,
        `${f0(r.prometheus.rss)} / ${f2(r.prometheus.cores)}`,
        f2((r.embedded.rss - r.promApi.rss) / r.prometheus.rss),
        f2((r.embedded.cores - r.promApi.cores) / r.prometheus.cores),
      ]),
    ),
  );
  out.push('', 'Embedded store (its own /metrics): now, and projected to the 1 h retention');
  out.push(
    table(
      ['workloads', 'reduced series', 'bytes/sample', 'store MiB now', 'store MiB at 1 h'],
      results.map((r) => [
        r.workloads,
        r.store.series,
        r.store.bytesPerSample.toFixed(2),
        mib(r.store.bytes),
        mib(r.store.projected),
      ]),
    ),
  );
  for (const r of results) {
    out.push(
      '',
      `Prometheus's largest RSS at ${r.workloads} workloads: ${f0(r.prometheusPeakMiB)} MiB`,
    );
    if (r.prometheusStopped)
      out.push(
        `Prometheus passed ${f0(PROMETHEUS_GUARD_MIB)} MiB during the ${r.prometheusStopped} phase and was stopped: Prometheus-mode figures from then on are not valid.`,
      );
    out.push(
      '',
      `Uncached answers at ${r.workloads} workloads, ms: each page's first answer in each mode (the code only that page runs compiles then; in Prometheus mode with its answer / slowest query in the API), then p50/p95 of the next ones (and, in Prometheus mode, the worst answer / its slowest PromQL query, and the most an answer took beyond its slowest query: first as the bench timed them, the answer here and the query at a recording proxy in front of Prometheus, then as the API timed both in its Server-Timing header, without the HTTP hops on either side; a query the API gave up on at its 15 s timeout counts with the time it waited, and the queries given up on are counted)`,
    );
    out.push(
      table(
        [
          'page',
          'embedded first',
          'Prometheus mode first (in the API: answer / slowest query)',
          'layout engine busy',
          'embedded p50/p95',
          'Prometheus mode p50/p95',
          'answer / slowest query',
          'beyond it, ms',
          'in the API: answer / slowest query',
          'beyond it, ms',
          'queries given up',
        ],
        r.latency.map((l) => [
          l.page,
          f0(l.first),
          `${f0(l.prometheusFirst.ms)} (${f2(l.prometheusFirst.apiRatio)})`,
          l.page === 'graph' ? `${(l.layoutSettleMs / 1000).toFixed(1)} s` : '',
          `${f0(quantile(l.embedded, 0.5))}/${f0(quantile(l.embedded, 0.95))}`,
          `${f0(quantile(l.prometheus, 0.5))}/${f0(quantile(l.prometheus, 0.95))}`,
          f2(l.worstRatio),
          f0(l.worstOverMs),
          f2(l.apiWorstRatio),
          f1(l.apiWorstOverMs),
          l.givenUp,
        ]),
      ),
    );
    out.push(
      '',
      `Heap collections in the embedded API while it answered: ${r.answerGc.count}, ${r.answerGc.over100ms} of them over 100 ms, ${r.answerGc.seconds.toFixed(2)} s in all`,
    );
    if (r.load) {
      out.push(
        '',
        `Viewers polling each of the 8 pages every 2 s, each page on its own as a browser's queries poll, at ${r.workloads} workloads`,
      );
      out.push(
        table(
          [
            'mode',
            'viewers',
            'upstream queries/s',
            'p50 ms',
            'p99 ms',
            'RSS MiB: start / after 1 min / end (peak)',
            'RSS peak MiB after 1 min: first half / second half',
            'RSS low MiB after 1 min: first half / second half',
            'V8 heap in use, low MiB after 1 min: first half / second half',
            'young generation MiB at end',
            'V8 heap after full collections, mean MiB after 1 min: first half / second half (collections)',
          ],
          r.load.map((l) => [
            l.mode,
            l.viewers,
            l.upstreamPerSecond.toFixed(1),
            f0(l.p50),
            f0(l.p99),
            `${f0(l.rssStart)} / ${Number.isNaN(l.rssWarm) ? '-' : f0(l.rssWarm)} / ${f0(l.rssEnd)} (${f0(l.rssPeak)})`,
            l.warmPeaks.some(Number.isNaN) ? '-' : `${f0(l.warmPeaks[0])} / ${f0(l.warmPeaks[1])}`,
            l.warmLows.some(Number.isNaN) ? '-' : `${f0(l.warmLows[0])} / ${f0(l.warmLows[1])}`,
            l.heapLows.some(Number.isNaN) ? '-' : `${f0(l.heapLows[0])} / ${f0(l.heapLows[1])}`,
            Number.isNaN(l.youngEnd) ? '-' : f0(l.youngEnd),
            `${Number.isNaN(l.liveHeap[0]) ? '-' : f0(l.liveHeap[0])} / ${Number.isNaN(l.liveHeap[1]) ? '-' : f0(l.liveHeap[1])} (${l.fullCollections[0]} / ${l.fullCollections[1]})`,
          ]),
        ),
      );
      for (const l of r.load.filter((x) => x.failed))
        out.push(`${l.mode}, ${l.viewers} viewers: ended early: ${l.failed ?? ''}`);
    }
  }
  return out.join('\n');
}

export async function engines(short: boolean): Promise<string> {
  await build();
  const results: SizeResult[] = [];
  const minutes = Number(process.env.MESHVIZ_BENCH_MINUTES ?? (short ? 1 : 10));
  const sizes = (process.env.MESHVIZ_BENCH_SIZES ?? (short ? '100' : '100,1000'))
    .split(',')
    .map(Number);
  for (const n of sizes) {
    const largest = n === Math.max(...sizes);
    results.push(
      await measure(
        n,
        // Two replicas a workload as in the figures; one at 1,000 workloads, where a
        // 2-core machine running the mesh, Prometheus and both APIs has no more to give.
        n >= 1000 ? 1 : 2,
        minutes,
        short ? { embedded: 3, prometheus: 3 } : { embedded: 20, prometheus: 6 },
        short ? 30 : 60,
        largest
          ? short
            ? { viewers: 10, seconds: 20, baselineSeconds: 10 }
            : { viewers: 50, seconds: 300, baselineSeconds: 60 }
          : undefined,
      ),
    );
  }
  return report(results);
}
