/**
 * `npm start`: the demo mesh and the API (embedded metrics mode) serving the
 * built dashboard. Ctrl-C or SIGTERM stops both children before exiting.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    listen: { type: 'string', default: '127.0.0.1:8084' },
    scenario: { type: 'string', default: 'demo' },
    'pod-subnet': { type: 'string', default: '42' },
    /** API groups the demo cluster does not serve, as a cluster without those CRDs. */
    'without-group': { type: 'string', multiple: true },
    /** The kubeconfig's user may not tap (no RBAC for tap.linkerd.io), to see how that reads. */
    'forbid-tap': { type: 'boolean', default: false },
    /** Where to write the demo mesh's addresses as JSON (the e2e suite uses its controls). */
    'state-file': { type: 'string' },
  },
});

const children: ChildProcess[] = [];
let stopping = false;

function run(name: string, script: string, args: string[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`meshviz: ${name} exited (${signal ?? code}); stopping\n`);
      void stop(1);
    }
  });
  return child;
}

/** Resolves with the first stdout line matching `pattern`; other lines are passed through. */
function waitFor(child: ChildProcess, pattern: RegExp, echo: boolean): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    if (!child.stdout) return reject(new Error('no stdout'));
    const lines = createInterface({ input: child.stdout });
    let found = false;
    lines.on('line', (line) => {
      const m = pattern.exec(line);
      if (m && !found) {
        found = true;
        resolve(m);
      } else if (echo) {
        process.stdout.write(`${line}\n`);
      }
    });
    child.once('exit', () => {
      if (!found) reject(new Error(`process exited before printing ${pattern}`));
    });
  });
}

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  const alive = children.filter((c) => c.exitCode === null && c.signalCode === null);
  await Promise.all(
    alive.map(
      (c) =>
        new Promise<void>((resolve) => {
          const killer = setTimeout(() => c.kill('SIGKILL'), 5000);
          c.once('exit', () => {
            clearTimeout(killer);
            resolve();
          });
          c.kill('SIGTERM');
        }),
    ),
  );
  process.exit(code);
}

process.once('SIGINT', () => void stop(0));
process.once('SIGTERM', () => void stop(0));

async function main(): Promise<void> {
  const mesh = run('demo mesh', 'apps/demo-mesh/src/main.ts', [
    '--scenario',
    values.scenario ?? 'demo',
    '--pod-subnet',
    values['pod-subnet'] ?? '42',
    ...(values['without-group'] ?? []).flatMap((g) => ['--without-group', g]),
    ...(values['forbid-tap'] ? ['--forbid-tap'] : []),
  ]);
  const kubeconfig = (await waitFor(mesh, /^kubeconfig: (.+)$/, false))[1] ?? '';
  if (values['state-file']) {
    const kubeApiUrl = /server: (\S+)/.exec(readFileSync(kubeconfig, 'utf8'))?.[1];
    mkdirSync(dirname(values['state-file']), { recursive: true });
    writeFileSync(values['state-file'], JSON.stringify({ kubeApiUrl }));
  }
  const api = run('API', 'apps/api/src/main.ts', [
    '--kubeconfig',
    kubeconfig,
    '--listen',
    values.listen ?? '127.0.0.1:8084',
  ]);
  const url = (await waitFor(api, /^meshviz: (\S+)$/, true))[1] ?? '';
  process.stdout.write(
    `\nmeshviz is running on the demo mesh: ${url.replace('127.0.0.1', 'localhost')}\nPress Ctrl-C to stop.\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`meshviz: ${err instanceof Error ? err.message : String(err)}\n`);
  void stop(1);
});
