/** Facts of the simulated Linkerd installation. */
export const CONTROL_PLANE_NS = 'linkerd';
export const LINKERD_VERSION = 'edge-25.10.1';
export const PROXY_IMAGE = 'cr.l5d.io/linkerd/proxy';
export const ADMIN_PORT = 4191;
export const INBOUND_PORT = 4143;
export const TRUST_DOMAIN = 'cluster.local';
/**
 * Proxy certificates are renewed at 70% of their lifetime, as Linkerd's identity does. The
 * demo's lifetime is not Linkerd's 24 h default, so nothing may assume the default; it is
 * written into linkerd-config as `identity.issuer.issuanceLifetime`.
 */
export const CERT_LIFETIME_SECONDS = 12 * 3600;
export const CERT_REFRESH_FRACTION = 0.7;

export function identityOf(serviceAccount: string, namespace: string): string {
  return `${serviceAccount}.${namespace}.serviceaccount.identity.${CONTROL_PLANE_NS}.${TRUST_DOMAIN}`;
}

/** Pod label naming the workload that owns a meshed pod (`linkerd.io/proxy-<kind>`). */
export type OwnerLabelKind =
  'deployment' | 'statefulset' | 'daemonset' | 'replicaset' | 'job' | 'cronjob';
