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
  | 'deployment'
  | 'statefulset'
  | 'daemonset'
  | 'replicaset'
  | 'job'
  | 'cronjob'
  /** Not a pod label: the destination controller's `external_workload` metric label. */
  | 'external_workload';

/**
 * An ExternalWorkload's identity and TLS server name, as the mesh expansion
 * guide writes them (`spiffe://root.linkerd.cluster.local/<name>`,
 * `<name>.cluster.local`): a URI identity, not a ServiceAccount's.
 */
export function externalIdentityOf(name: string): { identity: string; serverName: string } {
  return {
    identity: `spiffe://root.linkerd.${TRUST_DOMAIN}/${name}`,
    serverName: `${name}.${TRUST_DOMAIN}`,
  };
}

/**
 * What a proxy's `rustls_info` gauge says of its TLS provider (linkerd2-proxy
 * `tls_info.rs`, added by linkerd2-proxy#4033 in July 2025): the cipher suites
 * and key-exchange groups as comma-terminated lists, the random and key
 * providers, and FIPS mode. From linkerd2-proxy#4070 (August 2025) the hybrid
 * post-quantum group comes first, `X25519MLKEM768`, or `SECP256R1MLKEM768` in
 * a FIPS build, which offers neither X25519 nor ChaCha20. Before #4070 the
 * hybrid group was offered last. Proxies older than #4033 report nothing.
 * Releases are matched to those dates, as the demo's own choice.
 */
export function rustlsInfo(
  proxyVersion: string,
  fips: boolean,
): Record<string, string> | undefined {
  const edge = /^edge-(\d+)\.(\d+)\.(\d+)$/.exec(proxyVersion);
  const stable = /^(?:stable|enterprise)-2\.(\d+)\./.exec(proxyVersion);
  // An edge release as YYMMNN; stable releases from 2.19 carry both changes.
  const release = edge ? Number(edge[1]) * 10_000 + Number(edge[2]) * 100 + Number(edge[3]) : 0;
  const reports = edge ? release >= 25_08_01 : Number(stable?.[1] ?? 0) >= 19;
  if (!reports) return undefined;
  const prefersHybrid = !edge || release >= 25_08_03;
  const groups = fips
    ? ['SECP256R1MLKEM768', 'secp256r1', 'secp384r1']
    : prefersHybrid
      ? ['X25519MLKEM768', 'X25519', 'secp256r1', 'secp384r1']
      : ['X25519', 'secp256r1', 'secp384r1', 'X25519MLKEM768'];
  const suites = [
    'TLS13_AES_128_GCM_SHA256',
    'TLS13_AES_256_GCM_SHA384',
    ...(fips ? [] : ['TLS13_CHACHA20_POLY1305_SHA256']),
  ];
  const list = (values: string[]) => values.map((v) => `${v},`).join('');
  return {
    tls_suites: list(suites),
    tls_kx_groups: list(groups),
    tls_rand: 'AwsLcRs',
    tls_key_provider: 'AwsLcRs',
    tls_fips: String(fips),
  };
}
