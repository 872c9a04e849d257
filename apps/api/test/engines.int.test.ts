import type {
  EgressResponse,
  GraphResponse,
  MtlsResponse,
  RoutesResponse,
  TimeseriesResponse,
  WorkloadDetail,
  WorkloadsResponse,
} from '@meshviz/shared';
import {
  serverTimingEntries,
  startPrometheus,
  waitUntil,
  type RunningPrometheus,
} from '@meshviz/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Tests may start the demo mesh in-process; the API itself meets it only over HTTP.
import { startDemoMesh, type DemoMesh } from '@meshviz/demo-mesh';
import { layoutInputOf } from '@meshviz/shared/graph-layout';
import { bucketIndex, startApi, type RunningApi } from './support';

/**
 * The API over HTTP against the demo mesh, once with its embedded engine
 * and once with Debian's Prometheus, and both against PromQL written here.
 */
const SCRAPE = 2;
/** Two minutes of traffic: enough requests that a one-request difference at the window's edge stays under the tolerances. */
const WINDOW = '2m';
const WINDOW_SECONDS = 120;
let mesh: DemoMesh;
let prom: RunningPrometheus;
let embedded: RunningApi;
let viaProm: RunningApi;

beforeAll(async () => {
  mesh = await startDemoMesh({
    scenario: 'demo',
    podSubnetOctet: 77,
    incidents: false,
    scrapeIntervalSeconds: SCRAPE,
  });
  prom = await startPrometheus(mesh.prometheusConfigPath);
  [embedded, viaProm] = await Promise.all([
    startApi(['--kubeconfig', mesh.kubeconfigPath, '--scrape-interval', `${SCRAPE}s`]),
    startApi([
      '--kubeconfig',
      mesh.kubeconfigPath,
      '--scrape-interval',
      `${SCRAPE}s`,
      '--prometheus-url',
      prom.url,
    ]),
  ]);
  await waitUntil(
    'Prometheus to scrape every proxy',
    async () => ((await prom.targets()).every((t) => t.health === 'up') ? true : undefined),
    30_000,
  );
  await new Promise((r) => setTimeout(r, (WINDOW_SECONDS + 6) * 1000));
}, 200_000);

afterAll(async () => {
  await embedded?.stop();
  await viaProm?.stop();
  await prom?.stop();
  await mesh?.stop();
});

/**
 * Within `relative`, or within two steps of a counter over the window:
 * counters move in whole requests, and two scrapers sampling at different
 * instants can each see a low-rate series one step apart at each of the
 * window's two edges (a 0.48/s route steps about once per 2 s scrape; seen:
 * 1.96 requests apart). A workload that several calls reach steps by as many
 * requests when their ticks coincide: emoji-canary takes both of emoji-svc's
 * RPC kinds (seen: 3.0 requests apart at 0.45/s). Each engine then
 * extrapolates its samples' span to the whole window, which scales the
 * difference by up to (window + 2 scrapes) / window.
 */
function close(a: number | null, b: number | null, relative: number, what: string): void {
  expect(a === null, `${what}: ${a} vs ${b}`).toBe(b === null);
  if (a !== null && b !== null) {
    const twoSteps = (4 * (WINDOW_SECONDS + 2 * SCRAPE)) / WINDOW_SECONDS / WINDOW_SECONDS;
    expect(Math.abs(a - b), `${what}: ${a} vs ${b}`).toBeLessThanOrEqual(
      Math.max(relative * Math.abs(b), twoSteps),
    );
  }
}

/**
 * Within 1 point, or within two requests' worth for routes with few requests:
 * rates extrapolate per series, and a route of 60 requests spread over three
 * pods has only a handful of increments per series, sampled by each engine
 * at different instants (one request there moves the rate 1.7 points).
 */
function sameSr(a: number | null, b: number | null, what: string, rps?: number | null): void {
  expect(a === null, `${what}: ${a} vs ${b}`).toBe(b === null);
  const twoRequests = rps ? 2 / (rps * WINDOW_SECONDS) : 0;
  if (a !== null && b !== null) {
    expect(Math.abs(a - b), `${what}: ${a} vs ${b}`).toBeLessThanOrEqual(
      Math.max(0.01, twoRequests),
    );
  }
}

/**
 * The same histogram bucket; across a bucket bound, only when the two
 * estimates are within 10% (an estimate near a bound flips with any small
 * difference in the window's samples, even between two queries of one engine).
 */
function sameBucket(a: number | null, b: number | null, what: string): void {
  if (a === null || b === null) {
    expect(a, what).toBe(b);
    return;
  }
  const buckets = Math.abs(bucketIndex(a) - bucketIndex(b));
  expect(
    buckets === 0 || (buckets === 1 && Math.abs(a - b) <= 0.1 * Math.max(a, b)),
    `${what}: ${a} vs ${b}`,
  ).toBe(true);
}

describe('API: embedded engine and Prometheus engine agree', () => {
  for (const ns of ['emojivoto', 'booksapp']) {
    it(`for every workload and service of ${ns}`, async () => {
      const [a, b] = await Promise.all([
        embedded.get<WorkloadsResponse>(`/api/v1/namespaces/${ns}/workloads?window=${WINDOW}`),
        viaProm.get<WorkloadsResponse>(`/api/v1/namespaces/${ns}/workloads?window=${WINDOW}`),
      ]);
      expect(a.status).toBe(200);
      expect(b.status).toBe(200);
      expect(a.body.errors).toEqual([]);
      expect(b.body.errors).toEqual([]);
      expect(a.body.workloads.map((w) => `${w.kind}/${w.name}`)).toEqual(
        b.body.workloads.map((w) => `${w.kind}/${w.name}`),
      );
      let withTraffic = 0;
      for (const wa of a.body.workloads) {
        const wb = b.body.workloads.find((x) => x.kind === wa.kind && x.name === wa.name);
        const what = `${ns}/${wa.kind}/${wa.name}`;
        // CronJob pods live 25 s of each minute, and each engine discovers them on its own
        // schedule, so what their own proxies report differs by the seconds each missed:
        // skip the CronJob and the service row built from its pods' outbound metrics.
        if (wa.kind === 'cronjobs' || what === 'booksapp/services/webapp') continue;
        close(wa.rps, wb?.rps ?? null, 0.03, `${what} rps`);
        sameSr(wa.successRate, wb?.successRate ?? null, `${what} success rate`);
        sameBucket(wa.latencyMs.p95, wb?.latencyMs.p95 ?? null, `${what} p95`);
        close(wa.mtls.securedShare, wb?.mtls.securedShare ?? null, 0.01, `${what} mTLS share`);
        if (wa.rps !== null) withTraffic++;
      }
      // Servers only: emojivoto's web, emoji, emoji-canary, voting, geo-lookup and their 5
      // services; booksapp's webapp, books, authors, the recommendations Rollout and the books,
      // authors and recommendations services.
      expect(withTraffic).toBe(ns === 'emojivoto' ? 10 : 7);
    });
  }

  it('for every edge of the graph', async () => {
    const [a, b] = await Promise.all([
      embedded.get<GraphResponse>(`/api/v1/graph?namespaces=emojivoto,booksapp&window=${WINDOW}`),
      viaProm.get<GraphResponse>(`/api/v1/graph?namespaces=emojivoto,booksapp&window=${WINDOW}`),
    ]);
    expect(a.body.errors).toEqual([]);
    const steady = (e: { source: string }) => !e.source.includes('/cronjobs/');
    expect(a.body.edges.filter(steady).map((e) => e.id)).toEqual(
      b.body.edges.filter(steady).map((e) => e.id),
    );
    for (const ea of a.body.edges.filter(steady)) {
      const eb = b.body.edges.find((x) => x.id === ea.id);
      close(ea.rps, eb?.rps ?? null, 0.03, `${ea.id} rps`);
      sameSr(ea.successRate, eb?.successRate ?? null, `${ea.id} success rate`);
      sameBucket(ea.latencyMs.p95, eb?.latencyMs.p95 ?? null, `${ea.id} p95`);
      expect(ea.mtls.state, ea.id).toBe(eb?.mtls.state);
    }
    expect(a.body.edges.length).toBeGreaterThanOrEqual(13);
  });
});

describe('API numbers match PromQL written by hand', () => {
  it('workload RPS, success rate and p95 are the server side over the whole window', async () => {
    const { body } = await viaProm.get<WorkloadsResponse>(
      `/api/v1/namespaces/emojivoto/workloads?window=${WINDOW}`,
    );
    for (const name of ['web', 'emoji', 'voting']) {
      const row = body.workloads.find((w) => w.kind === 'deployments' && w.name === name);
      // The application's traffic: not the proxy's admin port (scrapes, linkerd2 #5212), nor
      // the kubelet's probes (admitted by the policy's default authorization `probe`).
      const sel = `direction="inbound",namespace="emojivoto",deployment="${name}",target_port!="4191",authz_name!="probe"`;
      const rps = await prom.scalar(`sum(rate(response_total{${sel}}[120s]))`);
      const sr = await prom.scalar(
        `sum(rate(response_total{${sel},classification="success"}[120s])) / sum(rate(response_total{${sel}}[120s]))`,
      );
      const p95 = await prom.scalar(
        `histogram_quantile(0.95, sum by (le) (rate(response_latency_ms_bucket{${sel}}[120s])))`,
      );
      close(row?.rps ?? null, rps ?? null, 0.03, `${name} rps`);
      sameSr(row?.successRate ?? null, sr ?? null, `${name} success rate`);
      sameBucket(row?.latencyMs.p95 ?? null, p95 ?? null, `${name} p95`);
    }
  });

  it('the unmeshed pair is plaintext with its reason; meshed pairs are all mTLS with the server identity', async () => {
    const { body } = await embedded.get<GraphResponse>('/api/v1/graph?namespaces=emojivoto');
    const geo = body.edges.find((e) => e.target === 'emojivoto/deployments/geo-lookup');
    expect(geo?.mtls).toMatchObject({
      state: 'none',
      securedShare: 0,
      reasons: [{ reason: 'not_provided_by_service_discovery', share: 1 }],
    });
    const voting = body.edges.find(
      (e) => e.id === 'emojivoto/deployments/web>emojivoto/deployments/voting',
    );
    expect(voting?.mtls).toMatchObject({
      state: 'all',
      securedShare: 1,
      clientIdentity: 'web.emojivoto.serviceaccount.identity.linkerd.cluster.local',
      serverIdentities: ['voting.emojivoto.serviceaccount.identity.linkerd.cluster.local'],
    });
  });
});

describe("API: the proxies' admin traffic is not the application's", () => {
  // Every proxy here is scraped three times over: by this Prometheus and the embedded API
  // (plaintext, no_tls_from_remote) and by linkerd-viz's Prometheus (meshed, mTLS), exactly
  // what real proxies record on 0.0.0.0:4191 (linkerd2 #5212).
  it('an idle meshed workload reports no traffic in both engines', async () => {
    for (const api of [embedded, viaProm]) {
      const { body } = await api.get<WorkloadsResponse>(
        `/api/v1/namespaces/linkerd-viz/workloads?window=${WINDOW}`,
      );
      const prometheus = body.workloads.find(
        (w) => w.kind === 'deployments' && w.name === 'prometheus',
      );
      expect(prometheus?.meshedPods).toBe(1);
      expect(prometheus, api.url).toMatchObject({
        rps: null,
        successRate: null,
        mtls: { state: null },
        latencyMs: { p50: null, p95: null, p99: null },
      });
    }
  });

  it("emojivoto's traffic between meshed pods is all mTLS, with no edge from the scrapers", async () => {
    for (const api of [embedded, viaProm]) {
      const [{ body: rows }, { body: graph }] = await Promise.all([
        api.get<WorkloadsResponse>(`/api/v1/namespaces/emojivoto/workloads?window=${WINDOW}`),
        api.get<GraphResponse>(`/api/v1/graph?namespaces=emojivoto&window=${WINDOW}`),
      ]);
      for (const name of ['web', 'emoji', 'voting']) {
        const row = rows.workloads.find((w) => w.kind === 'deployments' && w.name === name);
        expect(row?.mtls.state, `${api.url} ${name}`).toBe('all');
      }
      // vote-bot is called by nobody: scrapes do not make it a server.
      expect(rows.workloads.find((w) => w.name === 'vote-bot')?.rps).toBeNull();
      const meshed = new Set(graph.nodes.filter((n) => n.meshed).map((n) => n.id));
      const between = graph.edges.filter((e) => meshed.has(e.source) && meshed.has(e.target));
      expect(between.length).toBeGreaterThanOrEqual(3);
      for (const e of between) expect(e.mtls.state, e.id).toBe('all');
      expect(graph.nodes.map((n) => n.id)).not.toContain('emojivoto/unknown/unmeshed clients');
      expect(graph.edges.some((e) => e.source.startsWith('linkerd-viz/'))).toBe(false);
    }
  });

  it("shows who scrapes a workload apart, with the meshed scraper's identity", async () => {
    const { body } = await embedded.get<WorkloadDetail>(
      `/api/v1/namespaces/emojivoto/deployments/voting?window=${WINDOW}`,
    );
    const viz = body.scrapers.find(
      (s) => s.identity === 'prometheus.linkerd-viz.serviceaccount.identity.linkerd.cluster.local',
    );
    // linkerd-viz's Prometheus scrapes every 10 s.
    close(viz?.rps ?? null, 0.1, 0.15, 'linkerd-viz scrape rate');
    const plain = body.scrapers.find((s) => s.identity === null);
    expect(plain?.reason).toBe('no_tls_from_remote');
    // This Prometheus and the embedded API each scrape every SCRAPE seconds.
    expect(plain?.rps ?? 0).toBeGreaterThan(1.5 / SCRAPE);
    // The kubelet probes voting's one pod on its HTTP port, a liveness and a readiness probe
    // every 10 s (Kubernetes' default period): shown apart, out of its numbers, in both engines.
    for (const api of [embedded, viaProm]) {
      const { body: b } = await api.get<WorkloadDetail>(
        `/api/v1/namespaces/emojivoto/deployments/voting?window=${WINDOW}`,
      );
      close(b.probes?.rps ?? null, 2 / 10, 0.15, `${api.url} probe rate`);
      expect(b.probes?.successRate).toBe(1);
    }
  });
});

describe('API: a controller Linkerd has no special code for (Argo Rollouts)', () => {
  // linkerd2 GetOwnerKindAndName (isValidRSParent) stops at a ReplicaSet whose owner it does
  // not know: the pods carry `replicaset=<rs>`, callers `dst_replicaset=<rs>`, one per revision.
  const ROLLOUT_PODS = `namespace="booksapp",replicaset=~"recommendations-.+",target_port!="4191",authz_name!="probe"`;

  it('shows the Rollout as one workload, its revisions summed, as PromQL over its ReplicaSets says', async () => {
    const rps = await prom.scalar(
      `sum(rate(response_total{direction="inbound",${ROLLOUT_PODS}}[120s]))`,
    );
    const p95 = await prom.scalar(
      `histogram_quantile(0.95, sum by (le) (rate(response_latency_ms_bucket{direction="inbound",${ROLLOUT_PODS}}[120s])))`,
    );
    expect(rps).toBeGreaterThan(1);
    for (const api of [embedded, viaProm]) {
      const { body } = await api.get<WorkloadsResponse>(
        `/api/v1/namespaces/booksapp/workloads?window=${WINDOW}`,
      );
      expect(body.workloads.filter((w) => w.kind === 'replicasets')).toEqual([]);
      const row = body.workloads.find((w) => w.kind === 'rollouts' && w.name === 'recommendations');
      expect(row, api.url).toMatchObject({ meshedPods: 3, totalPods: 3, mtls: { state: 'all' } });
      close(row?.rps ?? null, rps ?? null, 0.03, `${api.url} rollout rps`);
      sameBucket(row?.latencyMs.p95 ?? null, p95 ?? null, `${api.url} rollout p95`);
    }
  });

  it('draws the Rollout as client and as server in the graph, and opens its page', async () => {
    const { body } = await viaProm.get<GraphResponse>(
      `/api/v1/graph?namespaces=booksapp&window=${WINDOW}`,
    );
    const id = 'booksapp/rollouts/recommendations';
    const incoming = body.edges.find((e) => e.target === id);
    const outgoing = body.edges.find((e) => e.source === id);
    expect(incoming?.source).toBe('booksapp/deployments/webapp');
    expect(outgoing?.target).toBe('booksapp/deployments/books');
    expect(outgoing?.mtls.state).toBe('all');
    expect(body.nodes.some((n) => n.kind === 'replicasets')).toBe(false);
    const callerRps = await prom.scalar(
      `sum(rate(response_total{direction="outbound",namespace="booksapp",deployment="webapp",dst_replicaset=~"recommendations-.+"}[120s]))`,
    );
    close(incoming?.rps ?? null, callerRps ?? null, 0.03, 'webapp -> recommendations rps');
    const detail = await embedded.get<WorkloadDetail>(
      `/api/v1/namespaces/booksapp/rollouts/recommendations?window=${WINDOW}`,
    );
    expect(detail.status).toBe(200);
    expect(detail.body.pods).toHaveLength(3);
    expect(detail.body.outbound.map((n) => n.node.name)).toEqual(['books']);
    const series = await embedded.get<TimeseriesResponse>(
      `/api/v1/timeseries?window=${WINDOW}&namespace=booksapp&kind=rollouts&name=recommendations`,
    );
    expect(series.status).toBe(200);
    expect(series.body.points.some((p) => p.rps !== null)).toBe(true);
  });
});

describe('API: gRPC statuses by name', () => {
  it("web's calls to emoji-svc take its GRPCRoute: UNAVAILABLE now and then, retried once, as PromQL on the names says", async () => {
    // Gateway-API gRPC route families name grpc_status (linkerd2-proxy route/metrics/labels.rs).
    // emoji-svc has no ServiceProfile, so its GRPCRoute applies, with retries from its own
    // `retry.linkerd.io/grpc` (linkerd2 policy controller, parse_grpc_retry): the backend
    // families count every attempt, the route's statuses what web saw after retries.
    const sel = `namespace="emojivoto",deployment="web",parent_name="emoji-svc",route_kind="GRPCRoute"`;
    const okShare = (family: string) =>
      prom.scalar(
        `sum(rate(${family}{${sel},grpc_status="OK"}[${WINDOW}])) / sum(rate(${family}{${sel}}[${WINDOW}]))`,
      );
    const [attemptsSr, sr, sent] = await Promise.all([
      okShare('outbound_grpc_route_backend_response_statuses_total'),
      okShare('outbound_grpc_route_request_statuses_total'),
      prom.scalar(`sum(rate(outbound_grpc_route_retry_requests_total{${sel}}[${WINDOW}]))`),
    ]);
    expect(attemptsSr).toBeLessThan(0.995);
    expect(sent ?? 0).toBeGreaterThan(0);
    for (const api of [embedded, viaProm]) {
      const { body } = await api.get<RoutesResponse>(
        `/api/v1/routes?window=${WINDOW}&namespace=emojivoto&kind=deployments&name=web&to=emojivoto/emoji-svc`,
      );
      expect(body.routes.map((r) => r.name)).toEqual(['emoji-svc']);
      // The route histogram's bounds (0.05, 0.5, 1, 10 s): its quantiles are ranges, not exact.
      expect(body.latencyBucketsMs).toEqual([50, 500, 1000, 10_000]);
      const route = body.routes[0];
      expect(route?.config).toEqual({
        source: 'GRPCRoute',
        object: 'GRPCRoute.gateway.networking.k8s.io/emojivoto/emoji-svc',
        configuredBy: "retries: the route's annotations; timeout: the route's annotations",
        retries: 'on unavailable, up to 1',
        timeout: 'request 2s',
      });
      sameSr(
        route?.effective.successRate ?? null,
        sr ?? null,
        `${api.url} emoji route`,
        route?.effective.rps,
      );
      sameSr(
        route?.actual?.successRate ?? null,
        attemptsSr ?? null,
        `${api.url} emoji attempts`,
        route?.actual?.rps,
      );
      close(route?.retries?.rps ?? null, sent ?? null, 0.1, `${api.url} emoji retries/s`);
    }
  });
});

describe('API: traffic split', () => {
  it("shows emoji-svc's 90/10 canary: configured weights beside the shares PromQL gives, in both engines", async () => {
    // Gateway API backendRefs weights (1 unless given); the backend families count every
    // attempt by the backend Service it went to (linkerd2-proxy outbound backend metrics).
    const sel = `namespace="emojivoto",deployment="web",parent_name="emoji-svc"`;
    const backend = (name: string) =>
      prom.scalar(
        `sum(rate(outbound_grpc_route_backend_requests_total{${sel},backend_name="${name}"}[${WINDOW}]))`,
      );
    const [main, canary, canarySr] = await Promise.all([
      backend('emoji-svc'),
      backend('emoji-canary-svc'),
      prom.scalar(
        `sum(rate(outbound_grpc_route_backend_response_statuses_total{${sel},backend_name="emoji-canary-svc",grpc_status="OK"}[${WINDOW}])) / sum(rate(outbound_grpc_route_backend_response_statuses_total{${sel},backend_name="emoji-canary-svc"}[${WINDOW}]))`,
      ),
    ]);
    const share = (canary ?? 0) / ((canary ?? 0) + (main ?? 0));
    expect(share).toBeGreaterThan(0.07);
    expect(share).toBeLessThan(0.13);
    for (const api of [embedded, viaProm]) {
      const { body } = await api.get<RoutesResponse>(
        `/api/v1/routes?window=${WINDOW}&namespace=emojivoto&kind=deployments&name=web&to=emojivoto/emoji-svc`,
      );
      const backends = body.routes[0]?.backends ?? [];
      expect(backends.map((b) => [b.namespace, b.name, b.weight])).toEqual([
        ['emojivoto', 'emoji-svc', 0.9],
        ['emojivoto', 'emoji-canary-svc', 0.1],
      ]);
      const c = backends[1];
      expect(Math.abs((c?.share ?? 0) - share), `${api.url} canary share`).toBeLessThan(0.02);
      close(c?.rps ?? null, canary ?? null, 0.1, `${api.url} canary rps`);
      sameSr(c?.successRate ?? null, canarySr ?? null, `${api.url} canary success`, c?.rps);
      expect(body.backendLatencyBucketsMs).toEqual([25, 50, 100, 250, 500, 1000, 10_000]);
    }
    // A route of a ServiceProfile has no backends to show.
    const { body } = await embedded.get<RoutesResponse>(
      `/api/v1/routes?window=${WINDOW}&namespace=emojivoto&kind=deployments&name=web&to=emojivoto/voting-svc`,
    );
    expect(body.routes.every((r) => r.backends === null)).toBe(true);
  });
});

describe('API: opaque routes', () => {
  it("counts books' connections to mysql on its TCPRoute, and those its missing backend failed, as PromQL does", async () => {
    // linkerd2-proxy TcpMetricsParams: outbound_tcp_route_open_total per connection and
    // outbound_tcp_route_close_total with an `error` label, under parent_* and route_*.
    const sel = `namespace="booksapp",deployment="books",parent_name="mysql",route_kind="TCPRoute",route_name="mysql"`;
    const [opened, failed, closed] = await Promise.all([
      prom.scalar(`sum(rate(outbound_tcp_route_open_total{${sel}}[${WINDOW}]))`),
      prom.scalar(
        `sum(rate(outbound_tcp_route_close_total{${sel},error="invalid_backend"}[${WINDOW}]))`,
      ),
      prom.scalar(`sum(rate(outbound_tcp_route_close_total{${sel}}[${WINDOW}]))`),
    ]);
    // books reconnects twice a second; a tenth of the picks land on the missing replica.
    expect(opened ?? 0).toBeGreaterThan(2);
    expect((failed ?? 0) / (opened ?? 1)).toBeGreaterThan(0.07);
    expect((failed ?? 0) / (opened ?? 1)).toBeLessThan(0.13);
    for (const api of [embedded, viaProm]) {
      const { status, body } = await api.get<RoutesResponse>(
        `/api/v1/routes?window=${WINDOW}&namespace=booksapp&kind=deployments&name=books&to=booksapp/mysql`,
      );
      expect(status).toBe(200);
      expect(body.opaqueRoutes.map((r) => [r.kind, r.name, r.protocol, r.object])).toEqual([
        ['TCPRoute', 'mysql', 'tcp', 'TCPRoute.gateway.networking.k8s.io/booksapp/mysql'],
      ]);
      const r = body.opaqueRoutes[0];
      close(r?.openedPerSecond ?? null, opened ?? null, 0.03, `${api.url} opened`);
      close(r?.closedPerSecond ?? null, closed ?? null, 0.03, `${api.url} closed`);
      close(r?.failedPerSecond ?? null, failed ?? null, 0.05, `${api.url} failed`);
      expect(r?.errors.map((e) => e.error)).toEqual(['invalid_backend']);
      expect(r?.backends).toEqual([
        { namespace: 'booksapp', name: 'mysql', weight: 0.9, exists: true },
        { namespace: 'booksapp', name: 'mysql-replica', weight: 0.1, exists: false },
      ]);
    }
    // Calls that are not opaque have no opaque routes.
    const { body } = await embedded.get<RoutesResponse>(
      `/api/v1/routes?window=${WINDOW}&namespace=emojivoto&kind=deployments&name=web&to=emojivoto/emoji-svc`,
    );
    expect(body.opaqueRoutes).toEqual([]);
  });
});

describe('API: egress', () => {
  it("shows booksapp's EgressNetwork, the hosts it lets through and those it refuses, as PromQL says", async () => {
    // Labels as the egress guide of the Linkerd docs shows them: parent_kind="EgressNetwork",
    // the network's default route `http-egress-deny` (403) / `tls-egress-deny` (closed with
    // error="forbidden") under trafficPolicy Deny, and `hostname` where
    // config.linkerd.io/proxy-metrics-hostname-labels is "true" (booksapp's namespace).
    const net = `namespace="booksapp",parent_kind="EgressNetwork",parent_namespace="booksapp",parent_name="internet"`;
    const [covers, coversFailed, telemetry, openlibrary, tracker, trackerRefused] =
      await Promise.all([
        prom.scalar(
          `sum(rate(outbound_http_route_request_statuses_total{${net},deployment="authors",hostname="covers.openlibrary.org",route_name="book-covers"}[${WINDOW}]))`,
        ),
        prom.scalar(
          `sum(rate(outbound_http_route_request_statuses_total{${net},deployment="authors",hostname="covers.openlibrary.org",http_status=~"5.."}[${WINDOW}]))`,
        ),
        prom.scalar(
          `sum(rate(outbound_http_route_request_statuses_total{${net},deployment="webapp",hostname="telemetry.vendor.example",route_name="http-egress-deny",http_status="403"}[${WINDOW}]))`,
        ),
        prom.scalar(
          `sum(rate(outbound_tls_route_open_total{${net},deployment="books",hostname="openlibrary.org",route_kind="TLSRoute",route_name="openlibrary"}[${WINDOW}]))`,
        ),
        prom.scalar(
          `sum(rate(outbound_tls_route_open_total{${net},deployment="webapp",hostname="tracker.adnetwork.example",route_name="tls-egress-deny"}[${WINDOW}]))`,
        ),
        prom.scalar(
          `sum(rate(outbound_tls_route_close_total{${net},deployment="webapp",hostname="tracker.adnetwork.example",error="forbidden"}[${WINDOW}]))`,
        ),
      ]);
    // The scenario's rates: 1 rps of covers (5 % answered 503), 0.5 rps of telemetry, 0.5
    // TLS connections a second to openlibrary.org, 0.2 to the tracker, each refused.
    close(covers ?? null, 1, 0.05, 'covers in PromQL');
    close(telemetry ?? null, 0.5, 0.05, 'telemetry in PromQL');
    close(openlibrary ?? null, 0.5, 0.05, 'openlibrary in PromQL');
    close(tracker ?? null, 0.2, 0.05, 'tracker in PromQL');
    close(trackerRefused ?? null, tracker ?? null, 0.03, 'tracker refused in PromQL');
    for (const api of [embedded, viaProm]) {
      const { status, body } = await api.get<EgressResponse>(`/api/v1/egress?window=${WINDOW}`);
      expect(status).toBe(200);
      expect(body.errors).toEqual([]);
      expect(body.hostnamesRecorded).toBe(true);
      expect(body.networks.map((n) => [n.namespace, n.name, n.trafficPolicy, n.scope])).toEqual([
        ['booksapp', 'internet', 'Deny', 'namespace'],
      ]);
      expect(body.networks[0]?.routes.map((r) => [r.kind, r.name, r.hostnames, r.port])).toEqual([
        ['HTTPRoute', 'book-covers', ['covers.openlibrary.org'], 80],
        ['TLSRoute', 'openlibrary', ['openlibrary.org'], 443],
      ]);
      const row = (host: string) => {
        const r = body.destinations.find((d) => d.hostname === host);
        expect(r, `${api.url}: ${host}`).toBeDefined();
        return r as EgressResponse['destinations'][number];
      };
      const c = row('covers.openlibrary.org');
      expect([c.client.name, c.protocol, c.port, c.route.kind, c.route.name, c.verdict]).toEqual([
        'authors',
        'http',
        80,
        'HTTPRoute',
        'book-covers',
        'allowed',
      ]);
      close(c.perSecond, covers ?? null, 0.03, `${api.url} covers`);
      close(c.failedPerSecond, coversFailed ?? null, 0.05, `${api.url} covers failed`);
      const t = row('telemetry.vendor.example');
      expect([t.client.name, t.route.name, t.verdict, t.successRate]).toEqual([
        'webapp',
        'http-egress-deny',
        'denied',
        0,
      ]);
      close(t.perSecond, telemetry ?? null, 0.03, `${api.url} telemetry`);
      expect(t.outcomes.map((o) => o.outcome)).toEqual(['403']);
      const o = row('openlibrary.org');
      expect([o.client.name, o.protocol, o.route.name, o.verdict, o.failedPerSecond]).toEqual([
        'books',
        'tls',
        'openlibrary',
        'allowed',
        0,
      ]);
      close(o.perSecond, openlibrary ?? null, 0.03, `${api.url} openlibrary`);
      const k = row('tracker.adnetwork.example');
      expect([k.protocol, k.route.name, k.verdict]).toEqual(['tls', 'tls-egress-deny', 'denied']);
      close(k.failedPerSecond, trackerRefused ?? null, 0.03, `${api.url} tracker refused`);
      expect(k.outcomes.map((x) => x.outcome)).toEqual(['forbidden']);
      close(
        body.networks[0]?.deniedRequestsPerSecond ?? null,
        telemetry ?? null,
        0.03,
        `${api.url} network denied`,
      );
      // The graph: each client to the EgressNetwork, refused requests as failures.
      const graph = (
        await api.get<GraphResponse>(`/api/v1/graph?window=${WINDOW}&namespaces=booksapp`)
      ).body;
      const edge = graph.edges.find(
        (e) => e.id === 'booksapp/deployments/webapp>booksapp/egressnetworks/internet',
      );
      expect(edge?.successRate).toBe(0);
      close(edge?.rps ?? null, telemetry ?? null, 0.03, `${api.url} webapp egress edge`);
      expect(graph.nodes.find((n) => n.id === 'booksapp/egressnetworks/internet')?.meshed).toBe(
        false,
      );
    }
  });
});

describe('API: an external workload (mesh expansion)', () => {
  it("shows booksapp's VM as a workload of its own, its calls to books on mTLS from its URI identity, as PromQL says", async () => {
    // linkerd2's endpoint translator gives an ExternalWorkload's address the metric label
    // `external_workload`; the VM's own proxy is scraped by a job of its own (no pod for
    // kubernetes_sd), which labels it with its namespace and `external_workload`.
    const promql = `sum(rate(request_total{namespace="booksapp",external_workload="legacy-billing",direction="outbound",dst_service="books",tls="true"}[${WINDOW}]))`;
    const expected = await prom.scalar(promql);
    // The scenario's 0.8 rps.
    close(expected ?? null, 0.8, 0.05, 'legacy-billing in PromQL');
    for (const api of [embedded, viaProm]) {
      const w = (
        await api.get<WorkloadsResponse>(
          `/api/v1/namespaces/booksapp/workloads?window=${WINDOW}&kind=externalworkloads`,
        )
      ).body;
      expect(w.workloads.map((x) => [x.kind, x.name, x.meshedPods, x.totalPods])).toEqual([
        ['externalworkloads', 'legacy-billing', 1, 1],
      ]);
      const detail = (
        await api.get<WorkloadDetail>(
          `/api/v1/namespaces/booksapp/externalworkloads/legacy-billing?window=${WINDOW}`,
        )
      ).body;
      expect(detail.pods.map((p) => [p.name, p.meshed, p.identity])).toEqual([
        ['legacy-billing', true, 'spiffe://root.linkerd.cluster.local/legacy-billing'],
      ]);
      const graph = (
        await api.get<GraphResponse>(`/api/v1/graph?window=${WINDOW}&namespaces=booksapp`)
      ).body;
      const edge = graph.edges.find(
        (e) => e.id === 'booksapp/externalworkloads/legacy-billing>booksapp/deployments/books',
      );
      close(edge?.rps ?? null, expected ?? null, 0.03, `${api.url} legacy-billing > books`);
      expect(edge?.mtls.state).toBe('all');
      expect(edge?.mtls.clientIdentity).toBe('spiffe://root.linkerd.cluster.local/legacy-billing');
      expect(edge?.mtls.serverIdentities).toEqual([
        'books.booksapp.serviceaccount.identity.linkerd.cluster.local',
      ]);
    }
  });
});

describe('API routes', () => {
  const routes = (api: RunningApi, q: string) =>
    api.get<RoutesResponse>(`/api/v1/routes?window=${WINDOW}&${q}`);

  it('agree between engines for every route of every call, effective and actual', async () => {
    const calls = [
      'namespace=emojivoto&kind=deployments&name=web&to=emojivoto/voting-svc',
      'namespace=emojivoto&kind=deployments&name=web&to=emojivoto/emoji-svc',
      'namespace=emojivoto&kind=deployments&name=vote-bot&to=emojivoto/web-svc',
      'namespace=booksapp&kind=deployments&name=books&to=booksapp/authors',
      'namespace=booksapp&kind=deployments&name=webapp&to=booksapp/books',
      'namespace=booksapp&kind=deployments&name=traffic&to=booksapp/webapp',
      'namespace=emojivoto&kind=deployments&name=voting',
    ];
    let compared = 0;
    for (const q of calls) {
      const [a, b] = await Promise.all([routes(embedded, q), routes(viaProm, q)]);
      expect(a.status, q).toBe(200);
      expect(a.body.errors, q).toEqual([]);
      expect(a.body.routes.map((r) => r.name)).toEqual(b.body.routes.map((r) => r.name));
      for (const ra of a.body.routes) {
        const rb = b.body.routes.find((x) => x.name === ra.name);
        expect(ra.config, `${q} ${ra.name}`).toEqual(rb?.config);
        close(ra.effective.rps, rb?.effective.rps ?? null, 0.03, `${q} ${ra.name} rps`);
        sameSr(
          ra.effective.successRate,
          rb?.effective.successRate ?? null,
          `${q} ${ra.name} success rate`,
          ra.effective.rps,
        );
        // A p95 over fewer than 100 requests rests on one or two observations: compare where it means something.
        if ((ra.effective.rps ?? 0) * WINDOW_SECONDS >= 100) {
          sameBucket(
            ra.effective.latencyMs.p95,
            rb?.effective.latencyMs.p95 ?? null,
            `${q} ${ra.name} p95`,
          );
        }
        close(ra.actual?.rps ?? null, rb?.actual?.rps ?? null, 0.03, `${q} ${ra.name} actual rps`);
        if (ra.effective.rps !== null) compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(20);
  });

  it("take a workload's own routes from the 2.19+ inbound route families where its proxies write them", async () => {
    // linkerd2-proxy inbound http/router/metrics.rs: inbound_http_requests_total by
    // parent_{group,kind,name,port} and route_{group,kind,name}, no namespace; requests the
    // policy admitted only. webapp has no ServiceProfile; half the scraper's requests are
    // refused by its rate limit before they reach it, which the legacy families count.
    const sel = `namespace="booksapp",deployment="webapp"`;
    // The kubelet's probes go by the policy's default route `probe`: not the app's traffic.
    const app = `${sel},route_name!="probe"`;
    const [requests, failed, legacy] = await Promise.all([
      prom.scalar(`sum(rate(inbound_http_requests_total{${app}}[${WINDOW}]))`),
      prom.scalar(`sum(rate(inbound_http_statuses_total{${app},status=~"5.."}[${WINDOW}]))`),
      prom.scalar(`sum(rate(response_total{${sel},direction="inbound"}[${WINDOW}]))`),
    ]);
    expect((legacy ?? 0) - (requests ?? 0)).toBeGreaterThan(2.5);
    for (const api of [embedded, viaProm]) {
      const { body } = await routes(api, 'namespace=booksapp&kind=deployments&name=webapp');
      expect(body.direction).toBe('inbound');
      // Its one inbound route (the proxies' default); the Service's HTTPRoute is listed too.
      const r = body.routes.find((x) => x.name === 'default');
      close(r?.effective.rps ?? null, requests ?? null, 0.03, `${api.url} webapp inbound rps`);
      sameSr(
        r?.effective.successRate ?? null,
        requests ? 1 - (failed ?? 0) / requests : null,
        `${api.url} webapp inbound success`,
        requests,
      );
      // Its duration histogram's buckets: 50 ms, 500 ms, 1 s, 10 s.
      expect(body.latencyBucketsMs).toEqual([50, 500, 1000, 10_000]);
    }
  });

  it('find the doughnut vote with a poor success rate on voting, from both sides', async () => {
    for (const q of [
      'namespace=emojivoto&kind=deployments&name=web&to=emojivoto/voting-svc',
      'namespace=emojivoto&kind=deployments&name=voting',
    ]) {
      const { body } = await routes(embedded, q);
      const doughnut = body.routes.find((r) => r.name === 'VoteDoughnut');
      expect(doughnut?.config.source, q).toBe('ServiceProfile');
      expect(doughnut?.effective.successRate, q).toBe(0);
      expect(body.routes.find((r) => r.name === 'VoteJoy')?.effective.successRate, q).toBe(1);
    }
  });

  it('show retries: the retryable route sends more than asked and succeeds more than its attempts', async () => {
    const { body } = await routes(
      viaProm,
      'namespace=booksapp&kind=deployments&name=books&to=booksapp/authors',
    );
    const head = body.routes.find((r) => r.name === 'HEAD /authors/{id}.json');
    expect(head?.config.retries).toBe('retry budget 20% + 1/s over 10s');
    expect(head?.actual?.rps ?? 0).toBeGreaterThan((head?.effective.rps ?? Infinity) * 1.2);
    expect(head?.effective.successRate ?? 0).toBeGreaterThan(
      (head?.actual?.successRate ?? 1) + 0.1,
    );
  });

  it("show retries by a Service's annotations as the proxies count them, in both engines, as PromQL says", async () => {
    // linkerd2-proxy linkerd-http-retry (its source): `requests` counts retries sent, not first
    // attempts; `successes` the retries whose response was no longer retryable;
    // `limit_exceeded` the requests still retryable when the limit ran out. Labelled by the
    // route's parent_* and route_* (outbound route/retry.rs). linkerd/website 2.19
    // reference/retries.md: a Service's annotations apply to requests to it.
    const q = 'namespace=booksapp&kind=deployments&name=webapp&to=booksapp/recommendations';
    const sel = `namespace="booksapp",deployment="webapp",parent_name="recommendations"`;
    const promql = (counter: string) =>
      prom.scalar(`sum(rate(outbound_http_route_retry_${counter}_total{${sel}}[${WINDOW}]))`);
    const [a, b, sent, ok, exceeded, requests] = await Promise.all([
      routes(embedded, q),
      routes(viaProm, q),
      promql('requests'),
      promql('successes'),
      promql('limit_exceeded'),
      prom.scalar(`sum(rate(outbound_http_route_request_statuses_total{${sel}}[${WINDOW}]))`),
    ]);
    // webapp asks 1.5 rps; one answer in four is a 503, retried once; a quarter of those fail again.
    expect(sent ?? 0).toBeGreaterThan((requests ?? 0) * 0.15);
    expect(sent ?? 0).toBeLessThan((requests ?? 0) * 0.35);
    expect(exceeded ?? 0).toBeGreaterThan(0);
    expect(ok ?? 0).toBeGreaterThan(exceeded ?? 0);
    for (const [engine, res] of [
      ['embedded', a],
      ['Prometheus', b],
    ] as const) {
      expect(res.body.errors, engine).toEqual([]);
      const row = res.body.routes.find((r) => (r.retries?.rps ?? 0) > 0);
      expect(row?.config, engine).toEqual({
        source: 'default',
        object: null,
        configuredBy:
          'retries: Service booksapp/recommendations annotations; timeout: Service booksapp/recommendations annotations',
        retries: 'on 5xx, up to 1',
        timeout: 'request 2s',
      });
      close(row?.retries?.rps ?? null, sent ?? null, 0.05, `${engine} retries/s`);
      close(
        row?.retries?.limitExceededRps ?? null,
        exceeded ?? null,
        0.05,
        `${engine} limit exceeded/s`,
      );
      sameSr(
        row?.retries?.successRate ?? null,
        (ok ?? 0) / (sent ?? 1),
        `${engine} retry success`,
        sent,
      );
      // What the app saw after retries is better than the attempts.
      expect(row?.effective.successRate ?? 0, engine).toBeGreaterThan(
        (row?.actual?.successRate ?? 1) + 0.1,
      );
    }
    // Routes without retry counters (ServiceProfile) carry none.
    const books = await routes(
      embedded,
      'namespace=booksapp&kind=deployments&name=webapp&to=booksapp/books',
    );
    expect(books.body.routes.every((r) => r.retries === null)).toBe(true);
  });

  it('mark the HTTPRoute a ServiceProfile shadows, and apply the one that is not', async () => {
    const books = await routes(
      embedded,
      'namespace=booksapp&kind=deployments&name=webapp&to=booksapp/books',
    );
    expect(books.body.shadowedHttpRoutes).toEqual([
      {
        object: 'HTTPRoute.gateway.networking.k8s.io/booksapp/books-timeout',
        reason: 'ignored while ServiceProfile books.booksapp.svc.cluster.local exists',
      },
    ]);
    const webapp = await routes(
      embedded,
      'namespace=booksapp&kind=deployments&name=traffic&to=booksapp/webapp',
    );
    const timed = webapp.body.routes.find((r) => r.name === 'webapp-books-timeout');
    expect(timed?.config).toMatchObject({ source: 'HTTPRoute', timeout: 'request 200ms' });
    // traffic's requests all declare success; only the 200 ms timeout fails some.
    expect(timed?.effective.successRate ?? 1).toBeLessThan(0.99);
    expect(webapp.body.shadowedHttpRoutes).toEqual([]);
  });
});

describe('API time series', () => {
  const mean = (xs: (number | null)[]) => {
    const v = xs.filter((x): x is number => x !== null);
    return v.reduce((a, b) => a + b, 0) / v.length;
  };

  it('for a workload, both engines give the same points, and their mean matches the rate over the window', async () => {
    const q = `/api/v1/timeseries?namespace=emojivoto&kind=deployments&name=web&window=${WINDOW}`;
    const [a, b, row] = await Promise.all([
      embedded.get<TimeseriesResponse>(q),
      viaProm.get<TimeseriesResponse>(q),
      viaProm.get<WorkloadsResponse>(`/api/v1/namespaces/emojivoto/workloads?window=${WINDOW}`),
    ]);
    expect(a.status).toBe(200);
    expect(a.body.errors).toEqual([]);
    expect(a.body.stepSeconds).toBe(b.body.stepSeconds);
    expect(a.body.points.map((p) => p.t)).toEqual(b.body.points.map((p) => p.t));
    expect(a.body.points.length).toBe(WINDOW_SECONDS / a.body.stepSeconds + 1);
    const web = row.body.workloads.find((w) => w.name === 'web');
    // Points near the window's start may lack a full lookback; the mean of the rest tracks the window's rate.
    const later = (r: TimeseriesResponse) => r.points.slice(Math.ceil(r.points.length / 3));
    expect(
      Math.abs(mean(later(a.body).map((p) => p.rps)) - (web?.rps ?? 0)) / (web?.rps ?? 1),
    ).toBeLessThan(0.1);
    expect(
      Math.abs(mean(later(b.body).map((p) => p.rps)) - (web?.rps ?? 0)) / (web?.rps ?? 1),
    ).toBeLessThan(0.1);
    expect(
      Math.abs(mean(later(a.body).map((p) => p.successRate)) - (web?.successRate ?? 0)),
    ).toBeLessThan(0.05);
  });

  it('for an unmeshed workload, the chart counts what its clients saw, as its table row does', async () => {
    // geo-lookup has no proxy: no inbound series; web's outbound to it is the only view.
    const q = `/api/v1/timeseries?namespace=emojivoto&kind=deployments&name=geo-lookup&window=${WINDOW}`;
    const [series, rows] = await Promise.all([
      embedded.get<TimeseriesResponse>(q),
      embedded.get<WorkloadsResponse>(`/api/v1/namespaces/emojivoto/workloads?window=${WINDOW}`),
    ]);
    const geo = rows.body.workloads.find((w) => w.name === 'geo-lookup');
    expect(geo?.meshedPods).toBe(0);
    expect(geo?.rps).toBeGreaterThan(0.3);
    const later = series.body.points.slice(Math.ceil(series.body.points.length / 3));
    expect(
      Math.abs(mean(later.map((p) => p.rps)) - (geo?.rps ?? 0)) / (geo?.rps ?? 1),
    ).toBeLessThan(0.15);
  });

  it('for the doughnut route, every point with traffic has a success rate of 0', async () => {
    const { body } = await embedded.get<TimeseriesResponse>(
      `/api/v1/timeseries?namespace=emojivoto&kind=deployments&name=web&to=emojivoto/voting-svc&route=VoteDoughnut&window=${WINDOW}`,
    );
    const withTraffic = body.points.filter((p) => p.rps !== null);
    expect(withTraffic.length).toBeGreaterThan(10);
    expect(withTraffic.every((p) => p.successRate === 0)).toBe(true);
  });

  it('for an edge, the rate from the client to that workload only; bad subjects are 400s', async () => {
    const { body } = await embedded.get<TimeseriesResponse>(
      `/api/v1/timeseries?namespace=emojivoto&kind=deployments&name=web&peer=emojivoto/deployments/voting&window=${WINDOW}`,
    );
    // web -> voting-svc is declared at 3.5 rps.
    expect(Math.abs(mean(body.points.slice(8).map((p) => p.rps)) - 3.5) / 3.5).toBeLessThan(0.1);
    expect(
      (
        await embedded.get(
          '/api/v1/timeseries?namespace=emojivoto&kind=deployments&name=web&peer=voting',
        )
      ).status,
    ).toBe(400);
  });

  it("without a service, a route's series is the workload's own inbound route", async () => {
    const { status, body } = await embedded.get<TimeseriesResponse>(
      `/api/v1/timeseries?namespace=emojivoto&kind=deployments&name=voting&route=VoteDoughnut&window=${WINDOW}`,
    );
    expect(status).toBe(200);
    const withTraffic = body.points.filter((p) => p.rps !== null);
    expect(withTraffic.length).toBeGreaterThan(10);
    expect(withTraffic.every((p) => p.successRate === 0)).toBe(true);
    // web serves no route of that name: no traffic, not an error.
    const none = await embedded.get<TimeseriesResponse>(
      `/api/v1/timeseries?namespace=emojivoto&kind=deployments&name=web&route=VoteDoughnut&window=${WINDOW}`,
    );
    expect(none.status).toBe(200);
    expect(none.body.points.every((p) => p.rps === null)).toBe(true);
  });
});

describe('API mTLS', () => {
  it('names every plaintext edge with its reason, the unmeshed workloads and the certificate nearest expiry', async () => {
    const [a, b] = await Promise.all([
      embedded.get<MtlsResponse>(`/api/v1/mtls?window=${WINDOW}`),
      viaProm.get<MtlsResponse>(`/api/v1/mtls?window=${WINDOW}`),
    ]);
    expect(a.status).toBe(200);
    expect(a.body.errors).toEqual([]);
    expect(a.body.mesh.state).toBe('some');
    close(a.body.mesh.securedShare, b.body.mesh.securedShare, 0.01, 'mesh secured share');
    expect(a.body.plaintextEdges.map((e) => [e.id, e.mtls.reasons.map((r) => r.reason)])).toEqual([
      ['booksapp/unknown/unmeshed clients>booksapp/deployments/webapp', ['no_tls_from_remote']],
      [
        'emojivoto/deployments/web>emojivoto/deployments/geo-lookup',
        ['not_provided_by_service_discovery'],
      ],
    ]);
    expect(
      a.body.unmeshedWorkloads.map((w) => `${w.namespace}/${w.name}:${w.injectionPending}`),
    ).toEqual(['booksapp/legacy-reporter:true', 'emojivoto/geo-lookup:false']);
    // log-collector's certificate failed to renew and expires in about 3 hours (booksapp scenario).
    for (const r of [a, b]) {
      expect(r.body.certificates[0]?.pod).toMatch(/^log-collector-/);
      expect(r.body.certificates[0]?.secondsLeft).toBeLessThan(3 * 3600 + 60);
      expect(r.body.certificates[0]?.secondsLeft).toBeGreaterThan(3 * 3600 - 600);
    }
    expect(a.body.certificates.length).toBe(b.body.certificates.length);
  });
});

describe('API TLS providers', () => {
  it("counts each proxy's TLS provider as PromQL does, post-quantum and FIPS marked", async () => {
    // rustls_info (linkerd2-proxy tls_info.rs, #4033): comma-terminated lists, tls_fips a
    // boolean. The demo runs voting on a FIPS build and mysql on edge-25.8.2, before
    // linkerd2-proxy#4070 put X25519MLKEM768 first; every other proxy prefers it.
    const [a, b, counted, total] = await Promise.all([
      embedded.get<MtlsResponse>(`/api/v1/mtls?window=${WINDOW}`),
      viaProm.get<MtlsResponse>(`/api/v1/mtls?window=${WINDOW}`),
      prom.query('count by (tls_kx_groups, tls_fips) (rustls_info)'),
      prom.scalar('count(rustls_info)'),
    ]);
    const want = Object.fromEntries(
      counted.map((s) => [`${s.metric.tls_kx_groups}|${s.metric.tls_fips}`, Number(s.value[1])]),
    );
    for (const r of [a, b]) {
      expect(r.status).toBe(200);
      const got = Object.fromEntries(
        r.body.tlsProviders.map((p) => [`${p.kxGroups.join(',')},|${p.fips}`, p.proxies]),
      );
      expect(got).toEqual(want);
      expect(r.body.tlsInfo).toMatchObject({ reporting: total, proxies: total });
      const fips = r.body.tlsProviders.find((p) => p.fips);
      expect(fips).toMatchObject({
        kxGroups: ['SECP256R1MLKEM768', 'secp256r1', 'secp384r1'],
        postQuantumPreferred: true,
        workloads: [{ namespace: 'emojivoto', kind: 'deployments', name: 'voting' }],
      });
      expect(fips?.suites).not.toContain('TLS13_CHACHA20_POLY1305_SHA256');
      const late = r.body.tlsProviders.find((p) => !p.postQuantumPreferred);
      expect(late).toMatchObject({
        kxGroups: ['X25519', 'secp256r1', 'secp384r1', 'X25519MLKEM768'],
        postQuantumOffered: true,
        workloads: [{ namespace: 'booksapp', kind: 'statefulsets', name: 'mysql' }],
      });
      expect(r.body.tlsInfo.postQuantumPreferred).toBe((total ?? 0) - (late?.proxies ?? 0));
      expect(r.body.tlsInfo.fips).toBe(fips?.proxies);
    }
  });
});

describe('API workload detail', () => {
  it('shows web with its pod, who calls it and whom it calls, with identities', async () => {
    const { status, body } = await embedded.get<WorkloadDetail>(
      `/api/v1/namespaces/emojivoto/deployments/web?window=${WINDOW}`,
    );
    expect(status).toBe(200);
    expect(body.workload).toMatchObject({
      kind: 'deployments',
      name: 'web',
      meshedPods: 1,
      identity: 'web.emojivoto.serviceaccount.identity.linkerd.cluster.local',
      injectionPending: false,
    });
    expect(body.inbound.map((n) => n.node.name)).toEqual(['vote-bot']);
    // emoji-canary takes a tenth of emoji-svc's RPCs (its GRPCRoute's split).
    expect(body.outbound.map((n) => n.node.name).sort()).toEqual([
      'emoji',
      'emoji-canary',
      'geo-lookup',
      'voting',
    ]);
    expect(body.pods).toHaveLength(1);
    close(body.pods[0]?.rps ?? null, body.workload.rps, 0.001, 'pod vs workload rps');
    expect(body.outbound.find((n) => n.node.name === 'geo-lookup')?.node.meshed).toBe(false);
    // Its inbound routes come from web-svc's ServiceProfile.
    expect(body.routes.map((r) => r.name)).toEqual(['GET /api/list', 'GET /api/vote', '[DEFAULT]']);
    expect(body.routes.find((r) => r.name === 'GET /api/vote')?.effective.successRate).toBeLessThan(
      0.9,
    );
  });

  it('flags the pod created before injection was enabled', async () => {
    const { body } = await embedded.get<WorkloadDetail>(
      '/api/v1/namespaces/booksapp/deployments/legacy-reporter',
    );
    expect(body.workload).toMatchObject({ meshedPods: 0, totalPods: 1, injectionPending: true });
  });

  it('answers 404 for a workload that does not exist and 400 for a kind that is not one', async () => {
    expect((await embedded.get('/api/v1/namespaces/emojivoto/deployments/nope')).status).toBe(404);
    const bad = await embedded.get<{ error: { message: string } }>(
      '/api/v1/namespaces/emojivoto/widgets/web',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('kind');
  });
});

describe('API input validation', () => {
  const hostile = [
    '"',
    '\\',
    '}',
    'a\nb',
    '=~".*"',
    'x'.repeat(10_000),
    'ünï🙂',
    "') or vector(1)",
    '%00',
  ];
  it('answers hostile parameters with a 400 or an empty result, never a 500 or a PromQL error', async () => {
    for (const api of [embedded, viaProm]) {
      for (const v of hostile) {
        const e = encodeURIComponent(v);
        for (const path of [
          `/api/v1/namespaces?window=${e}`,
          `/api/v1/namespaces/${e}/workloads`,
          `/api/v1/namespaces/emojivoto/workloads?kind=${e}`,
          `/api/v1/namespaces/emojivoto/deployments/${e}`,
          `/api/v1/namespaces/emojivoto/${e}/web`,
          `/api/v1/namespaces/emojivoto/deployments/web?window=${e}`,
          `/api/v1/graph?namespaces=${e}`,
          `/api/v1/mtls?window=${e}`,
          `/api/v1/timeseries?namespace=emojivoto&kind=deployments&name=web&peer=${e}`,
          `/api/v1/timeseries?namespace=emojivoto&kind=deployments&name=web&to=emojivoto/voting-svc&route=${e}`,
          `/api/v1/routes?namespace=emojivoto&kind=deployments&name=web&to=${e}`,
          `/api/v1/routes?namespace=${e}&kind=deployments&name=web`,
          `/api/v1/graph?window=${e}`,
        ]) {
          const res = await api.get<{ error?: { message: string }; errors?: unknown[] }>(path);
          expect([200, 400, 404], `${path} -> ${res.status}`).toContain(res.status);
          if (res.status === 200) expect(res.body.errors, path).toEqual([]);
          if (res.status === 400) expect(res.body.error?.message.length).toBeGreaterThan(5);
        }
      }
    }
  });

  it('times each answer and its slowest metrics query in Server-Timing, in both engines', async () => {
    for (const api of [embedded, viaProm]) {
      // A window no other test asks, so the answer and its queries are computed for this request.
      const res = await fetch(`${api.url}/api/v1/namespaces?window=97s`);
      expect(res.status).toBe(200);
      const header = res.headers.get('server-timing') ?? '';
      const timing = serverTimingEntries(header);
      const answer = timing.get('answer')?.dur ?? NaN;
      const query = timing.get('query');
      const asked = /^slowest of (\d+) metrics queries$/.exec(query?.desc ?? '');
      expect(asked, header).not.toBeNull();
      // The namespace table asks for requests, responses and latency at least.
      expect(Number(asked?.[1])).toBeGreaterThanOrEqual(3);
      expect(query?.dur).toBeGreaterThan(0);
      expect(query?.dur).toBeLessThanOrEqual(answer);
      // The same answer again is shared: it asked nothing.
      const again = await fetch(`${api.url}/api/v1/namespaces?window=97s`);
      expect(again.headers.get('server-timing')).toMatch(
        /^answer;dur=[\d.]+;desc="meshviz answer"$/,
      );
    }
  });

  it('answers a layout request it cannot lay out with a 400 naming the problem', async () => {
    const post = async (body: string, type = 'application/json') => {
      const res = await fetch(`${embedded.url}/api/v1/layout`, {
        method: 'POST',
        headers: { 'content-type': type },
        body,
      });
      return {
        status: res.status,
        message: ((await res.json()) as { error?: { message?: string } }).error?.message ?? '',
      };
    };
    const node = (id: string) => ({ id, group: 'a' });
    const graph = (edges: unknown[]) =>
      JSON.stringify({ nodes: [node('x'), node('y')], edges, groups: ['a'] });
    expect(await post(graph([{ id: 'e', source: 'x', target: 'y' }]))).toMatchObject({
      status: 200,
    });
    expect(await post(graph([{ id: 'e', source: 'x', target: 'zz' }]))).toEqual({
      status: 400,
      message: 'body: edges: "e" joins an unlisted node',
    });
    expect((await post('{"nodes": [')).status).toBe(400);
    // A graph answer is laid out ahead of its viewers: the browser's request for the drawing
    // it opens (namespace boxes, nothing collapsed) finds it done or under way.
    const { body: answer } = await embedded.get<GraphResponse>(`/api/v1/graph?window=${WINDOW}`);
    const drawing = layoutInputOf(answer.nodes, answer.edges, true);
    const laid = await fetch(`${embedded.url}/api/v1/layout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(drawing),
    });
    const body = (await laid.json()) as { reused: boolean; boxes: Record<string, unknown> };
    expect(body.reused).toBe(true);
    expect(Object.keys(body.boxes)).toEqual(expect.arrayContaining(answer.nodes.map((n) => n.id)));
    expect((await post(graph([]), 'text/plain')).status).toBe(400);
    expect(
      (await post(JSON.stringify({ nodes: [{ id: 'x'.repeat(700) }], edges: [], groups: [] })))
        .status,
    ).toBe(400);
  });
});

describe('API resilience', () => {
  it('when the Kubernetes API is down, answers still come, with the errors named', async () => {
    mesh.setKubeApiAvailable(false);
    mesh.dropWatches();
    try {
      const res = await waitUntil(
        'the topology error to show',
        async () => {
          const r = await embedded.get<WorkloadsResponse>('/api/v1/namespaces/emojivoto/workloads');
          return r.body.errors.some((e) => e.source === 'kubernetes') ? r : undefined;
        },
        20_000,
      );
      expect(res.status).toBe(200);
      // The last known topology still answers.
      expect(res.body.workloads.some((w) => w.name === 'web')).toBe(true);
    } finally {
      mesh.setKubeApiAvailable(true);
    }
    await waitUntil(
      'the topology to recover',
      async () =>
        (await embedded.get<WorkloadsResponse>('/api/v1/namespaces/emojivoto/workloads')).body
          .errors.length === 0
          ? true
          : undefined,
      40_000,
    );
  });

  it('when Prometheus is down, answers carry the topology and an error instead of a 500', async () => {
    await prom.stop();
    const res = await viaProm.get<WorkloadsResponse>('/api/v1/namespaces/emojivoto/workloads');
    expect(res.status).toBe(200);
    expect(res.body.workloads.find((w) => w.name === 'web')).toMatchObject({
      meshedPods: 1,
      totalPods: 1,
      rps: null,
    });
    expect(res.body.errors).toContainEqual({
      source: 'metrics',
      message: expect.stringContaining('Prometheus unreachable'),
    });
  });
});
