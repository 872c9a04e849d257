import { parseDuration } from '@meshviz/shared';

/** What meshviz reads of the `linkerd-config` ConfigMap (the chart's values, as YAML). */
export interface LinkerdConfig {
  /** The ConfigMap was found and read. */
  found: boolean;
  /** `linkerdVersion`: the control plane's release. */
  version: string | null;
  /** `identityTrustDomain` (the chart sets it to `clusterDomain` when empty). */
  trustDomain: string;
  clusterDomain: string;
  /** `identity.issuer.issuanceLifetime`: how long a proxy certificate lives. */
  issuanceLifetimeSeconds: number;
  /** `proxy.defaultInboundPolicy`: the cluster's policy for ports no Server selects. */
  defaultInboundPolicy: string;
  /** `egress.globalEgressNetworkNamespace`: its EgressNetworks apply to clients in every namespace. */
  globalEgressNamespace: string;
  /** Why defaults are in use, when they are. */
  note: string | null;
}

/** Linkerd's chart defaults (values.yaml), used when the ConfigMap cannot be read. */
export const LINKERD_DEFAULTS = {
  clusterDomain: 'cluster.local',
  issuanceLifetimeSeconds: 24 * 3600,
  defaultInboundPolicy: 'all-unauthenticated',
  globalEgressNamespace: 'linkerd-egress',
};

type Values = Record<string, unknown>;

function at(values: Values, path: string[]): unknown {
  let v: unknown = values;
  for (const k of path) v = v && typeof v === 'object' ? (v as Values)[k] : undefined;
  return v;
}

const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/**
 * The installation's facts from `linkerd-config`'s `values` (as
 * `charts/linkerd-control-plane/templates/config.yaml` writes it), each
 * falling back to the chart default with a note saying so. `values` is
 * the parsed YAML, or undefined when the ConfigMap is missing.
 */
export function linkerdConfigOf(
  values: Values | undefined,
  namespace: string,
  clusterDomainFallback: string,
): LinkerdConfig {
  if (!values) {
    return {
      found: false,
      version: null,
      trustDomain: clusterDomainFallback,
      clusterDomain: clusterDomainFallback,
      issuanceLifetimeSeconds: LINKERD_DEFAULTS.issuanceLifetimeSeconds,
      defaultInboundPolicy: LINKERD_DEFAULTS.defaultInboundPolicy,
      globalEgressNamespace: LINKERD_DEFAULTS.globalEgressNamespace,
      note: `ConfigMap ${namespace}/linkerd-config was not found or could not be read: assuming Linkerd's defaults (trust domain ${clusterDomainFallback}, 24 h certificates, default inbound policy ${LINKERD_DEFAULTS.defaultInboundPolicy}).`,
    };
  }
  const clusterDomain = text(at(values, ['clusterDomain'])) ?? clusterDomainFallback;
  const lifetimeText = text(at(values, ['identity', 'issuer', 'issuanceLifetime']));
  const lifetime = lifetimeText ? parseDuration(lifetimeText) : undefined;
  const missing: string[] = [];
  if (lifetime === undefined) missing.push('identity.issuer.issuanceLifetime');
  const policy = text(at(values, ['proxy', 'defaultInboundPolicy']));
  if (!policy) missing.push('proxy.defaultInboundPolicy');
  return {
    found: true,
    version: text(at(values, ['linkerdVersion'])) ?? null,
    trustDomain: text(at(values, ['identityTrustDomain'])) ?? clusterDomain,
    clusterDomain,
    issuanceLifetimeSeconds: lifetime ?? LINKERD_DEFAULTS.issuanceLifetimeSeconds,
    defaultInboundPolicy: policy ?? LINKERD_DEFAULTS.defaultInboundPolicy,
    // Older charts (before 2.17) have no egress values: the policy controller's default then.
    globalEgressNamespace:
      text(at(values, ['egress', 'globalEgressNetworkNamespace'])) ??
      LINKERD_DEFAULTS.globalEgressNamespace,
    note: missing.length
      ? `linkerd-config lacks ${missing.join(' and ')}: Linkerd's defaults are assumed for them.`
      : null,
  };
}

/** Proxies renew their certificate at 70% of its lifetime (linkerd2-proxy identity client). */
const RENEW_AT = 0.7;

/**
 * Less time left than this means renewal is failing: a renewing certificate
 * always keeps at least 30% of its lifetime. The finding and the mTLS page share it.
 */
export function renewalOverdueBelow(config: LinkerdConfig): number {
  return config.issuanceLifetimeSeconds * (1 - RENEW_AT);
}
