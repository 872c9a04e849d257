import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { dump, loadAll } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoMesh, type DemoMesh } from '@meshviz/demo-mesh';
import { readTap } from '@meshviz/test-support';

/**
 * The production artefact (`npm run build`, copied alone into an empty folder
 * with its production dependencies, run with plain `node`) in in-cluster
 * mode, as deploy/ runs it: the service account's token
 * and the cluster CA from the pod's mount, KUBERNETES_SERVICE_HOST/PORT, over
 * HTTPS, with exactly the permissions deploy/base/rbac.yaml grants (the demo
 * mesh enforces them as kube-apiserver's RBAC does).
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const rbac = readFileSync(`${root}deploy/base/rbac.yaml`, 'utf8');
/** What `kubectl apply -k deploy/tap` adds: watch on the tap API, for meshviz's account. */
const tapRbac = readFileSync(`${root}deploy/tap/rbac.yaml`, 'utf8');

/** The same roles for a second account, less `pods`: what a narrower install would give. */
function withoutPods(): string {
  const docs = (loadAll(rbac) as Record<string, unknown>[]).filter(
    (d) => d.kind === 'ClusterRole' || d.kind === 'ClusterRoleBinding',
  );
  return docs
    .map((d) => {
      const doc = JSON.parse(JSON.stringify(d)) as {
        metadata: { name: string };
        rules?: { resources: string[] }[];
        roleRef?: { name: string };
        subjects?: { name: string }[];
      };
      doc.metadata.name = 'meshviz-limited';
      if (doc.rules)
        for (const r of doc.rules) r.resources = r.resources.filter((x) => x !== 'pods');
      if (doc.roleRef) doc.roleRef.name = 'meshviz-limited';
      if (doc.subjects) for (const s of doc.subjects) s.name = 'meshviz-limited';
      return dump(doc);
    })
    .join('---\n');
}

let mesh: DemoMesh;
let artefact: string;
const apis: ChildProcess[] = [];

function files(d: string): string[] {
  return readdirSync(d).flatMap((f) => {
    const p = join(d, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

async function startInCluster(account: string): Promise<string> {
  const secure = mesh.inCluster;
  if (!secure) throw new Error('no in-cluster API');
  const env = { ...process.env };
  delete env.KUBECONFIG;
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'apps/api/src/main.ts',
      '--listen',
      '127.0.0.1:0',
      '--scrape-interval',
      '2s',
    ],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...env,
        KUBERNETES_SERVICE_HOST: secure.host,
        KUBERNETES_SERVICE_PORT: String(secure.port),
        MESHVIZ_SERVICEACCOUNT_ROOT: secure.mountRoot(account),
        MESHVIZ_LOG_LEVEL: 'warn',
      },
    },
  );
  apis.push(child);
  return new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /^meshviz: (\S+)$/.exec(line);
      if (m?.[1]) resolve(m[1].replace('localhost', '127.0.0.1'));
    });
    child.once('exit', (code) => reject(new Error(`the API exited with ${code}`)));
  });
}

async function answers(url: string, paths: string[]) {
  return Promise.all(
    paths.map(async (p) => {
      const res = await fetch(`${url}api/v1/${p}`);
      const body = (await res.json()) as { errors?: { source: string; message: string }[] };
      return { path: p, status: res.status, errors: body.errors ?? [] };
    }),
  );
}

/** Every endpoint the UI reads. */
const UI_PATHS = [
  'namespaces',
  'namespaces/emojivoto/workloads',
  'namespaces/emojivoto/deployments/web',
  'graph?namespaces=emojivoto',
  'routes?namespace=emojivoto&kind=deployments&name=web&to=emojivoto/voting-svc',
  'timeseries?namespace=emojivoto&kind=deployments&name=web',
  'mtls',
  'namespaces/emojivoto/policy',
  'namespaces/emojivoto/deployments/web/access',
  'namespaces/emojivoto/services/web-svc/config',
  'findings',
  'control-plane',
];

/** fetch sets Host itself; node:http sends the one given, as a browser on another origin would. */
function statusWithHost(url: string, path: string, host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const req = request(`${url}${path}`, { headers: { Host: host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

async function ready(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await fetch(`${url}readyz`)).status === 200) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the API never became ready');
}

beforeAll(async () => {
  artefact = mkdtempSync(join(tmpdir(), 'meshviz-artefact-'));
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts', '--out', artefact], {
    cwd: root,
    stdio: 'ignore',
  });
  execFileSync('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--ignore-scripts'], {
    cwd: artefact,
    stdio: 'ignore',
  });
  mesh = await startDemoMesh({
    scenario: 'emojivoto',
    podSubnetOctet: 86,
    incidents: false,
    inCluster: {
      rbacYaml: `${rbac}\n---\n${tapRbac}\n---\n${withoutPods()}`,
      serviceAccounts: ['meshviz/meshviz', 'meshviz/meshviz-limited'],
    },
  });
}, 180_000);

afterAll(async () => {
  for (const a of apis) a.kill('SIGTERM');
  await mesh?.stop();
  if (artefact) rmSync(artefact, { recursive: true, force: true });
});

describe('production artefact', () => {
  it('holds JavaScript and the SPA only, and production dependencies only', () => {
    const all = files(artefact).map((f) => f.slice(artefact.length + 1));
    const own = all.filter((f) => !f.startsWith('node_modules/'));
    expect(own).toContain('api/main.js');
    expect(own).toContain('web/index.html');
    expect(own.filter((f) => /\.tsx?$/.test(f))).toEqual([]);
    const modules = readdirSync(join(artefact, 'node_modules'));
    for (const dev of ['tsx', 'typescript', 'vite', 'vitest', 'esbuild', '@playwright', 'react'])
      expect(modules, dev).not.toContain(dev);
    expect(modules).toContain('express');
    // The tap API's protobuf messages are decoded at run time.
    expect(modules).toContain('protobufjs');
  });
});

describe('in-cluster mode against an API server that enforces deploy/ RBAC', () => {
  it('answers every view with no Kubernetes error and is never refused, across a token rotation', async () => {
    const url = await startInCluster('meshviz/meshviz');
    await ready(url);
    // Probes and scrapes by pod IP are answered; a foreign Host is refused the API.
    expect(await statusWithHost(url, 'healthz', '10.1.2.3:8084')).toBe(200);
    expect(await statusWithHost(url, 'api/v1/namespaces', 'meshviz.attacker.example')).toBe(403);
    const page = await fetch(`${url}namespaces/emojivoto`);
    expect(await page.text()).toContain('<div id="root">');
    const kubeErrors = async () =>
      (await answers(url, UI_PATHS)).flatMap((a) =>
        a.errors.filter((e) => e.source === 'kubernetes').map((e) => `${a.path}: ${e.message}`),
      );
    expect(await kubeErrors()).toEqual([]);
    expect(mesh.inCluster?.refused).toEqual([]);

    // The kubelet rotates the bound token; the old one stays valid a while, then expires.
    mesh.inCluster?.rotateToken('meshviz/meshviz');
    // client-node re-reads the token file once a minute.
    await new Promise((r) => setTimeout(r, 62_000));
    mesh.inCluster?.expireRotatedTokens();
    mesh.dropWatches();
    await new Promise((r) => setTimeout(r, 3000));
    expect(await kubeErrors()).toEqual([]);
    expect(mesh.inCluster?.refused).toEqual([]);
  }, 120_000);

  it('without permission to list pods, keeps answering and names the missing permission', async () => {
    const url = await startInCluster('meshviz/meshviz-limited');
    let errors: string[] = [];
    for (let i = 0; i < 50 && errors.length === 0; i++) {
      const [ns] = await answers(url, ['namespaces']);
      expect(ns?.status).toBe(200);
      errors = (ns?.errors ?? []).filter((e) => e.source === 'kubernetes').map((e) => e.message);
      if (errors.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect(errors.join('\n')).toContain('missing permission to list pods');
    expect(mesh.inCluster?.refused.some((r) => r.includes('meshviz-limited list pods'))).toBe(true);
  }, 60_000);

  it('taps over HTTPS with deploy/tap RBAC, and explains the refusal to an account without it', async () => {
    const url = await startInCluster('meshviz/meshviz');
    await ready(url);
    const read = await readTap(
      `${url}api/v1/tap?namespace=emojivoto&resource=deployments&name=web`,
      (calls) => calls.length >= 3,
      20_000,
    );
    expect(read.status).toBe(200);
    expect(read.calls.length).toBeGreaterThanOrEqual(3);
    expect(mesh.inCluster?.refused.filter((r) => r.includes('tap'))).toEqual([]);

    // The base install's roles only (less pods): the API server refuses the tap, the API says why.
    const limited = await startInCluster('meshviz/meshviz-limited');
    const refused = await readTap(
      `${limited}api/v1/tap?namespace=emojivoto&resource=deployments&name=web`,
      () => false,
    );
    expect(refused.error).toMatchObject({ code: 'tap_forbidden', status: 403 });
    expect(refused.error?.message).toContain(
      'User "system:serviceaccount:meshviz:meshviz-limited" cannot watch resource "deployments/tap"',
    );
    expect(mesh.inCluster?.refused).toContain(
      '403 system:serviceaccount:meshviz:meshviz-limited watch tap.linkerd.io/deployments/tap',
    );
  }, 60_000);
});
