import { describe, expect, it } from 'vitest';
import { egressDenied, egressNetworksOf } from './egress';

const network = (namespace: string, name: string, spec: unknown) => ({
  apiVersion: 'policy.linkerd.io/v1alpha1',
  kind: 'EgressNetwork',
  metadata: { namespace, name },
  spec,
});

describe('EgressNetworks', () => {
  it('read their policy, networks, scope and the routes whose parent they are', () => {
    const nets = egressNetworksOf(
      [
        network('shop', 'internet', { trafficPolicy: 'Deny' }),
        network('linkerd-egress', 'all', {
          trafficPolicy: 'Allow',
          networks: [{ cidr: '0.0.0.0/0', except: ['10.0.0.0/8', 7] }, { except: [] }],
        }),
      ],
      [
        {
          kind: 'TLSRoute',
          metadata: { namespace: 'shop', name: 'payments' },
          spec: {
            hostnames: ['api.stripe.example'],
            parentRefs: [
              { group: 'policy.linkerd.io', kind: 'EgressNetwork', name: 'internet', port: 443 },
            ],
          },
        },
        // A route in another namespace names the global network by its namespace.
        {
          kind: 'HTTPRoute',
          metadata: { namespace: 'shop', name: 'status-page' },
          spec: {
            parentRefs: [
              {
                group: 'policy.linkerd.io',
                kind: 'EgressNetwork',
                name: 'all',
                namespace: 'linkerd-egress',
              },
            ],
          },
        },
        // Not attached: a Service parent with the same name, an EgressNetwork elsewhere.
        {
          kind: 'HTTPRoute',
          metadata: { namespace: 'shop', name: 'svc' },
          spec: { parentRefs: [{ kind: 'Service', name: 'internet' }] },
        },
        {
          kind: 'HTTPRoute',
          metadata: { namespace: 'other', name: 'x' },
          spec: {
            parentRefs: [{ group: 'policy.linkerd.io', kind: 'EgressNetwork', name: 'internet' }],
          },
        },
      ],
      'linkerd-egress',
    );
    expect(nets).toEqual([
      {
        namespace: 'linkerd-egress',
        name: 'all',
        trafficPolicy: 'Allow',
        networks: [{ cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] }],
        scope: 'cluster',
        routes: [
          { kind: 'HTTPRoute', namespace: 'shop', name: 'status-page', hostnames: [], port: null },
        ],
      },
      {
        namespace: 'shop',
        name: 'internet',
        trafficPolicy: 'Deny',
        networks: [],
        scope: 'namespace',
        routes: [
          {
            kind: 'TLSRoute',
            namespace: 'shop',
            name: 'payments',
            hostnames: ['api.stripe.example'],
            port: 443,
          },
        ],
      },
    ]);
  });

  it("call refused only what a Deny network's default route took", () => {
    // linkerd2 default_outbound_egress_route names: {http,grpc,tls,tcp}-egress-{allow,deny}.
    expect(egressDenied('default', 'http-egress-deny')).toBe(true);
    expect(egressDenied('default', 'tls-egress-deny')).toBe(true);
    expect(egressDenied('default', 'http-egress-allow')).toBe(false);
    expect(egressDenied('default', 'egress-fallback')).toBe(false);
    expect(egressDenied('HTTPRoute', 'tcp-egress-deny')).toBe(false);
  });
});
