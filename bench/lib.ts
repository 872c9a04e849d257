import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** CPU seconds (user + system) a process has used, from /proc. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command name.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Resident set size of a process in MiB, from /proc (NaN once it has exited). */
export function rssMiB(pid: number): number {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return Number.NaN;
  }
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ');
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join(
    '\n',
  );
}

/** The q-quantile of a list of numbers (nearest rank). */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

/**
 * Starts a repo script (under tsx, unless `runner` says otherwise); resolves
 * with the process and the first capture of `pattern` on stdout.
 */
export function startScript(
  script: string,
  args: string[],
  pattern: RegExp,
  runner = ['--import', 'tsx'],
): Promise<[ChildProcess, string]> {
  const child = spawn(process.execPath, [...runner, script, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Its last words, should it exit before the bench stops it: what it logged at warn and
  // above, and whatever it wrote to stderr (a crash's stack, V8 running out of heap).
  const last: string[] = [];
  const keep = (line: string) => {
    last.push(line);
    if (last.length > 40) last.shift();
  };
  createInterface({ input: child.stderr! }).on('line', keep);
  let stopping = false;
  const kill = child.kill.bind(child);
  child.kill = (signal?: NodeJS.Signals | number) => {
    stopping = true;
    return kill(signal);
  };
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = pattern.exec(line);
      if (m?.[1]) resolve([child, m[1]]);
      if (/"level":(40|50|60)/.test(line)) keep(line);
    });
    child.once('exit', (code, signal) => {
      const how = `${script} exited with ${signal ?? code}`;
      if (!stopping) process.stderr.write(`${how}; its last output:\n${last.join('\n')}\n`);
      reject(new Error(how));
    });
  });
}

/**
 * Stops a process the bench started, and waits until it has exited: SIGCONT first (the bench
 * may be holding it still), then SIGTERM, then SIGKILL if it is still running after
 * `graceMs`, saying so on stderr. A process left running would share the machine with
 * whatever the bench measures next.
 */
export async function stopProcess(child: ChildProcess, name: string, graceMs = 10_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<boolean>((resolve) => child.once('exit', () => resolve(true)));
  child.kill('SIGCONT');
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), graceMs);
  });
  const inTime = await Promise.race([exited, late]);
  clearTimeout(timer);
  if (inTime) return;
  process.stderr.write(`${name} was still running ${graceMs / 1000} s after SIGTERM: killed\n`);
  child.kill('SIGKILL');
  await exited;
}

/**
 * A synthetic demo mesh, 50 workloads a namespace, without incidents;
 * resolves with the process and its kubeconfig path.
 */
export function startSyntheticMesh(
  workloads: number,
  replicas: number,
  subnet: number,
  extra: string[] = [],
): Promise<[ChildProcess, string]> {
  return startScript(
    'apps/demo-mesh/src/main.ts',
    [
      '--scenario',
      'synthetic',
      '--workloads',
      String(workloads),
      '--namespaces',
      String(Math.max(2, Math.round(workloads / 50))),
      '--replicas',
      String(replicas),
      '--pod-subnet',
      String(subnet),
      '--no-incidents',
      ...extra,
    ],
    /^kubeconfig: (.+)$/,
  );
}

export interface Stack {
  api: ChildProcess;
  /** The API's base URL, without a trailing slash. */
  url: string;
  stop(): void;
}

/**
 * A synthetic demo mesh (one replica per workload, 50 workloads a namespace)
 * and the API in embedded mode, as `npm start` runs them.
 */
export async function startSyntheticStack(
  workloads: number,
  subnet: number,
  webDist = '/nonexistent',
  scrapeSeconds = 10,
  meshArgs: string[] = [],
): Promise<Stack> {
  const [mesh, kubeconfig] = await startSyntheticMesh(workloads, 1, subnet, meshArgs);
  try {
    const [api, url] = await startScript(
      'apps/api/src/main.ts',
      [
        '--kubeconfig',
        kubeconfig,
        '--listen',
        '127.0.0.1:0',
        '--web-dist',
        webDist,
        '--scrape-interval',
        `${scrapeSeconds}s`,
      ],
      /^meshviz: (\S+)$/,
    );
    return {
      api,
      url: url.replace(/\/$/, ''),
      stop() {
        api.kill('SIGTERM');
        mesh.kill('SIGTERM');
      },
    };
  } catch (err) {
    mesh.kill('SIGTERM');
    throw err;
  }
}
