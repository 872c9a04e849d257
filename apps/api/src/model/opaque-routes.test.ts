import { describe, expect, it } from 'vitest';
import { opaqueRoutesOf } from './opaque-routes';

const route = (kind: string, name: string, spec: unknown) => ({
  apiVersion: 'gateway.networking.k8s.io/v1alpha2',
  kind,
  metadata: { name, namespace: 'db' },
  spec,
});
const parent = [{ group: 'core', kind: 'Service', name: 'pg', port: 5432 }];

describe('opaque routes', () => {
  it("takes a Service's TCPRoutes and TLSRoutes, backends weighted 1 unless given, missing ones marked", () => {
    const exists = (ns: string, name: string) => ns === 'db' && name === 'pg';
    const routes = opaqueRoutesOf(
      { namespace: 'db', name: 'pg' },
      [
        route('TCPRoute', 'pg', {
          parentRefs: parent,
          rules: [{ backendRefs: [{ name: 'pg', weight: 3 }, { name: 'pg-next' }] }],
        }),
        route('TLSRoute', 'pg-tls', {
          parentRefs: parent,
          hostnames: ['pg.example.com'],
          rules: [{ backendRefs: [{ name: 'pg' }] }],
        }),
        // Another Service's, and an HTTPRoute: not this Service's opaque routes.
        route('TCPRoute', 'other', {
          parentRefs: [{ kind: 'Service', name: 'redis' }],
          rules: [{}],
        }),
        route('HTTPRoute', 'web', { parentRefs: parent, rules: [{}] }),
      ],
      exists,
    );
    expect(routes).toEqual([
      {
        kind: 'TCPRoute',
        name: 'pg',
        object: 'TCPRoute.gateway.networking.k8s.io/db/pg',
        hostnames: [],
        backends: [
          { namespace: 'db', name: 'pg', weight: 0.75, exists: true },
          { namespace: 'db', name: 'pg-next', weight: 0.25, exists: false },
        ],
        problem: null,
      },
      {
        kind: 'TLSRoute',
        name: 'pg-tls',
        object: 'TLSRoute.gateway.networking.k8s.io/db/pg-tls',
        hostnames: ['pg.example.com'],
        backends: [{ namespace: 'db', name: 'pg', weight: 1, exists: true }],
        problem: null,
      },
    ]);
  });

  it('says why a route with other than one rule is not taken (linkerd2 outbound/index/tls.rs)', () => {
    const [r] = opaqueRoutesOf(
      { namespace: 'db', name: 'pg' },
      [route('TCPRoute', 'two', { parentRefs: parent, rules: [{}, {}] })],
      () => true,
    );
    expect(r?.problem).toBe('it has 2 rules, and Linkerd takes a TCPRoute with exactly one');
  });
});
