import { describe, expect, it } from 'vitest';
import type { Crd, ServerSpec } from './policy';
import { rateLimitOf, type RateLimitSpec } from './rate-limits';

const server: Crd<ServerSpec> = { metadata: { namespace: 'shop', name: 'web-http' }, spec: {} };
const policy = (name: string, spec: RateLimitSpec, namespace = 'shop'): Crd<RateLimitSpec> => ({
  metadata: { namespace, name },
  spec,
});
const o = { linkerdNamespace: 'linkerd', trustDomain: 'cluster.local' };

describe('HTTPLocalRateLimitPolicy', () => {
  it('reads the limits of the policy targeting the Server, overrides as identities', () => {
    // The 2.17 reference's example: total 100, identity 20, an override of 25.
    const r = rateLimitOf(
      server,
      [
        policy('other', {
          targetRef: { kind: 'Server', name: 'api-http' },
          total: { requestsPerSecond: 1 },
        }),
        policy('elsewhere', { targetRef: { kind: 'Server', name: 'web-http' } }, 'other-ns'),
        policy('web-rl', {
          targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: 'web-http' },
          total: { requestsPerSecond: 100 },
          identity: { requestsPerSecond: 20 },
          overrides: [
            {
              requestsPerSecond: 25,
              clientRefs: [
                { kind: 'ServiceAccount', namespace: 'emojivoto', name: 'special-client' },
                { kind: 'ServiceAccount', name: 'local-client' },
                { kind: 'Deployment', name: 'not-a-service-account' },
              ],
            },
            { requestsPerSecond: 0, clientRefs: [{ kind: 'ServiceAccount', name: 'zero' }] },
          ],
        }),
      ],
      o,
    );
    expect(r).toEqual({
      name: 'web-rl',
      totalRps: 100,
      identityRps: 20,
      overrides: [
        {
          requestsPerSecond: 25,
          identities: [
            'special-client.emojivoto.serviceaccount.identity.linkerd.cluster.local',
            'local-client.shop.serviceaccount.identity.linkerd.cluster.local',
          ],
        },
      ],
    });
  });

  it('is none when no policy targets the Server, and an unset limit is no limit', () => {
    expect(rateLimitOf(server, [], o)).toBeNull();
    const r = rateLimitOf(
      server,
      [
        policy('only-identity', {
          targetRef: { kind: 'Server', name: 'web-http' },
          identity: { requestsPerSecond: 5 },
        }),
      ],
      o,
    );
    expect([r?.totalRps, r?.identityRps, r?.overrides]).toEqual([null, 5, []]);
  });
});
