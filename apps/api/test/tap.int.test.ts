import { readTap } from '@meshviz/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Tests may start the demo mesh in-process; the API itself meets it only over HTTP.
import { startDemoMesh, type DemoMesh } from '@meshviz/demo-mesh';
import { startApi, type RunningApi } from './support';

/**
 * Tap through the Kubernetes API's aggregation layer, as linkerd-viz serves it
 * (checked in linkerd2's sources: `viz/tap/api/handlers.go` routes
 * `POST .../watch/namespaces/:ns/:resource/:name/tap`; `pkg/protohttp` frames
 * each TapEvent with a 4-byte little-endian length and reports errors in the
 * `linkerd-error` header; `grpc_server.go` divides maxRps between the pods and
 * adds the pods' labels; linkerd2-proxy `tap/grpc/server.rs` gives inbound
 * events `tls` and `client_id`, outbound ones the destination's labels and
 * `server_id`). The API sends a real protobuf request and relays the decoded,
 * paired events as Server-Sent Events.
 */
let mesh: DemoMesh;
let api: RunningApi;

const TAP = '/api/v1/tap?namespace=emojivoto&resource=deployments&name=web';

type Call = {
  direction: string;
  source: { namespace: string | null; kind: string | null; name: string | null };
  destination: { namespace: string | null; kind: string | null; name: string | null };
  method: string;
  path: string;
  status: number | null;
  grpcStatus: number | null;
  success: boolean;
  latencyMs: number | null;
  tls: string;
  clientId: string | null;
  serverId: string | null;
};

beforeAll(async () => {
  mesh = await startDemoMesh({ scenario: 'emojivoto', podSubnetOctet: 80, incidents: false });
  api = await startApi(['--kubeconfig', mesh.kubeconfigPath, '--scrape-interval', '2s']);
}, 60_000);

afterAll(async () => {
  await api?.stop();
  await mesh?.stop();
});

const waitFor = async (what: string, check: () => boolean, ms = 5000) => {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50)))
    if (check()) return;
  throw new Error(`timed out waiting for ${what}`);
};

describe('tap through the API', () => {
  it('relays decoded requests of the tapped deployment only, the doughnut votes failing with 500', async () => {
    const read = await readTap(
      `${api.url}${TAP}&path=/api/vote`,
      (calls) => calls.filter((c) => c.status === 500).length >= 3,
      20_000,
    );
    expect(read.status).toBe(200);
    const calls = read.calls as Call[];
    expect(calls.length).toBeGreaterThan(3);
    for (const c of calls) {
      // The path prefix keeps web's own gRPC calls out: only votes reaching web, from vote-bot.
      expect(c).toMatchObject({
        direction: 'inbound',
        method: 'GET',
        path: '/api/vote',
        destination: { namespace: 'emojivoto', kind: 'deployment', name: 'web' },
        source: { namespace: 'emojivoto', kind: 'deployment', name: 'vote-bot' },
        tls: 'true',
        clientId: 'default.emojivoto.serviceaccount.identity.linkerd.cluster.local',
      });
      expect(c.latencyMs).toBeGreaterThan(0);
    }
    const failed = calls.filter((c) => c.status === 500);
    expect(failed.every((c) => !c.success)).toBe(true);
    // Every vote for :doughnut: fails, the others succeed: a minority of votes, never none.
    expect(failed.length / calls.length).toBeLessThan(0.5);
    expect(calls.filter((c) => c.status === 200).every((c) => c.success)).toBe(true);
    // The browser went away: the API closed the tap upstream, and the proxies stopped reporting.
    await waitFor('the tap to close upstream', () => mesh.traffic.tap.openSessions === 0);
  }, 30_000);

  it("narrows to one destination: web's gRPC calls to voting, with their gRPC statuses", async () => {
    const read = await readTap(
      `${api.url}${TAP}&toResource=deployments&toName=voting`,
      (calls) => calls.some((c) => String(c.path).endsWith('/VoteDoughnut')),
      20_000,
    );
    const calls = read.calls as Call[];
    expect(calls.length).toBeGreaterThan(0);
    for (const c of calls) {
      expect(c).toMatchObject({
        direction: 'outbound',
        method: 'POST',
        source: { name: 'web' },
        destination: { kind: 'deployment', name: 'voting' },
        serverId: 'voting.emojivoto.serviceaccount.identity.linkerd.cluster.local',
        status: 200,
      });
      expect(c.path).toMatch(/^\/emojivoto\.v1\.VotingService\//);
    }
    // gRPC answers 200 and fails in its status: the doughnut vote's is not OK.
    const doughnut = calls.filter((c) => c.path.endsWith('/VoteDoughnut'));
    expect(doughnut.every((c) => c.grpcStatus !== 0 && !c.success)).toBe(true);
    expect(
      calls.filter((c) => !c.path.endsWith('/VoteDoughnut')).every((c) => c.grpcStatus === 0),
    ).toBe(true);
  }, 30_000);

  it('caps the taps open at once, and frees a slot when a viewer goes', async () => {
    const viewers = Array.from({ length: 8 }, () => new AbortController());
    const opened = await Promise.all(
      viewers.map((v) => fetch(`${api.url}${TAP}`, { signal: v.signal })),
    );
    expect(opened.map((r) => r.status)).toEqual(Array(8).fill(200));
    const ninth = await api.get<{ error: { code: string } }>(TAP);
    expect(ninth.status).toBe(503);
    expect(ninth.body.error.code).toBe('tap_busy');
    for (const v of viewers) v.abort();
    await waitFor('the taps to close upstream', () => mesh.traffic.tap.openSessions === 0);
    const again = await readTap(`${api.url}${TAP}`, (calls) => calls.length > 0, 10_000);
    expect(again.status).toBe(200);
  }, 30_000);

  it('refuses hostile or malformed filters with a 400 naming the field', async () => {
    const bad: [string, string][] = [
      ['&path=%2Fa%0D%0AX-Injected:%201', 'path'],
      ['&path=api', 'path'],
      ['&authority=evil.example%2F..%2F', 'authority'],
      ['&method=get%20/', 'method'],
      ['&maxRps=1000', 'maxRps'],
      ['&toResource=deployments', 'toName'],
      ['&method=GET&method=POST', 'method'],
    ];
    for (const [extra, field] of bad) {
      const res = await api.get<{ error: { code: string; message: string } }>(`${TAP}${extra}`);
      expect(res.status, extra).toBe(400);
      expect(res.body.error.message, extra).toContain(field);
    }
    const resource = await api.get<{ error: { message: string } }>(
      '/api/v1/tap?namespace=emojivoto&resource=secrets&name=web',
    );
    expect(resource.status).toBe(400);
    expect(resource.body.error.message).toContain('resource');
    const name = await api.get('/api/v1/tap?namespace=emojivoto&resource=deployments&name=..%2Fx');
    expect(name.status).toBe(400);
    // A page on another site cannot open a tap in the viewer's browser.
    const cross = await fetch(`${api.url}${TAP}`, { headers: { 'Sec-Fetch-Site': 'cross-site' } });
    expect(cross.status).toBe(403);
    expect(mesh.traffic.tap.openSessions).toBe(0);
  });

  it("passes on the tap component's refusal: no pods to tap", async () => {
    const read = await readTap(
      `${api.url}/api/v1/tap?namespace=emojivoto&resource=deployments&name=nope`,
      () => false,
    );
    // The stream opens and says why there is no tap, with the status the refusal means.
    expect(read.status).toBe(200);
    expect(read.events).toEqual(['problem']);
    expect(read.error).toEqual({
      code: 'tap_refused',
      status: 422,
      message: 'no pods to tap for deployment/nope',
    });
  });

  it('says when tap is not installed or not allowed, and every other view still answers', async () => {
    const problem = async () => (await readTap(`${api.url}${TAP}`, () => false)).error;
    try {
      mesh.setTap({ installed: false });
      const absent = await problem();
      expect(absent).toMatchObject({ code: 'tap_not_installed', status: 503 });
      expect(absent?.message).toContain('tap.linkerd.io');
      mesh.setTap({ installed: true, forbidden: true });
      const forbidden = await problem();
      expect(forbidden).toMatchObject({ code: 'tap_forbidden', status: 403 });
      expect(forbidden?.message).toContain(
        'cannot watch resource "deployments/tap" in API group "tap.linkerd.io"',
      );
      for (const path of ['/api/v1/namespaces', '/api/v1/namespaces/emojivoto/workloads'])
        expect((await api.get(path)).status, path).toBe(200);
    } finally {
      mesh.setTap({ installed: true, forbidden: false });
    }
  });

  it('counts the requests the golden metrics count: vote-bot to web at the rate of their edge', async () => {
    // Both come from the same simulated requests: the tap samples them (under its rate limit,
    // 100 a second here, far above this edge's), the metrics count them.
    // Metrics of a 20 s window, once the mesh has run that long and more.
    const age = Date.now() - mesh.cluster.startedAt;
    if (age < 30_000) await new Promise((r) => setTimeout(r, 30_000 - age));
    const seconds = 10;
    const deadline = Date.now() + seconds * 1000;
    const started = Date.now();
    const read = await readTap(
      `${api.url}${TAP}&maxRps=100`,
      () => Date.now() > deadline,
      (seconds + 5) * 1000,
    );
    const fromBot = (read.calls as Call[]).filter(
      (c) => c.direction === 'inbound' && c.source.name === 'vote-bot',
    );
    const tapRps = fromBot.length / ((Date.now() - started) / 1000);
    const detail = await api.get<{ inbound: { node: { name: string }; edge: { rps: number } }[] }>(
      '/api/v1/namespaces/emojivoto/deployments/web?window=20s',
    );
    const edgeRps = detail.body.inbound.find((n) => n.node.name === 'vote-bot')?.edge.rps ?? 0;
    expect(edgeRps).toBeGreaterThan(0);
    expect(tapRps / edgeRps).toBeGreaterThan(0.7);
    expect(tapRps / edgeRps).toBeLessThan(1.3);
  }, 60_000);
});
