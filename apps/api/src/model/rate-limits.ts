import type { RateLimitView } from '@meshviz/shared';
import { identityOf, type Crd, type PolicyObjects, type ServerSpec } from './policy';

export interface RateLimitSpec {
  targetRef?: { group?: string; kind?: string; name?: string };
  total?: { requestsPerSecond?: unknown };
  identity?: { requestsPerSecond?: unknown };
  overrides?: {
    requestsPerSecond?: unknown;
    clientRefs?: { kind?: string; name?: string; namespace?: string }[];
  }[];
}

/** What an HTTPLocalRateLimitPolicy configures, without its traffic. */
export type RateLimitConfig = Pick<
  RateLimitView,
  'name' | 'totalRps' | 'identityRps' | 'overrides'
>;

const rps = (v: unknown): number | null => (typeof v === 'number' && v > 0 ? v : null);

/**
 * The HTTPLocalRateLimitPolicy targeting a Server (policy.linkerd.io/v1alpha1,
 * Linkerd 2.17: a Server takes one; the first by name if several claim it),
 * its overrides' ServiceAccounts written as the identities the proxy matches
 * (an unset `clientRefs.namespace` is the policy's own).
 */
export function rateLimitOf(
  server: Crd<ServerSpec>,
  policies: Crd<RateLimitSpec>[],
  o: Pick<PolicyObjects, 'linkerdNamespace' | 'trustDomain'>,
): RateLimitConfig | null {
  const p = policies
    .filter(
      (x) =>
        x.metadata.namespace === server.metadata.namespace &&
        x.spec?.targetRef?.kind === 'Server' &&
        x.spec.targetRef.name === server.metadata.name,
    )
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))[0];
  if (!p) return null;
  return {
    name: p.metadata.name,
    totalRps: rps(p.spec?.total?.requestsPerSecond),
    identityRps: rps(p.spec?.identity?.requestsPerSecond),
    overrides: (p.spec?.overrides ?? []).flatMap((ov) => {
      const limit = rps(ov.requestsPerSecond);
      if (limit === null) return [];
      return [
        {
          requestsPerSecond: limit,
          identities: (ov.clientRefs ?? [])
            .filter((r) => r.kind === 'ServiceAccount' && r.name)
            .map((r) =>
              identityOf(
                r.name ?? '',
                r.namespace || p.metadata.namespace,
                o.linkerdNamespace,
                o.trustDomain,
              ),
            ),
        },
      ];
    }),
  };
}
