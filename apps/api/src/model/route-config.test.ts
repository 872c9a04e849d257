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
      retries: 'on 5xx, up to 2',
      timeout: '200ms',
    });
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
});
