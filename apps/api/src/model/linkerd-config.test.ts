import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { linkerdConfigOf, renewalOverdueBelow } from './linkerd-config';

// The `values` key of linkerd-config as charts/linkerd-control-plane/templates/config.yaml
// writes it: the chart's values as YAML (keys as in the chart's values.yaml).
const VALUES = `
clusterDomain: cluster.local
identityTrustDomain: prod.example.org
linkerdVersion: enterprise-2.18.2
identity:
  externalCA: false
  issuer:
    clockSkewAllowance: 20s
    issuanceLifetime: 48h0m0s
    scheme: linkerd.io/tls
proxy:
  defaultInboundPolicy: cluster-authenticated
  image:
    name: cr.l5d.io/linkerd/proxy
    version: ""
`;

describe('linkerd-config', () => {
  it('reads the trust domain, certificate lifetime, default policy and version from the values', () => {
    const c = linkerdConfigOf(load(VALUES) as Record<string, unknown>, 'linkerd', 'cluster.local');
    expect(c).toMatchObject({
      found: true,
      version: 'enterprise-2.18.2',
      trustDomain: 'prod.example.org',
      issuanceLifetimeSeconds: 48 * 3600,
      defaultInboundPolicy: 'cluster-authenticated',
      note: null,
    });
    // Renewal happens at 70%: under 30% of 48 h left means it is failing.
    expect(renewalOverdueBelow(c)).toBeCloseTo(0.3 * 48 * 3600);
  });

  it('falls back to the cluster domain when identityTrustDomain is empty, as the chart does', () => {
    const c = linkerdConfigOf(
      { clusterDomain: 'corp.internal', identityTrustDomain: '' },
      'linkerd',
      'cluster.local',
    );
    expect(c.trustDomain).toBe('corp.internal');
    expect(c.note).toContain('identity.issuer.issuanceLifetime');
    expect(c.issuanceLifetimeSeconds).toBe(24 * 3600);
  });

  it('when the ConfigMap is missing, assumes the defaults and says so', () => {
    const c = linkerdConfigOf(undefined, 'linkerd', 'cluster.local');
    expect(c.found).toBe(false);
    expect(c.defaultInboundPolicy).toBe('all-unauthenticated');
    expect(c.note).toMatch(/linkerd\/linkerd-config was not found/);
  });
});
