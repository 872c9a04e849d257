import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { waitUntil } from '@meshviz/test-support';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** Runs `npm run demo-mesh -- ARGS` until it has printed its four lines; returns them and a stop function. */
async function runCli(
  args: string[],
): Promise<{ lines: Record<string, string>; stop: () => Promise<void> }> {
  const child = spawn('npm', ['run', '--silent', 'demo-mesh', '--', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'ignore'],
    detached: true,
  });
  const lines: Record<string, string> = {};
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /^([a-z-]+): (.+)$/.exec(line);
      if (m?.[1] && m[2]) lines[m[1]] = m[2];
      if (Object.keys(lines).length === 4) resolve();
    });
    child.once('exit', (code) => reject(new Error(`demo-mesh exited with ${code}`)));
  });
  return {
    lines,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        process.kill(-(child.pid ?? 0), 'SIGTERM');
      }),
  };
}

async function podNames(kubeApi: string): Promise<string[]> {
  const list = (await (await fetch(`${kubeApi}/api/v1/pods`)).json()) as {
    items: { metadata: { name: string } }[];
  };
  return list.items.map((p) => p.metadata.name).sort();
}

describe('npm run demo-mesh', () => {
  it('prints the API, kubeconfig and Prometheus lines, and the same seed gives the same cluster', async () => {
    const a = await runCli(['--scenario', 'emojivoto', '--seed', '5', '--pod-subnet', '74']);
    const b = await runCli(['--scenario', 'emojivoto', '--seed', '5', '--pod-subnet', '75']);
    const c = await runCli(['--scenario', 'emojivoto', '--seed', '6', '--pod-subnet', '76']);
    try {
      expect(Object.keys(a.lines)).toEqual([
        'kube-api',
        'kubeconfig',
        'prometheus-sd',
        'prometheus-config',
      ]);
      expect(a.lines['kube-api']).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(readFileSync(a.lines.kubeconfig ?? '', 'utf8')).toContain(
        `server: ${a.lines['kube-api']}`,
      );
      expect(readFileSync(a.lines['prometheus-config'] ?? '', 'utf8')).toContain(
        `- url: ${a.lines['prometheus-sd']}`,
      );
      // As kubernetes_sd: a target per container port of every pod; the scrape job keeps the admin ports.
      const sd = (await (await fetch(a.lines['prometheus-sd'] ?? '')).json()) as {
        targets: string[];
        labels: Record<string, string>;
      }[];
      const admin = sd.filter(
        (g) => g.labels.__meta_kubernetes_pod_container_port_name === 'linkerd-admin',
      );
      // 3 control-plane pods, linkerd-viz's Prometheus, vote-bot, web, emoji, emoji-canary,
      // voting.
      expect(admin.length).toBe(9);
      expect(sd.length).toBeGreaterThan(admin.length);
      const [namesA, namesB, namesC] = await Promise.all(
        [a, b, c].map((x) => podNames(x.lines['kube-api'] ?? '')),
      );
      expect(namesA).toEqual(namesB);
      expect(namesA).not.toEqual(namesC);
    } finally {
      await Promise.all([a.stop(), b.stop(), c.stop()]);
    }
    // npm exits on SIGTERM at once; the demo mesh under it removes its state as it stops.
    await waitUntil(
      'the state directory to be removed',
      async () => (existsSync(a.lines.kubeconfig ?? '') ? undefined : true),
      10_000,
    );
  });
});
