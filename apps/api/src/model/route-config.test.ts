import { describe, expect, it } from 'vitest';
import { serviceRouteConfig } from './route-config';

const profile = (svc: string, spec: unknown) => ({
  apiVersion: 'linkerd.io/v1alpha2',
  kind: 'ServiceProfile',
  metadata: { name: `${svc}.ns.svc.cluster.local`, namespace: 'ns' },
  spec,
});
const httpRoute = (
  name: string,
  svc: string,
  group = 'policy.linkerd.io/v1beta3',
  annotations: Record<string, string> = {},
) => ({
  apiVersion: group,
  kind: 'HTTPRoute',
  metadata: { name, namespace: 'ns', annotations },
  spec: {
    parentRefs: [{ group: 'core', kind: 'Service', name: svc }],
    rules: [{ timeouts: { request: '200ms' } }],
  },
});

const grpcRoute = (name: string, svc: string, annotations: Record<string, string> = {}) => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'GRPCRoute',
  metadata: { name, namespace: 'ns', annotations },
  spec: {
    parentRefs: [{ group: 'core', kind: 'Service', name: svc }],
    rules: [{ matches: [{ method: { service: 'emojivoto.v1.EmojiService' } }] }],
  },
});

describe('route configuration precedence', () => {
  it('when a Service has a ServiceProfile, its routes apply and its HTTPRoutes are shadowed', () => {
    const cfg = serviceRouteConfig(
      { namespace: 'ns', name: 'books' },
      [
        profile('books', {
          routes: [
            { name: 'GET /books.json' },
            { name: 'PUT /books/{id}.json', timeout: '300ms', isRetryable: true },
          ],
          retryBudget: { retryRatio: 0.2, minRetriesPerSecond: 1, ttl: '10s' },
        }),
      ],
      [
        httpRoute('books-timeout', 'books', 'gateway.networking.k8s.io/v1'),
        httpRoute('other', 'authors'),
      ],
      'cluster.local',
    );
    expect(cfg.routes.get('PUT /books/{id}.json')).toEqual({
      source: 'ServiceProfile',
      object: 'ServiceProfile.linkerd.io/ns/books.ns.svc.cluster.local',
      configuredBy:
        'retries: the ServiceProfile route (isRetryable, retryBudget); timeout: the ServiceProfile route',
      retries: 'retry budget 20% + 1/s over 10s',
      timeout: '300ms',
    });
    expect(cfg.routes.get('GET /books.json')?.retries).toBeNull();
    expect(cfg.shadowed).toEqual([
      {
        object: 'HTTPRoute.gateway.networking.k8s.io/ns/books-timeout',
        reason: 'ignored while ServiceProfile books.ns.svc.cluster.local exists',
      },
    ]);
  });

  it('without a ServiceProfile, HTTPRoutes of either group apply with their timeouts and retry annotations', () => {
    const cfg = serviceRouteConfig(
      { namespace: 'ns', name: 'webapp' },
      [profile('books', {})],
      [
        httpRoute('webapp-timeout', 'webapp', 'policy.linkerd.io/v1beta3', {
          'retry.linkerd.io/http': '5xx',
          'retry.linkerd.io/limit': '2',
        }),
      ],
      'cluster.local',
    );
    expect(cfg.profile).toBeUndefined();
    expect(cfg.shadowed).toEqual([]);
    expect(cfg.routes.get('webapp-timeout')).toEqual({
      source: 'HTTPRoute',
      object: 'HTTPRoute.policy.linkerd.io/ns/webapp-timeout',
      configuredBy: "retries: the route's annotations; timeout: the route's rules",
      retries: 'on 5xx, up to 2',
      timeout: 'request 200ms',
    });
  });

  it("without routes, the Service's retry and timeout annotations configure the default route; a route's own replace them", () => {
    // linkerd/website 2.19 reference/retries.md and timeouts.md: annotations on a Service
    // apply to requests to it; any on a route override all of the Service's.
    const service = {
      namespace: 'ns',
      name: 'recs',
      annotations: {
        'retry.linkerd.io/http': '5xx',
        'timeout.linkerd.io/request': '2s',
        'timeout.linkerd.io/idle': '30s',
        'linkerd.io/inject': 'enabled',
      },
    };
    const bare = serviceRouteConfig(service, [], [], 'cluster.local');
    expect(bare.defaultRoute).toEqual({
      source: 'default',
      object: null,
      configuredBy: 'retries: Service ns/recs annotations; timeout: Service ns/recs annotations',
      retries: 'on 5xx, up to 1',
      timeout: 'request 2s, idle 30s',
    });
    expect(bare.ignoredAnnotations).toEqual([]);
    const noRules = {
      ...httpRoute('own', 'recs', 'gateway.networking.k8s.io/v1', {
        'timeout.linkerd.io/response': '1s',
      }),
      spec: { parentRefs: [{ group: 'core', kind: 'Service', name: 'recs' }], rules: [{}] },
    };
    const routed = serviceRouteConfig(service, [], [noRules], 'cluster.local');
    expect(routed.routes.get('own')).toMatchObject({
      configuredBy: "retries: Service ns/recs annotations; timeout: the route's annotations",
      retries: 'on 5xx, up to 1',
      timeout: 'response 1s',
    });
  });

  it("a ServiceProfile makes the Service's retry and timeout annotations ignored, and names them", () => {
    const cfg = serviceRouteConfig(
      {
        namespace: 'ns',
        name: 'books',
        annotations: {
          'retry.linkerd.io/limit': '2',
          'retry.linkerd.io/http': '5xx',
          'config.linkerd.io/opaque-ports': '3306',
        },
      },
      [profile('books', { routes: [{ name: 'GET /books.json' }] })],
      [],
      'cluster.local',
    );
    expect(cfg.ignoredAnnotations).toEqual(['retry.linkerd.io/http', 'retry.linkerd.io/limit']);
    expect(cfg.defaultRoute).toMatchObject({ source: 'ServiceProfile', retries: null });
  });

  it("reads retry annotations as linkerd2's policy controller does: any retry key on the route overrides the Service's", () => {
    // Confirmed in linkerd2 policy-controller `parse_http_retry`: configured when any of http,
    // limit (0 is unset) or timeout (zero is unset) is present; limit defaults to 1; the
    // gRPC annotation is not read for HTTP. linkerd/website 2.19 reference/retries.md: route
    // annotations override all of the Service's.
    const service = {
      namespace: 'ns',
      name: 'webapp',
      annotations: { 'retry.linkerd.io/http': 'gateway-error' },
    };
    const retries = (annotations: Record<string, string>) =>
      serviceRouteConfig(
        service,
        [],
        [httpRoute('r', 'webapp', 'gateway.networking.k8s.io/v1', annotations)],
        'cluster.local',
      ).routes.get('r')?.retries;
    expect(retries({ 'retry.linkerd.io/limit': '3' })).toBe(
      'no retry.linkerd.io/http conditions, up to 3',
    );
    expect(retries({ 'retry.linkerd.io/grpc': 'internal' })).toBe('on gateway-error, up to 1');
    expect(retries({ 'retry.linkerd.io/limit': '0' })).toBe('on gateway-error, up to 1');
    expect(
      retries({ 'retry.linkerd.io/http': '500-504,429', 'retry.linkerd.io/timeout': '0s' }),
    ).toBe('on 500-504,429, up to 1');
    expect(retries({ 'retry.linkerd.io/http': '5xx', 'retry.linkerd.io/timeout': '250ms' })).toBe(
      'on 5xx, up to 1, each within 250ms',
    );
    expect(retries({ 'retry.linkerd.io/http': '5xx,oops' })).toBe(
      'invalid retry.linkerd.io/http "5xx,oops"',
    );
    expect(retries({ 'retry.linkerd.io/http': '504-500' })).toBe(
      'invalid retry.linkerd.io/http "504-500"',
    );
  });

  it("reads a GRPCRoute's retries from retry.linkerd.io/grpc and its timeout from annotations, as parse_grpc_retry and parse_timeouts do", () => {
    const svc = {
      namespace: 'ns',
      name: 'emoji',
      annotations: {
        'retry.linkerd.io/grpc': 'internal',
        'retry.linkerd.io/http': '5xx',
        'timeout.linkerd.io/request': '5s',
      },
    };
    const cfg = serviceRouteConfig(
      svc,
      [],
      [
        grpcRoute('own', 'emoji', {
          'retry.linkerd.io/grpc': 'unavailable,Deadline-Exceeded',
          'retry.linkerd.io/limit': '2',
          'timeout.linkerd.io/request': '1s',
        }),
        // No retry annotation of its own that a GRPCRoute reads: the Service's gRPC conditions,
        // never its HTTP ones, and its own HTTP conditions are named as misplaced.
        grpcRoute('inherits', 'emoji', { 'retry.linkerd.io/http': '5xx' }),
        grpcRoute('bad', 'emoji', { 'retry.linkerd.io/grpc': 'unknown' }),
      ],
      'cluster.local',
    );
    expect(cfg.routes.get('own')).toEqual({
      source: 'GRPCRoute',
      object: 'GRPCRoute.gateway.networking.k8s.io/ns/own',
      configuredBy: "retries: the route's annotations; timeout: the route's annotations",
      retries: 'on unavailable,Deadline-Exceeded, up to 2',
      timeout: 'request 1s',
    });
    expect(cfg.routes.get('inherits')).toMatchObject({
      retries: 'on internal, up to 1',
      timeout: 'request 5s',
      configuredBy: 'retries: Service ns/emoji annotations; timeout: Service ns/emoji annotations',
    });
    expect(cfg.routes.get('bad')?.retries).toBe('invalid retry.linkerd.io/grpc "unknown"');
    expect(cfg.attached.map((r) => r.metadata?.name)).toEqual(['own', 'inherits', 'bad']);
    expect(cfg.misplacedAnnotations).toEqual([
      {
        object: 'GRPCRoute.gateway.networking.k8s.io/ns/inherits',
        kind: 'GRPCRoute',
        keys: ['retry.linkerd.io/http'],
      },
    ]);
  });

  it("gives a route's split as shares of its rules' weights, only when every rule splits alike", () => {
    const split = (name: string, rules: { backendRefs?: object[] }[]) => ({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name, namespace: 'ns' },
      spec: { parentRefs: [{ group: 'core', kind: 'Service', name: 'web' }], rules },
    });
    const canary = [
      { name: 'web', port: 80, weight: 90 },
      { name: 'web-canary', port: 80, weight: 10 },
    ];
    const cfg = serviceRouteConfig(
      { namespace: 'ns', name: 'web' },
      [],
      [
        split('canary', [{ backendRefs: canary }, { backendRefs: [...canary].reverse() }, {}]),
        // No weights: 1 each.
        split('even', [{ backendRefs: [{ name: 'a' }, { name: 'b', namespace: 'other' }] }]),
        split('differs', [{ backendRefs: canary }, { backendRefs: [{ name: 'web' }] }]),
        split('parent', [{}]),
      ],
      'cluster.local',
    );
    expect(cfg.splits.get('canary')).toEqual([
      { namespace: 'ns', name: 'web', weight: 0.9 },
      { namespace: 'ns', name: 'web-canary', weight: 0.1 },
    ]);
    expect(cfg.splits.get('even')).toEqual([
      { namespace: 'ns', name: 'a', weight: 0.5 },
      { namespace: 'other', name: 'b', weight: 0.5 },
    ]);
    expect(cfg.splits.has('differs')).toBe(false);
    expect(cfg.splits.has('parent')).toBe(false);
  });
});
