import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort } from '@meshviz/test-support';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

function groupMembers(pgid: number): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,pgid='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number))
    .filter(([, g]) => g === pgid)
    .map(([pid]) => pid ?? 0);
}

describe('npm start processes', () => {
  it.each([
    ['when Ctrl-C reaches the process group', 'SIGINT', true],
    ['when SIGTERM reaches only the start process', 'SIGTERM', false],
  ] as const)(
    '%s, every child stops and the port is released',
    async (_when, signal, wholeGroup) => {
      const port = await freePort();
      // Detached: the children share a new process group, as they do under a terminal.
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          'scripts/start.ts',
          '--listen',
          `127.0.0.1:${port}`,
          '--pod-subnet',
          '73',
        ],
        {
          cwd: root,
          detached: true,
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      const pgid = child.pid ?? 0;
      const lines = createInterface({ input: child.stdout });
      const url = await new Promise<string>((resolve, reject) => {
        lines.on('line', (line) => {
          const m = /running on the demo mesh: (\S+)/.exec(line);
          if (m?.[1]) resolve(m[1]);
        });
        child.once('exit', (code) => reject(new Error(`start exited early with ${code}`)));
      });
      expect(url).toBe(`http://localhost:${port}/`);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      expect(groupMembers(pgid).length).toBeGreaterThanOrEqual(3);

      const exited = new Promise<number | null>((resolve) =>
        child.once('exit', (code) => resolve(code)),
      );
      process.kill(wholeGroup ? -pgid : pgid, signal);
      expect(await exited).toBe(0);
      // Children may take a moment to be reaped.
      for (let i = 0; i < 40 && groupMembers(pgid).length > 0; i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(groupMembers(pgid)).toEqual([]);
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    },
  );
});
