import { describe, expect, it } from 'vitest';
import {
  authorizationsFor,
  describeRequirements,
  policyTarget,
  resolveAuthentication,
  selects,
  type PolicyObjects,
} from './policy';

const meta = (name: string, namespace = 'ns') => ({ name, namespace });
const objects: PolicyObjects = {
  servers: [
    {
      kind: 'Server',
      metadata: meta('api-http'),
      spec: { port: 'http', podSelector: { matchLabels: { app: 'api' } } },
    },
  ],
  policies: [
    {
      kind: 'AuthorizationPolicy',
      metadata: meta('api-from-web'),
      spec: {
        targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: 'api-http' },
        requiredAuthenticationRefs: [
          { kind: 'MeshTLSAuthentication', name: 'web-only' },
          { kind: 'ServiceAccount', name: 'ops' },
        ],
      },
    },
    {
      kind: 'AuthorizationPolicy',
      metadata: meta('gone'),
      spec: { targetRef: { kind: 'Server', name: 'nope' }, requiredAuthenticationRefs: [] },
    },
  ],
  serverAuthorizations: [
    {
      kind: 'ServerAuthorization',
      metadata: meta('legacy'),
      spec: {
        server: { name: 'api-http' },
        client: { unauthenticated: true, networks: [{ cidr: '10.0.0.0/8' }] },
      },
    },
  ],
  meshTls: [
    {
      kind: 'MeshTLSAuthentication',
      metadata: meta('web-only'),
      spec: { identities: ['web.ns.serviceaccount.identity.linkerd.cluster.local'] },
    },
  ],
  networks: [],
  httpRoutes: [],
  linkerdNamespace: 'linkerd',
  trustDomain: 'cluster.local',
};

describe('policy model', () => {
  it('matches label selectors as Kubernetes does', () => {
    expect(selects({ matchLabels: { app: 'api' } }, { app: 'api', x: '1' })).toBe(true);
    expect(
      selects(
        { matchExpressions: [{ key: 'tier', operator: 'In', values: ['a'] }] },
        { tier: 'b' },
      ),
    ).toBe(false);
    expect(selects({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, {})).toBe(
      true,
    );
    expect(selects(undefined, {})).toBe(true);
  });

  it('resolves what a Server admits through policies, service accounts and older ServerAuthorizations', () => {
    const server = objects.servers[0];
    if (!server) throw new Error('fixture');
    const auths = authorizationsFor(server, objects);
    expect(auths.map((a) => `${a.kind} ${a.name}`)).toEqual([
      'AuthorizationPolicy api-from-web',
      'ServerAuthorization legacy',
    ]);
    expect(auths[0]?.requires.flatMap((r) => r.identities)).toEqual([
      'web.ns.serviceaccount.identity.linkerd.cluster.local',
      'ops.ns.serviceaccount.identity.linkerd.cluster.local',
    ]);
    expect(auths[1]?.requires[0]).toMatchObject({
      networks: ['10.0.0.0/8'],
      unauthenticated: true,
    });
  });

  it('when an authentication or a target is missing, says so rather than admitting anyone', () => {
    const missing = resolveAuthentication(
      { kind: 'MeshTLSAuthentication', name: 'x' },
      'ns',
      objects,
    );
    expect(missing.missing).toBe(true);
    expect(describeRequirements([missing])).toContain('admits no one');
    const [, gone] = objects.policies;
    if (!gone) throw new Error('fixture');
    expect(policyTarget(gone, objects, ['ns'])).toEqual({
      kind: 'Server',
      namespace: 'ns',
      name: 'nope',
      missing: true,
    });
  });

  it('applies policies that target the Namespace or a route of the Server, and says to what', () => {
    const server = objects.servers[0];
    if (!server) throw new Error('fixture');
    const withMore: PolicyObjects = {
      ...objects,
      httpRoutes: [
        {
          apiVersion: 'policy.linkerd.io/v1beta3',
          kind: 'HTTPRoute',
          metadata: meta('api-admin'),
          spec: { parentRefs: [{ group: 'policy.linkerd.io', kind: 'Server', name: 'api-http' }] },
        },
        {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'GRPCRoute',
          metadata: meta('other'),
          spec: { parentRefs: [{ kind: 'Server', name: 'someone-else' }] },
        },
      ],
      policies: [
        ...objects.policies,
        {
          kind: 'AuthorizationPolicy',
          metadata: meta('whole-namespace'),
          spec: {
            targetRef: { kind: 'Namespace', name: 'ns' },
            requiredAuthenticationRefs: [{ kind: 'ServiceAccount', name: 'prometheus' }],
          },
        },
        {
          kind: 'AuthorizationPolicy',
          metadata: meta('admin-route'),
          spec: {
            targetRef: { group: 'policy.linkerd.io', kind: 'HTTPRoute', name: 'api-admin' },
            requiredAuthenticationRefs: [{ kind: 'ServiceAccount', name: 'ops' }],
          },
        },
        {
          kind: 'AuthorizationPolicy',
          metadata: meta('not-mine'),
          spec: {
            targetRef: { kind: 'GRPCRoute', name: 'other' },
            requiredAuthenticationRefs: [],
          },
        },
        {
          kind: 'AuthorizationPolicy',
          metadata: meta('other-namespace'),
          spec: {
            targetRef: { kind: 'Namespace', name: 'elsewhere' },
            requiredAuthenticationRefs: [],
          },
        },
      ],
    };
    expect(authorizationsFor(server, withMore).map((a) => `${a.name}: ${a.scope}`)).toEqual([
      'api-from-web: Server',
      'whole-namespace: Namespace ns (every Server)',
      'admin-route: HTTPRoute api-admin (its requests only)',
      'legacy: Server',
    ]);
  });
});
