/**
 * The demo mesh's RSS and CPU while every proxy of a synthetic mesh is
 * scraped every 10 s, as Prometheus or meshviz's embedded engine would.
 * Target (issue: demo mesh): under 400 MB and under half a core at 1,000 workloads.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { cpuSeconds, quantile, rssMiB, table } from './lib';

const root = fileURLToPath(new URL('..', import.meta.url));

interface Row {
  workloads: number;
  pods: number;
  cycles: number;
  scrapeP50Ms: number;
  scrapeP99Ms: number;
  mibPerCycle: number;
  rss: number;
  cores: number;
}

async function measure(workloads: number, cycles: number, intervalMs: number): Promise<Row> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'apps/demo-mesh/src/main.ts',
      '--scenario',
      'synthetic',
      '--workloads',
      String(workloads),
      '--replicas',
      '2',
      '--namespaces',
      '20',
      '--pod-subnet',
      '81',
      '--no-incidents',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const sdUrl = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        const m = /^prometheus-sd: (\S+)/.exec(line);
        if (m?.[1]) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`demo mesh exited with ${code}`)));
    });
    // As linkerd-viz's scrape job keeps them: the proxies' linkerd-admin ports only.
    const groups = (await (await fetch(sdUrl)).json()) as {
      targets: string[];
      labels: Record<string, string>;
    }[];
    const targets = groups
      .filter((g) => g.labels.__meta_kubernetes_pod_container_port_name === 'linkerd-admin')
      .flatMap((g) => g.targets);
    const pid = child.pid ?? 0;
    let bytes = 0;
    // Like Prometheus, spread the targets' scrapes evenly over the interval
    // rather than scraping them all at once.
    const failures: unknown[] = [];
    const cycle = async () => {
      const start = Date.now();
      const inFlight: Promise<void>[] = [];
      for (let k = 0; k < targets.length; k++) {
        const due = start + (k * intervalMs) / targets.length;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const began = performance.now();
        // Failures are kept and thrown after the cycle: a rejection nobody awaits yet
        // would end the process and leave the demo mesh running.
        inFlight.push(
          fetch(`http://${targets[k]}/metrics`).then(
            async (res) => {
              bytes += (await res.text()).length;
              durations.push(performance.now() - began);
            },
            (err: unknown) => {
              failures.push(err);
            },
          ),
        );
      }
      await Promise.all(inFlight);
      if (failures.length > 0) throw failures[0];
      return (Date.now() - start) / 1000;
    };
    let durations: number[] = [];
    await cycle();
    bytes = 0;
    durations = [];
    const cpu0 = cpuSeconds(pid);
    const t0 = Date.now();
    let peakRss = rssMiB(pid);
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, rssMiB(pid));
    }, 500);
    for (let i = 0; i < cycles; i++) await cycle();
    clearInterval(sampler);
    const elapsed = (Date.now() - t0) / 1000;
    return {
      workloads,
      pods: targets.length,
      cycles,
      scrapeP50Ms: quantile(durations, 0.5),
      scrapeP99Ms: quantile(durations, 0.99),
      mibPerCycle: bytes / cycles / 1024 / 1024,
      rss: peakRss,
      cores: (cpuSeconds(pid) - cpu0) / elapsed,
    };
  } finally {
    child.kill('SIGTERM');
  }
}

export async function demoMeshScale(short: boolean): Promise<string> {
  const sizes = short ? [100] : [100, 1000];
  const rows: Row[] = [];
  for (const n of sizes) rows.push(await measure(n, short ? 2 : 6, 10_000));
  return [
    'demo mesh under scraping (every proxy every 10 s; target at 1,000 workloads: RSS < 400 MiB, CPU < 0.5 core)',
    table(
      [
        'workloads',
        'proxies',
        'cycles',
        'scrape p50 ms',
        'scrape p99 ms',
        'MiB/cycle',
        'peak RSS MiB',
        'CPU cores',
      ],
      rows.map((r) => [
        r.workloads,
        r.pods,
        r.cycles,
        r.scrapeP50Ms.toFixed(1),
        r.scrapeP99Ms.toFixed(1),
        r.mibPerCycle.toFixed(1),
        r.rss.toFixed(0),
        r.cores.toFixed(3),
      ]),
    ),
  ].join('\n');
}
