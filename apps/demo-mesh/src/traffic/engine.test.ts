import { describe, expect, it } from 'vitest';
import { Cluster } from '../cluster/cluster';
import { booksapp } from '../scenarios/booksapp';
import { emojivoto } from '../scenarios/emojivoto';
import { synthetic } from '../scenarios/synthetic';
import type { Scenario } from '../scenarios/types';
import { TrafficEngine } from './engine';

function simulate(scenario: Scenario, seconds: number, incidents = false) {
  let now = Date.UTC(2026, 0, 1);
  const clock = () => now;
  const cluster = new Cluster(scenario, {
    seed: 7,
    podSubnetOctet: 99,
    adminPort: 4191,
    now: clock,
  });
  const engine = new TrafficEngine(cluster, { seed: 7, incidents, adminPort: 4191, now: clock });
  for (let i = 0; i < seconds; i++) {
    now += 1000;
    cluster.tick(now);
    engine.tick(now);
  }
  return cluster;
}

/** Sum of a family's samples whose label text contains every fragment. */
function total(cluster: Cluster, family: string, ...fragments: string[]): number {
  return totalOf(cluster, undefined, family, ...fragments);
}

/** `total` over the pods of one workload only (proxies label no workload: Prometheus does). */
function totalOf(
  cluster: Cluster,
  workload: string | undefined,
  family: string,
  ...fragments: string[]
): number {
  let sum = 0;
  for (const pod of cluster.runningPods()) {
    if (workload !== undefined && pod.workload.name !== workload) continue;
    for (const line of pod.proxy?.render().split('\n') ?? []) {
      if (line.startsWith(`${family}{`) && fragments.every((f) => line.includes(f)))
        sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return sum;
}

describe('traffic engine', () => {
  it('counts each request on both sides: client outbound equals server inbound exactly', () => {
    const c = simulate(emojivoto(), 120);
    const out = total(c, 'request_total', 'direction="outbound"', 'dst_service="voting-svc"');
    const inb = total(
      c,
      'request_total',
      'direction="inbound"',
      'authority="voting-svc.emojivoto.svc.cluster.local:8080"',
    );
    // web -> voting: 3.5 rps for 120 s.
    expect(out).toBeGreaterThan(3.5 * 120 * 0.95);
    expect(out).toBeLessThan(3.5 * 120 * 1.05);
    expect(inb).toBe(out);
  });

  it('fails every doughnut vote: a gRPC Unknown status classified as failure', () => {
    const c = simulate(emojivoto(), 60);
    const failed = total(
      c,
      'response_total',
      'direction="outbound"',
      'dst_service="voting-svc"',
      'classification="failure"',
    );
    const doughnut = total(
      c,
      'route_request_total',
      'direction="outbound"',
      'rt_route="VoteDoughnut"',
    );
    expect(failed).toBe(doughnut);
    expect(
      total(
        c,
        'route_response_total',
        'direction="outbound"',
        'rt_route="VoteDoughnut"',
        'grpc_status="2"',
        'classification="failure"',
      ),
    ).toBe(doughnut);
    expect(total(c, 'route_response_total', 'rt_route="VoteJoy"', 'classification="failure"')).toBe(
      0,
    );
  });

  it('retries within the budget: more attempts than requests, fewer failures seen by the app', () => {
    const c = simulate(booksapp(), 120);
    const route = 'rt_route="HEAD /authors/{id}.json"';
    const effective = total(c, 'route_request_total', 'direction="outbound"', route);
    const actual = total(c, 'route_actual_request_total', 'direction="outbound"', route);
    const effectiveFailed = total(
      c,
      'route_response_total',
      'direction="outbound"',
      route,
      'classification="failure"',
    );
    const actualFailed = total(
      c,
      'route_actual_response_total',
      'direction="outbound"',
      route,
      'classification="failure"',
    );
    expect(actual).toBeGreaterThan(effective);
    expect(effectiveFailed / effective).toBeLessThan(actualFailed / actual);
    // Budget: 1 retry/s plus 20% of requests over a 10 s window, so retries are capped near 1.26/s.
    expect(actual - effective).toBeLessThanOrEqual(Math.ceil((1 + 0.2 * 1.3) * 120) + 10);
    expect(total(c, 'route_retryable_total', 'skipped="no_budget"')).toBeGreaterThan(0);
  });

  it("counts opaque connections on their route: mysql's TCPRoute, and its missing backend's failures", () => {
    // linkerd2-proxy TcpMetricsParams: `open` per connection, `close` with an `error` label,
    // under the route's parent_* and route_* labels; the default route is `opaq`.
    const c = simulate(booksapp(), 120);
    const route = ['parent_name="mysql"', 'route_kind="TCPRoute"', 'route_name="mysql"'];
    const opened = totalOf(c, 'books', 'outbound_tcp_route_open_total', ...route);
    const failed = totalOf(
      c,
      'books',
      'outbound_tcp_route_close_total',
      ...route,
      'error="invalid_backend"',
    );
    const closed = totalOf(c, 'books', 'outbound_tcp_route_close_total', ...route, 'error=""');
    // books keeps 4 connections and replaces 120 a minute; each lands on the replica that is
    // not there one time in ten (weights 9 and 1), and connects again.
    const held = 4 + 120 * 2;
    expect(opened - failed).toBeGreaterThanOrEqual(held - 2);
    expect(opened - failed).toBeLessThanOrEqual(held + 2);
    expect(failed / opened).toBeGreaterThan(0.08);
    expect(failed / opened).toBeLessThan(0.12);
    // Every replaced connection closed cleanly.
    expect(closed).toBe(opened - failed - 4);
    // authors' connections too, on the same route.
    expect(totalOf(c, 'authors', 'outbound_tcp_route_open_total', ...route)).toBeGreaterThan(0);
  });

  it('counts admitted requests on the inbound route families of current proxies, by Server and route', () => {
    // linkerd2-proxy inbound http/router/metrics.rs: parent_{group,kind,name,port} and
    // route_{group,kind,name}, no namespace; only requests the policy admitted.
    const c = simulate(booksapp(), 60);
    const parent = [
      'parent_group="policy.linkerd.io"',
      'parent_kind="Server"',
      'parent_name="webapp-http"',
      'parent_port="7000"',
      'route_kind="default"',
      'route_name="default"',
    ];
    const admitted = totalOf(c, 'webapp', 'inbound_http_requests_total', ...parent);
    const all = totalOf(
      c,
      'webapp',
      'request_total',
      'direction="inbound"',
      'target_port="7000"',
      'route_name="default"',
    );
    const limited = totalOf(c, 'webapp', 'inbound_http_local_ratelimit_total');
    expect(limited).toBeGreaterThan(0);
    expect(admitted).toBe(all - limited);
    expect(totalOf(c, 'webapp', 'inbound_http_statuses_total', ...parent)).toBe(admitted);
    expect(totalOf(c, 'webapp', 'inbound_http_statuses_total', 'status="429"')).toBe(0);
    // A denied client's requests never reach authors' app: none on its route families.
    const denied = totalOf(c, 'authors', 'inbound_http_authz_deny_total');
    const authorsAll = totalOf(
      c,
      'authors',
      'request_total',
      'direction="inbound"',
      'target_port="7001"',
    );
    expect(denied).toBeGreaterThan(0);
    expect(totalOf(c, 'authors', 'inbound_http_requests_total')).toBe(authorsAll - denied);
    // gRPC servers count on the gRPC families, statuses by name: emoji's UNAVAILABLE answers.
    const e = simulate(emojivoto(), 120);
    const unavailable = totalOf(e, 'emoji', 'inbound_grpc_statuses_total', 'status="UNAVAILABLE"');
    expect(unavailable).toBeGreaterThan(0);
    expect(unavailable).toBe(
      totalOf(e, 'emoji', 'response_total', 'direction="inbound"', 'grpc_status="14"'),
    );
    expect(totalOf(e, 'emoji', 'inbound_http_requests_total', 'route_name="default"')).toBe(0);
  });

  it('runs an ExternalWorkload: its object, its proxy, and its calls on mTLS with its URI identity', () => {
    // The mesh expansion guide's ExternalWorkload: meshTLS.identity
    // spiffe://root.linkerd.cluster.local/<name>, serverName <name>.cluster.local, workloadIPs.
    const c = simulate(booksapp(), 60);
    const ew = c.resource(
      'workload.linkerd.io/v1beta1',
      'ExternalWorkload',
      'booksapp',
      'legacy-billing',
    );
    const spec = ew?.spec as {
      meshTLS: { identity: string; serverName: string };
      workloadIPs: { ip: string }[];
    };
    expect(spec.meshTLS).toEqual({
      identity: 'spiffe://root.linkerd.cluster.local/legacy-billing',
      serverName: 'legacy-billing.cluster.local',
    });
    const vm = c.externalWorkloads()[0];
    expect(vm?.ip).toBe(spec.workloadIPs[0]?.ip);
    // No pod object for it.
    expect(c.resource('v1', 'Pod', 'booksapp', 'legacy-billing')).toBeUndefined();
    // Its proxy's outbound requests to books, over mTLS to books' identity...
    const out = totalOf(
      c,
      'legacy-billing',
      'request_total',
      'direction="outbound"',
      'dst_service="books"',
      'tls="true"',
    );
    expect(out).toBeGreaterThanOrEqual(45);
    // ...as books sees them: from the VM's URI identity.
    expect(
      totalOf(
        c,
        'books',
        'request_total',
        'direction="inbound"',
        'client_id="spiffe://root.linkerd.cluster.local/legacy-billing"',
      ),
    ).toBe(out);
  });

  it("refuses what webapp's rate limit does not admit: the scraper's excess, never the traffic generator's", () => {
    // linkerd2-proxy LocalRateLimit::check: total first, then the client's override, else the
    // per-identity limit; each proxy limits on its own (governor, a burst of rps). The refused
    // request is answered 429 by the server's proxy.
    const c = simulate(booksapp(), 120);
    const limited = [
      'ratelimit_kind="httplocalratelimitpolicy"',
      'ratelimit_name="webapp-rl"',
      'srv_name="webapp-http"',
    ];
    const byIdentity = totalOf(
      c,
      'webapp',
      'inbound_http_local_ratelimit_total',
      ...limited,
      'ratelimit_scope="identity"',
    );
    expect(
      totalOf(
        c,
        'webapp',
        'inbound_http_local_ratelimit_total',
        ...limited,
        'ratelimit_scope="total"',
      ),
    ).toBe(0);
    // book-scraper sends 2 rps to each of the 3 pods, which admit 1: about 360 of 720 refused.
    expect(byIdentity).toBeGreaterThan(330);
    expect(byIdentity).toBeLessThan(390);
    const scraper =
      'client_id="book-scraper.booksapp.serviceaccount.identity.linkerd.cluster.local"';
    const traffic = 'client_id="traffic.booksapp.serviceaccount.identity.linkerd.cluster.local"';
    expect(
      totalOf(c, 'webapp', 'response_total', 'direction="inbound"', scraper, 'status_code="429"'),
    ).toBe(byIdentity);
    // traffic (1.6 rps a pod) is under its override of 5; the unmeshed clients share one
    // identity-less bucket, under 1 rps a pod.
    expect(
      totalOf(c, 'webapp', 'response_total', 'direction="inbound"', traffic, 'status_code="429"'),
    ).toBe(0);
    expect(totalOf(c, 'webapp', 'response_total', 'direction="inbound"', 'status_code="429"')).toBe(
      byIdentity,
    );
  });

  it('routes calls leaving the cluster through their EgressNetwork: allowed by a route, refused by the default', () => {
    // linkerd2 policy controller `default_outbound_egress_route`: a Deny network's default
    // routes are `http-egress-deny` (a 403 failure injector) and `tls-egress-deny` (a route
    // error: the proxy closes with `error="forbidden"`); a matching HTTPRoute or TLSRoute
    // lets the call through. The docs' egress guide shows the labels (parent_kind
    // EgressNetwork, `hostname` with proxy-metrics-hostname-labels).
    const c = simulate(booksapp(), 120);
    const net = [
      'parent_group="policy.linkerd.io"',
      'parent_kind="EgressNetwork"',
      'parent_namespace="booksapp"',
      'parent_name="internet"',
    ];
    // authors -> covers.openlibrary.org:80, 1 rps through the HTTPRoute, 95 % answered 200.
    const covers = [
      ...net,
      'parent_port="80"',
      'route_kind="HTTPRoute"',
      'route_name="book-covers"',
    ];
    const ok = totalOf(
      c,
      'authors',
      'outbound_http_route_request_statuses_total',
      ...covers,
      'hostname="covers.openlibrary.org"',
      'http_status="200"',
    );
    const failed = totalOf(
      c,
      'authors',
      'outbound_http_route_request_statuses_total',
      ...covers,
      'http_status="503"',
    );
    expect(ok + failed).toBeGreaterThanOrEqual(119);
    expect(ok + failed).toBeLessThanOrEqual(120);
    expect(failed).toBeGreaterThanOrEqual(5);
    expect(failed).toBeLessThanOrEqual(7);
    // ...and left for the host's address, so the endpoint-level families count it too.
    expect(
      totalOf(
        c,
        'authors',
        'request_total',
        'authority="covers.openlibrary.org"',
        'target_addr="203.0.113.11:80"',
        'tls="no_identity"',
      ),
    ).toBe(ok + failed);
    // webapp -> telemetry.vendor.example: no route, the Deny network's default answers 403.
    const denied = totalOf(
      c,
      'webapp',
      'outbound_http_route_request_statuses_total',
      ...net,
      'route_kind="default"',
      'route_name="http-egress-deny"',
      'hostname="telemetry.vendor.example"',
      'http_status="403"',
    );
    expect(denied).toBeGreaterThanOrEqual(59);
    expect(denied).toBeLessThanOrEqual(60);
    expect(totalOf(c, 'webapp', 'request_total', 'authority="telemetry.vendor.example"')).toBe(0);
    // books -> openlibrary.org over TLS: the TLSRoute matches the SNI; connections last 8 s.
    const tls = [
      ...net,
      'parent_port="443"',
      'route_kind="TLSRoute"',
      'route_name="openlibrary"',
      'hostname="openlibrary.org"',
    ];
    const opened = totalOf(c, 'books', 'outbound_tls_route_open_total', ...tls);
    expect(opened).toBeGreaterThanOrEqual(59);
    expect(opened).toBeLessThanOrEqual(60);
    const closed = totalOf(c, 'books', 'outbound_tls_route_close_total', ...tls, 'error=""');
    expect(opened - closed).toBe(
      totalOf(c, 'books', 'tcp_open_connections', 'target_addr="203.0.113.10:443"'),
    );
    expect(opened - closed).toBeGreaterThanOrEqual(3);
    expect(opened - closed).toBeLessThanOrEqual(5);
    // webapp -> tracker.adnetwork.example over TLS: refused, every connection closed forbidden.
    const tracker = [
      ...net,
      'route_name="tls-egress-deny"',
      'hostname="tracker.adnetwork.example"',
    ];
    const tried = totalOf(c, 'webapp', 'outbound_tls_route_open_total', ...tracker);
    expect(tried).toBeGreaterThanOrEqual(23);
    expect(tried).toBeLessThanOrEqual(24);
    expect(
      totalOf(c, 'webapp', 'outbound_tls_route_close_total', ...tracker, 'error="forbidden"'),
    ).toBe(tried);
    // Cluster calls from the annotated namespace carry their host too.
    expect(
      total(
        c,
        'outbound_http_route_request_statuses_total',
        'parent_name="recommendations"',
        'hostname="recommendations.booksapp.svc.cluster.local"',
      ),
    ).toBeGreaterThan(0);
  });

  it("retries by its Service's annotation: 5xx once, counted as the proxy's retry families count", () => {
    // linkerd2-proxy linkerd-http-retry: `requests` counts retries sent, `successes` the
    // retries whose response was no longer retryable, `limit_exceeded` the requests still
    // retryable when the limit ran out.
    const c = simulate(booksapp(), 300);
    const recs = 'parent_name="recommendations"';
    const first = total(c, 'outbound_http_route_backend_requests_total', recs);
    const retries = total(c, 'outbound_http_route_retry_requests_total', recs);
    const ok = total(c, 'outbound_http_route_retry_successes_total', recs);
    const exceeded = total(c, 'outbound_http_route_retry_limit_exceeded_total', recs);
    const requests = first - retries;
    // webapp asks 1.5 rps; one attempt in four is a 503, retried once.
    expect(requests).toBeGreaterThan(1.5 * 300 * 0.9);
    expect(retries / requests).toBeGreaterThan(0.2);
    expect(retries / requests).toBeLessThan(0.3);
    expect(ok + exceeded).toBe(retries);
    expect(exceeded / retries).toBeGreaterThan(0.15);
    expect(exceeded / retries).toBeLessThan(0.35);
    // What the app saw: only the requests whose retry failed too.
    expect(total(c, 'outbound_http_route_request_statuses_total', recs, 'http_status="503"')).toBe(
      exceeded,
    );
    // books has a ServiceProfile: its Service's retry annotation does nothing.
    expect(total(c, 'outbound_http_route_retry_requests_total', 'parent_name="books"')).toBe(0);
    const books = ['direction="outbound"', 'rt_route="GET /books.json"'];
    expect(total(c, 'route_actual_request_total', ...books)).toBe(
      total(c, 'route_request_total', ...books),
    );
  });

  it("retries UNAVAILABLE once through emoji-svc's GRPCRoute, and nothing else", () => {
    const c = simulate(emojivoto(), 600);
    const route = ['parent_name="emoji-svc"', 'route_kind="GRPCRoute"', 'route_name="emoji-svc"'];
    const attempts = total(c, 'outbound_grpc_route_backend_requests_total', ...route);
    const retries = total(c, 'outbound_grpc_route_retry_requests_total', ...route);
    const ok = total(c, 'outbound_grpc_route_retry_successes_total', ...route);
    const exceeded = total(c, 'outbound_grpc_route_retry_limit_exceeded_total', ...route);
    const requests = attempts - retries;
    // web asks 4.5 RPCs a second of emoji; 4% of the 3.5/s FindByShortcode are UNAVAILABLE.
    expect(requests).toBeGreaterThan(4.5 * 600 * 0.9);
    // Every UNAVAILABLE attempt was either retried or ran out of retries.
    expect(retries + exceeded).toBe(
      total(
        c,
        'outbound_grpc_route_backend_response_statuses_total',
        ...route,
        'grpc_status="UNAVAILABLE"',
      ),
    );
    expect(retries / (3.5 * 600)).toBeGreaterThan(0.02);
    expect(retries / (3.5 * 600)).toBeLessThan(0.06);
    expect(ok + exceeded).toBe(retries);
    // What web saw: only the RPCs whose retry was UNAVAILABLE too, and every one of them.
    expect(
      total(c, 'outbound_grpc_route_request_statuses_total', ...route, 'grpc_status="UNAVAILABLE"'),
    ).toBe(exceeded);
    // The route's 90/10 split: the canary takes a tenth of the attempts, retries included.
    const toCanary = total(
      c,
      'outbound_grpc_route_backend_requests_total',
      ...route,
      'backend_name="emoji-canary-svc"',
    );
    expect(toCanary / attempts).toBeGreaterThan(0.09);
    expect(toCanary / attempts).toBeLessThan(0.11);
    // ...and the canary's pods served them, under the name web asked for.
    const canaryPods = c.podsOf('emojivoto', 'emoji-canary');
    expect(canaryPods.length).toBeGreaterThan(0);
    const served = canaryPods
      .flatMap((p) => p.proxy?.render().split('\n') ?? [])
      .filter(
        (l) =>
          l.startsWith('request_total{') &&
          l.includes('direction="inbound"') &&
          l.includes('authority="emoji-svc.emojivoto.svc.cluster.local:8080"'),
      )
      .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    expect(served).toBe(toCanary);
    expect(
      total(
        c,
        'request_total',
        'direction="outbound"',
        'authority="emoji-svc.emojivoto.svc.cluster.local:8080"',
        'dst_deployment="emoji-canary"',
        'dst_service="emoji-canary-svc"',
      ),
    ).toBe(toCanary);
    // voting-svc has a ServiceProfile and the doughnut's UNKNOWN is not retryable anyway.
    expect(total(c, 'outbound_grpc_route_retry_requests_total', 'parent_name="voting-svc"')).toBe(
      0,
    );
  });

  it('denies a client the policy does not name, and only that client', () => {
    const c = simulate(booksapp(), 30);
    expect(total(c, 'inbound_http_authz_deny_total', 'client_id="audit-bot.')).toBeGreaterThan(5);
    expect(total(c, 'inbound_http_authz_deny_total', 'client_id="webapp.')).toBe(0);
    expect(total(c, 'response_total', 'direction="outbound"', 'status_code="403"')).toBe(
      total(c, 'inbound_http_authz_deny_total'),
    );
  });

  it('ignores an HTTPRoute whose Service has a ServiceProfile', () => {
    const c = simulate(booksapp(), 60);
    expect(
      total(c, 'route_response_total', 'rt_route="GET /books.json"', 'status_code="504"'),
    ).toBe(0);
    expect(
      total(
        c,
        'outbound_http_route_request_statuses_total',
        'route_name="webapp-books-timeout"',
        'error="REQUEST_TIMEOUT"',
      ),
    ).toBeGreaterThan(0);
  });

  it('when an incident is scheduled, its error burst shows in the window it covers and nowhere else', () => {
    // booksapp: from 900 s after start, authors fails 30% more for 120 s.
    const failures = (c: Cluster) =>
      total(
        c,
        'response_total',
        'direction="outbound"',
        'dst_service="authors"',
        'classification="failure"',
      );
    const before = simulate(booksapp(), 890, true);
    const quiet = total(
      before,
      'route_response_total',
      'direction="outbound"',
      'rt_route="GET /authors.json"',
      'classification="failure"',
    );
    expect(quiet).toBe(0);
    const during = simulate(booksapp(), 1020, true);
    const burst = total(
      during,
      'route_response_total',
      'direction="outbound"',
      'rt_route="GET /authors.json"',
      'classification="failure"',
    );
    // webapp asks GET /authors.json once a second: ~30% of ~120 requests fail.
    expect(burst).toBeGreaterThan(20);
    expect(burst).toBeLessThan(60);
    expect(failures(during)).toBeGreaterThan(failures(before));
    expect(
      total(
        simulate(booksapp(), 1020, false),
        'route_response_total',
        'rt_route="GET /authors.json"',
        'classification="failure"',
      ),
    ).toBe(0);
  });
});

describe("the kubelet's probes", () => {
  it('reach the app through the inbound proxy in plaintext, by the default probe route and authorization', () => {
    // linkerd2 policy controller default_inbound_http_routes: a server without HTTPRoutes gets
    // a route `probe` (GET, exact probe paths) authorized by a default `probe` authorization.
    const seconds = 60;
    const c = simulate(booksapp(), seconds);
    const pods = c.runningPods().filter((p) => p.workload.name === 'webapp').length;
    // A liveness and a readiness probe every 10 s (Kubernetes' default period) per pod.
    const want = pods * 2 * (seconds / 10);
    const probe = ['route_kind="default"', 'route_name="probe"'];
    expect(totalOf(c, 'webapp', 'inbound_http_requests_total', ...probe)).toBe(want);
    expect(totalOf(c, 'webapp', 'inbound_http_statuses_total', ...probe, 'status="200"')).toBe(
      want,
    );
    const legacy = ['direction="inbound"', 'authz_kind="default"', 'authz_name="probe"'];
    expect(totalOf(c, 'webapp', 'request_total', ...legacy, 'tls="no_identity"')).toBe(want);
    expect(totalOf(c, 'webapp', 'response_total', ...legacy, 'classification="success"')).toBe(
      want,
    );
    // Under webapp's own Server (`webapp-http`), which has no HTTPRoute of its own.
    expect(
      totalOf(c, 'webapp', 'inbound_http_authz_allow_total', 'srv_name="webapp-http"', ...probe),
    ).toBe(want);
    // One connection per probe, closed.
    expect(
      totalOf(c, 'webapp', 'tcp_close_total', 'direction="inbound"', 'tls="no_identity"'),
    ).toBeGreaterThanOrEqual(want);
    // A workload with no HTTP port declares no HTTP probe: mysql (3306, TCP).
    expect(totalOf(c, 'mysql', 'request_total', ...legacy)).toBe(0);
  });
});

describe('synthetic proxies at real sizes', () => {
  // Five minutes of 200 proxies' traffic, simulated second by second, takes seconds of CPU.
  it('busy proxies write the 1,000 to 1,700 series of real ones, from real status variety', () => {
    const c = simulate(synthetic({ workloads: 100, namespaces: 2, replicas: 2 }), 300);
    const counts = c
      .runningPods()
      .map(
        (p) =>
          p.proxy
            ?.render()
            .split('\n')
            .filter((l) => l && !l.startsWith('#')).length ?? 0,
      )
      .sort((a, b) => a - b);
    // linkerd2 #2980: about 1,700 series for a busy proxy (within about a tenth).
    expect(counts[counts.length - 1]).toBeGreaterThan(1000);
    expect(counts[counts.length - 1]).toBeLessThan(1900);
    expect(counts.filter((n) => n > 1000).length).toBeGreaterThan(10);
    // 4xx answers are successes (Linkerd's default response classes fail only 5xx).
    expect(
      total(c, 'response_total', 'status_code="404"', 'classification="success"'),
    ).toBeGreaterThan(0);
    expect(total(c, 'response_total', 'status_code="404"', 'classification="failure"')).toBe(0);
    expect(
      total(c, 'response_total', 'status_code="503"', 'classification="failure"'),
    ).toBeGreaterThan(0);
  }, 30_000);
});
