import type {
  ControlPlaneResponse,
  MtlsResponse,
  FindingsResponse,
  PolicyResponse,
  ServiceConfig,
  WorkloadAccess,
} from '@meshviz/shared';
import { startPrometheus, waitUntil, type RunningPrometheus } from '@meshviz/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoMesh, type DemoMesh } from '@meshviz/demo-mesh';
import { startApi, type RunningApi } from './support';

/**
 * Policy, route configuration, findings and control plane, against the
 * objects the demo mesh plants (apps/demo-mesh/src/scenarios/booksapp.ts),
 * with Debian's Prometheus for the PromQL comparison.
 */
const SCRAPE = 1;
const WINDOW = '2m';
const WINDOW_SECONDS = 120;

let mesh: DemoMesh;
let prom: RunningPrometheus;
let viaProm: RunningApi;
let embedded: RunningApi;

beforeAll(async () => {
  mesh = await startDemoMesh({
    scenario: 'demo',
    podSubnetOctet: 78,
    incidents: false,
    scrapeIntervalSeconds: SCRAPE,
  });
  prom = await startPrometheus(mesh.prometheusConfigPath);
  const base = ['--kubeconfig', mesh.kubeconfigPath, '--scrape-interval', `${SCRAPE}s`];
  [viaProm, embedded] = await Promise.all([
    startApi([...base, '--prometheus-url', prom.url]),
    startApi(base),
  ]);
  await waitUntil(
    'Prometheus to scrape every proxy',
    async () => ((await prom.targets()).every((t) => t.health === 'up') ? true : undefined),
    30_000,
  );
  await new Promise((r) => setTimeout(r, (WINDOW_SECONDS + 4) * 1000));
}, 200_000);

afterAll(async () => {
  await viaProm?.stop();
  await embedded?.stop();
  await prom?.stop();
  await mesh?.stop();
});

const withCode = (f: FindingsResponse, code: string) => f.findings.filter((x) => x.code === code);

describe('findings', () => {
  it('name each planted mistake on its object, and nothing on the correct objects', async () => {
    const { status, body } = await viaProm.get<FindingsResponse>(
      `/api/v1/findings?window=${WINDOW}`,
    );
    expect(status).toBe(200);
    expect(body.errors).toEqual([]);
    const objectsOf = (code: string) => withCode(body, code).map((f) => f.objects[0]);

    // Servers: admin-ui selects no pod; authors-http, webapp-http and mysql do.
    expect(objectsOf('server-selects-no-pod')).toEqual(['Server booksapp/admin-ui']);
    // Policies: only the one whose Server is gone.
    expect(objectsOf('policy-target-missing')).toEqual([
      'AuthorizationPolicy booksapp/reports-from-webapp',
    ]);
    expect(withCode(body, 'policy-target-missing')[0]?.objects).toContain(
      'Server booksapp/reports-http',
    );
    // Route precedence: the HTTPRoute on books, shadowed by its ServiceProfile.
    expect(objectsOf('httproute-shadowed')).toEqual([
      'HTTPRoute.gateway.networking.k8s.io/booksapp/books-timeout',
    ]);
    // Annotations: books' retry annotation, which its ServiceProfile makes ignored;
    // recommendations' are in effect (no profile) and are not flagged.
    expect(objectsOf('annotation-shadowed')).toEqual(['Service booksapp/books']);
    // reference/retries.md: retry.linkerd.io/http is not valid on a GRPCRoute.
    expect(objectsOf('annotation-misplaced')).toEqual([
      'GRPCRoute.gateway.networking.k8s.io/emojivoto/emoji-svc',
    ]);
    expect(withCode(body, 'annotation-misplaced')[0]?.message).toContain('retry.linkerd.io/http');
    expect(withCode(body, 'annotation-shadowed')[0]?.message).toContain('retry.linkerd.io/http');
    // mysql's TCPRoute sends a tenth of its connections to a replica Service never created.
    expect(objectsOf('route-backend-missing')).toEqual([
      'TCPRoute.gateway.networking.k8s.io/booksapp/mysql',
    ]);
    expect(withCode(body, 'route-backend-missing')[0]?.message).toContain('10%');
    expect(withCode(body, 'route-rejected')).toEqual([]);
    // ServiceProfiles: only the one named for a Service that does not exist.
    expect(objectsOf('serviceprofile-without-service')).toEqual([
      'ServiceProfile booksapp/reviews.booksapp.svc.cluster.local',
    ]);
    // Injection: the pod created before booksapp was annotated; geo-lookup opted out and is not flagged.
    expect(objectsOf('injection-pending')).toEqual(['Deployment booksapp/legacy-reporter']);
    // Proxy versions: only mysql runs the older proxy.
    expect(objectsOf('proxy-version-mismatch')).toEqual(['StatefulSet booksapp/mysql']);
    // Certificates: only log-collector's pods (failing renewal, ~3 h left); every other proxy renews.
    const certs = objectsOf('certificate-expiring');
    expect(certs.length).toBeGreaterThan(0);
    expect(certs.every((o) => /^Pod booksapp\/log-collector-/.test(o ?? ''))).toBe(true);
    // Denials: only at authors, only audit-bot.
    const denied = withCode(body, 'traffic-denied');
    expect(denied.map((f) => f.objects[0])).toEqual(['Server booksapp/authors-http']);
    expect(denied[0]?.message).toContain('audit-bot.booksapp.serviceaccount.identity');
    expect(denied[0]?.message).not.toContain('webapp.booksapp');
    // Egress: booksapp's network refuses webapp's two trackers, and nothing else.
    const egress = withCode(body, 'egress-denied');
    expect(egress.map((f) => f.objects.join(' '))).toEqual([
      'EgressNetwork booksapp/internet Deployment booksapp/webapp',
      'EgressNetwork booksapp/internet Deployment booksapp/webapp',
    ]);
    expect(egress.map((f) => / to (\S+) over /.exec(f.message)?.[1]).sort()).toEqual([
      'telemetry.vendor.example:80',
      'tracker.adnetwork.example:443',
    ]);
    // Rate limits: webapp's, by its per-identity limit, the scraper getting the 429s.
    const limited = withCode(body, 'rate-limit-hit');
    expect(limited.map((f) => f.objects)).toEqual([
      ['HTTPLocalRateLimitPolicy booksapp/webapp-rl', 'Server booksapp/webapp-http'],
    ]);
    expect(limited[0]?.message).toContain('(identity limit)');
    expect(limited[0]?.message).toContain('book-scraper.booksapp.serviceaccount.identity');
    expect(limited[0]?.message).not.toContain('traffic.booksapp');
    // Every finding says how to fix it.
    expect(body.findings.every((f) => f.fix.length > 10)).toBe(true);
  });

  it('are the same from the embedded engine', async () => {
    const [a, b] = await Promise.all([
      viaProm.get<FindingsResponse>(`/api/v1/findings?window=${WINDOW}`),
      embedded.get<FindingsResponse>(`/api/v1/findings?window=${WINDOW}`),
    ]);
    const codes = (f: FindingsResponse) =>
      f.findings.map((x) => `${x.code} ${x.objects.join(',')}`).sort();
    expect(codes(b.body)).toEqual(codes(a.body));
  });
});

describe('authorization', () => {
  it('shows the denied client with a denied rate matching PromQL within 3%', async () => {
    const promql = `sum(rate(inbound_http_authz_deny_total{namespace="booksapp",srv_name="authors-http",client_id=~"audit-bot\\\\..*"}[${WINDOW}]))`;
    for (const api of [viaProm, embedded]) {
      const [{ body }, measured] = await Promise.all([
        api.get<PolicyResponse>(`/api/v1/namespaces/booksapp/policy?window=${WINDOW}`),
        prom.scalar(promql),
      ]);
      const expected = measured ?? 0;
      const authors = body.servers.find((s) => s.name === 'authors-http');
      const bot = authors?.traffic.deniedClients.find((c) =>
        c.identity.startsWith('audit-bot.booksapp.'),
      );
      expect(expected).toBeGreaterThan(0.3);
      // 3%, or one request over the window for the embedded engine's own sampling instants.
      const tolerance = Math.max(0.03 * expected, api === embedded ? 1 / WINDOW_SECONDS : 0);
      expect(
        Math.abs((bot?.rps ?? 0) - expected),
        `${bot?.rps} vs ${expected}`,
      ).toBeLessThanOrEqual(tolerance);
      // Nobody else is denied there; the allowed clients are the two in the MeshTLSAuthentication.
      expect(authors?.traffic.deniedClients).toHaveLength(1);
      expect(authors?.traffic.allowedClients.map((c) => c.identity.split('.')[0]).sort()).toEqual([
        'books',
        'webapp',
      ]);
    }
  });

  it("shows webapp's rate limit: its limits, what it refused as PromQL says, and who got the 429s", async () => {
    // The HTTPLocalRateLimitPolicy reference (linkerd.io 2.17): total, identity and
    // overrides by ServiceAccount; the limit counter is inbound_http_local_ratelimit_total
    // (mesh-facts §7) with ratelimit_name and ratelimit_scope.
    const sel = `namespace="booksapp",srv_name="webapp-http",ratelimit_name="webapp-rl"`;
    const [limited, scraper429] = await Promise.all([
      prom.scalar(`sum(rate(inbound_http_local_ratelimit_total{${sel}}[${WINDOW}]))`),
      prom.scalar(
        `sum(rate(response_total{namespace="booksapp",direction="inbound",srv_name="webapp-http",status_code="429",client_id=~"book-scraper\\\\..*"}[${WINDOW}]))`,
      ),
    ]);
    // The scraper sends 6 rps (within 5 %) over webapp's 3 pods, each admitting at most 1 a
    // second from one identity: at least 3 refused (fewer admitted when arrivals bunch up, as
    // a bucket holding one request wastes the tokens of quiet moments), never more than sent.
    expect(limited ?? 0).toBeGreaterThan(2.7);
    expect(limited ?? 0).toBeLessThan(6.3);
    for (const api of [viaProm, embedded]) {
      const { body } = await api.get<PolicyResponse>(
        `/api/v1/namespaces/booksapp/policy?window=${WINDOW}`,
      );
      const webapp = body.servers.find((s) => s.name === 'webapp-http');
      const r = webapp?.rateLimit;
      expect(r?.name).toBe('webapp-rl');
      expect([r?.totalRps, r?.identityRps]).toEqual([10, 1]);
      expect(r?.overrides).toEqual([
        {
          requestsPerSecond: 5,
          identities: ['traffic.booksapp.serviceaccount.identity.linkerd.cluster.local'],
        },
      ]);
      const tolerance = (x: number) =>
        Math.max(0.03 * x, api === embedded ? 2 / WINDOW_SECONDS : 0);
      expect(Math.abs((r?.limitedRps ?? 0) - (limited ?? 0))).toBeLessThanOrEqual(
        tolerance(limited ?? 0),
      );
      expect(r?.limitedByScope.map((x) => x.scope)).toEqual(['identity']);
      expect(r?.tooManyRequestsClients.map((c) => c.identity.split('.')[0])).toEqual([
        'book-scraper',
      ]);
      expect(
        Math.abs((r?.tooManyRequestsClients[0]?.rps ?? 0) - (scraper429 ?? 0)),
      ).toBeLessThanOrEqual(tolerance(scraper429 ?? 0));
      // A Server no policy targets has none.
      expect(body.servers.find((s) => s.name === 'authors-http')?.rateLimit).toBeNull();
    }
  });

  it('lists each Server with its pods, port, protocol and the identities or networks it admits', async () => {
    const { body } = await viaProm.get<PolicyResponse>(
      `/api/v1/namespaces/booksapp/policy?window=${WINDOW}`,
    );
    expect(body.defaultInboundPolicy).toEqual({
      value: 'cluster-unauthenticated',
      source: 'namespace',
    });
    const server = (n: string) => body.servers.find((s) => s.name === n);
    expect(server('authors-http')?.port).toBe('http');
    expect(server('authors-http')?.pods.map((p) => p.workload)).toEqual(['deployments/authors']);
    expect(server('authors-http')?.authorizations[0]?.requires[0]?.identities).toEqual([
      'webapp.booksapp.serviceaccount.identity.linkerd.cluster.local',
      'books.booksapp.serviceaccount.identity.linkerd.cluster.local',
    ]);
    expect(server('webapp-http')?.pods).toHaveLength(3);
    expect(server('webapp-http')?.authorizations[0]?.requires[0]?.networks).toContain('10.0.0.0/8');
    expect(server('mysql')?.proxyProtocol).toBe('opaque');
    expect(server('mysql')?.authorizations[0]).toMatchObject({
      kind: 'ServerAuthorization',
      name: 'mysql-clients',
    });
    expect(server('admin-ui')?.pods).toEqual([]);
    expect(body.danglingPolicies.map((p) => p.name)).toEqual(['reports-from-webapp']);
    // emojivoto has no Server: the cluster default applies.
    const emojivoto = await viaProm.get<PolicyResponse>('/api/v1/namespaces/emojivoto/policy');
    expect(emojivoto.body.servers).toEqual([]);
    expect(emojivoto.body.defaultInboundPolicy.source).toBe('cluster');
  });

  it('says who may call a workload, from the policy objects', async () => {
    const { body } = await viaProm.get<WorkloadAccess>(
      '/api/v1/namespaces/booksapp/deployments/authors/access',
    );
    expect(body.ports).toHaveLength(1);
    expect(body.ports[0]?.server).toBe('authors-http');
    expect(body.ports[0]?.rule).toContain('webapp.booksapp.serviceaccount');
    expect(body.ports[0]?.rule).toContain('AuthorizationPolicy authors-from-webapp-and-books');
    const web = await viaProm.get<WorkloadAccess>(
      '/api/v1/namespaces/emojivoto/deployments/web/access',
    );
    expect(web.body.ports).toEqual([]);
    expect(web.body.defaultInboundPolicy).toBe('all-unauthenticated');
  });
});

describe('route configuration and control plane', () => {
  it('explains precedence: the books ServiceProfile shadows its HTTPRoute', async () => {
    const { status, body } = await viaProm.get<ServiceConfig>(
      '/api/v1/namespaces/booksapp/services/books/config',
    );
    expect(status).toBe(200);
    expect(body.profile?.name).toBe('books.booksapp.svc.cluster.local');
    expect(body.profile?.routes.find((r) => r.timeout !== null)?.timeout).toBe('300ms');
    expect(body.routes).toEqual([
      expect.objectContaining({ kind: 'HTTPRoute', name: 'books-timeout', shadowed: true }),
    ]);
    expect(body.routes[0]?.rules[0]?.timeouts).toBe('request 10ms');
    expect(body.precedence).toMatch(/1 HTTPRoute\) are ignored by the proxies/);
    expect((await viaProm.get('/api/v1/namespaces/booksapp/services/nope/config')).status).toBe(
      404,
    );
  });

  it("describes emoji-svc's GRPCRoute: its method match, and retries and timeout from its annotations", async () => {
    const { body } = await viaProm.get<ServiceConfig>(
      '/api/v1/namespaces/emojivoto/services/emoji-svc/config',
    );
    expect(body.profile).toBeNull();
    expect(body.routes).toEqual([
      expect.objectContaining({
        kind: 'GRPCRoute',
        group: 'gateway.networking.k8s.io',
        name: 'emoji-svc',
        shadowed: false,
      }),
    ]);
    expect(body.routes[0]?.rules[0]?.matches).toEqual(['Exact emojivoto.v1.EmojiService/*']);
    expect(body.routes[0]?.annotations.map((a) => a.key)).toEqual([
      'retry.linkerd.io/grpc',
      'retry.linkerd.io/http',
      'retry.linkerd.io/limit',
      'timeout.linkerd.io/request',
    ]);
    expect(body.precedence).toMatch(/routes attached to it \(1 GRPCRoute\) configure/);
  });

  it('reports the control plane healthy, its version and the proxy versions in use', async () => {
    const { body } = await viaProm.get<ControlPlaneResponse>('/api/v1/control-plane');
    expect(body.components.map((c) => [c.name, c.healthy])).toEqual([
      ['destination', true],
      ['identity', true],
      ['proxy-injector', true],
    ]);
    expect(body.version).toBe('edge-25.10.1');
    expect(body.proxyVersions.find((v) => !v.matchesControlPlane)).toMatchObject({
      version: 'edge-25.8.2',
      pods: 1,
    });
    expect(body.meshedPods).toBe(body.proxyVersions.reduce((s, v) => s + v.pods, 0));
  });

  it("reads linkerd-config: the demo's 12 h certificates, not Linkerd's 24 h default, drive the certificate rule", async () => {
    const [{ body: cp }, { body: mtls }] = await Promise.all([
      viaProm.get<ControlPlaneResponse>('/api/v1/control-plane'),
      viaProm.get<MtlsResponse>(`/api/v1/mtls?window=${WINDOW}`),
    ]);
    expect(cp.config).toEqual({
      found: true,
      trustDomain: 'cluster.local',
      clusterDomain: 'cluster.local',
      issuanceLifetimeSeconds: 12 * 3600,
      defaultInboundPolicy: 'all-unauthenticated',
      note: null,
    });
    // Renewal at 70% of 12 h: under 3.6 h left is a failing renewal, on the page as in the finding.
    expect(mtls.certificateLifetimeSeconds).toBe(12 * 3600);
    expect(mtls.certificateWarningSeconds).toBeCloseTo(0.3 * 12 * 3600);
    const late = mtls.certificates.filter((c) => c.secondsLeft < mtls.certificateWarningSeconds);
    expect(new Set(late.map((c) => c.pod.replace(/-[a-z0-9]+$/, '')))).toEqual(
      new Set(['log-collector']),
    );
  });
});
