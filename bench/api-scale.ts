/**
 * The API in embedded mode (scraping every proxy itself, as without
 * Prometheus) on a synthetic mesh: its CPU and memory while scraping, and
 * the latency of the dashboard's main questions.
 */
import { cpuSeconds, quantile, rssMiB, startSyntheticStack, table } from './lib';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Row {
  workloads: number;
  cores: number;
  rss: number;
  latency: Record<string, { p50: number; p95: number }>;
}

const QUESTIONS: Record<string, string> = {
  namespaces: '/api/v1/namespaces',
  graph: '/api/v1/graph?namespaces=all',
  workloads: '/api/v1/namespaces/synth-00/workloads',
  mtls: '/api/v1/mtls',
};

async function measure(workloads: number, subnet: number, samples: number): Promise<Row> {
  const stack = await startSyntheticStack(workloads, subnet);
  try {
    const { api, url } = stack;
    // Two scrape intervals, so every rate has data.
    await sleep(25_000);
    const pid = api.pid ?? 0;
    const cpu0 = cpuSeconds(pid);
    const t0 = Date.now();
    let peak = rssMiB(pid);
    const latency: Row['latency'] = {};
    for (const [name, path] of Object.entries(QUESTIONS)) {
      const times: number[] = [];
      for (let i = 0; i < samples; i++) {
        const began = performance.now();
        const res = await fetch(`${url}${path}`);
        await res.arrayBuffer();
        times.push(performance.now() - began);
        peak = Math.max(peak, rssMiB(pid));
        // Past the API's 2 s answer cache, so every request computes.
        await sleep(2100);
      }
      latency[name] = { p50: quantile(times, 0.5), p95: quantile(times, 0.95) };
    }
    return {
      workloads,
      cores: (cpuSeconds(pid) - cpu0) / ((Date.now() - t0) / 1000),
      rss: peak,
      latency,
    };
  } finally {
    stack.stop();
  }
}

export async function apiScale(short: boolean): Promise<string> {
  const sizes = short ? [100] : [100, 1000];
  const rows: Row[] = [];
  for (const n of sizes) rows.push(await measure(n, 84, short ? 3 : 6));
  const names = Object.keys(QUESTIONS);
  return [
    'API, embedded metrics (scrapes every proxy every 10 s); latency of uncached answers',
    table(
      ['workloads', 'CPU cores', 'peak RSS MiB', ...names.map((n) => `${n} p50/p95 ms`)],
      rows.map((r) => [
        r.workloads,
        r.cores.toFixed(2),
        r.rss.toFixed(0),
        ...names.map((n) => `${r.latency[n]?.p50.toFixed(0)}/${r.latency[n]?.p95.toFixed(0)}`),
      ]),
    ),
  ].join('\n');
}
