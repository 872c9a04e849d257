import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitUntil } from './ports';

export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface Target {
  labels: Record<string, string>;
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

export interface RunningPrometheus {
  url: string;
  /** The server's process, for benchmarks that read its memory and CPU. */
  pid: number;
  /** Instant vector of a PromQL query at the server's current time (or `time`, seconds). */
  query(promql: string, time?: number): Promise<Sample[]>;
  /** The single value of a query, or undefined when the result is empty. */
  scalar(promql: string, time?: number): Promise<number | undefined>;
  targets(): Promise<Target[]>;
  stop(): Promise<void>;
}

/**
 * Starts Debian's Prometheus (the `prometheus` binary on PATH) with a config
 * file, on a free loopback port and a throw-away TSDB, and waits until ready.
 */
export async function startPrometheus(configFile: string): Promise<RunningPrometheus> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'meshviz-prometheus-'));
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${configFile}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--storage.tsdb.path=${dataDir}`,
      '--storage.tsdb.retention.time=1h',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', (err) => {
    stderr += `\n${err.message}`;
  });
  try {
    await waitUntil(
      'Prometheus to be ready',
      async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited: ${stderr}`);
        const res = await fetch(`${url}/-/ready`);
        return res.ok ? true : undefined;
      },
      20_000,
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }

  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${url}${path}`);
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success')
      throw new Error(`Prometheus ${path}: ${body.error ?? res.status}`);
    return body.data;
  };
  const query = async (promql: string, time?: number) => {
    const params = new URLSearchParams({
      query: promql,
      ...(time !== undefined ? { time: String(time) } : {}),
    });
    const data = await api<{ resultType: string; result: Sample[] }>(`/api/v1/query?${params}`);
    return data.result;
  };
  return {
    url,
    pid: child.pid ?? 0,
    query,
    async scalar(promql, time) {
      const result = await query(promql, time);
      if (result.length > 1)
        throw new Error(`expected one series from ${promql}, got ${result.length}`);
      const v = result[0]?.value[1];
      return v === undefined ? undefined : Number(v);
    },
    async targets() {
      const data = await api<{ activeTargets: Target[] }>('/api/v1/targets?state=active');
      return data.activeTargets;
    },
    async stop() {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
