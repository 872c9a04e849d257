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
});
