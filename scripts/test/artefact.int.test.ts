import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoMesh, type DemoMesh } from '@meshviz/demo-mesh';

/**
 * The production artefact as the image gets it: `npm run build`'s output
 * copied alone into an empty folder with its production dependencies, and
 * started with plain `node` (no TypeScript, no tsx) against the demo mesh.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;
let mesh: DemoMesh;
let api: ChildProcess | undefined;
let url: string;

function files(d: string): string[] {
  return readdirSync(d).flatMap((f) => {
    const p = join(d, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'meshviz-artefact-'));
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts', '--out', dir], {
    cwd: root,
    stdio: 'ignore',
  });
  execFileSync('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--ignore-scripts'], {
    cwd: dir,
    stdio: 'ignore',
  });
  mesh = await startDemoMesh({ scenario: 'emojivoto', podSubnetOctet: 87, incidents: false });
  api = spawn(
    process.execPath,
    ['api/main.js', '--kubeconfig', mesh.kubeconfigPath, '--listen', '127.0.0.1:0'],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: api?.stdout ?? process.stdin }).on('line', (line) => {
      const m = /^meshviz: (\S+)$/.exec(line);
      if (m?.[1]) resolve(m[1].replace('localhost', '127.0.0.1'));
    });
    api?.once('exit', (code) => reject(new Error(`the API exited with ${code}`)));
  });
}, 180_000);

afterAll(async () => {
  api?.kill('SIGTERM');
  await mesh?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('production artefact', () => {
  it('holds JavaScript and the SPA only, and production dependencies only', () => {
    const all = files(dir).map((f) => f.slice(dir.length + 1));
    const own = all.filter((f) => !f.startsWith('node_modules/'));
    expect(own).toContain('api/main.js');
    expect(own).toContain('web/index.html');
    expect(own.filter((f) => /\.tsx?$/.test(f))).toEqual([]);
    const modules = readdirSync(join(dir, 'node_modules'));
    for (const dev of ['tsx', 'typescript', 'vite', 'vitest', 'esbuild', '@playwright', 'react'])
      expect(modules, dev).not.toContain(dev);
    expect(modules).toContain('express');
  });

  it('started with node, serves the SPA, probes and the API against the demo mesh', async () => {
    const get = async (path: string) => fetch(`${url}${path}`);
    // fetch sets Host itself; node:http sends the one given, as a browser on another origin would.
    const statusWithHost = (path: string, host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${url}${path}`, { headers: { Host: host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    let ready = 0;
    for (let i = 0; i < 50 && ready !== 200; i++) {
      ready = (await get('readyz')).status;
      if (ready !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(ready).toBe(200);
    expect(await statusWithHost('healthz', '10.1.2.3:8084')).toBe(200);
    expect(await statusWithHost('api/v1/namespaces', 'meshviz.attacker.example')).toBe(403);
    const namespaces = await get('api/v1/namespaces');
    expect(namespaces.status).toBe(200);
    const body = (await namespaces.json()) as { namespaces: { name: string }[]; errors: unknown[] };
    expect(body.errors).toEqual([]);
    expect(body.namespaces.map((n) => n.name)).toContain('emojivoto');
    const page = await get('namespaces/emojivoto');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
  });
});
