/**
 * What Linkerd's policy CRDs say about who may call whom (mesh-facts §5):
 * a Server selects pods and a port; AuthorizationPolicies (targeting the
 * Server) and older ServerAuthorizations admit clients by identity
 * (MeshTLSAuthentication, ServiceAccount) or network (NetworkAuthentication).
 * Pure: objects in, plain descriptions out.
 */
import type { RateLimitSpec } from './rate-limits';
import type { Requirement } from '@meshviz/shared';
import type { CrdObject } from './route-config';

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface ServerSpec {
  podSelector?: LabelSelector;
  port?: number | string;
  proxyProtocol?: string;
  accessPolicy?: string;
}

interface TargetRef {
  group?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

export interface AuthorizationPolicySpec {
  targetRef?: TargetRef;
  requiredAuthenticationRefs?: TargetRef[];
}

export interface ServerAuthorizationSpec {
  server?: { name?: string; selector?: LabelSelector };
  client?: {
    networks?: { cidr: string; except?: string[] }[];
    meshTLS?: {
      identities?: string[];
      serviceAccounts?: { name: string; namespace?: string }[];
      unauthenticatedTLS?: boolean;
    };
    unauthenticated?: boolean;
  };
}

export type Crd<S> = CrdObject & { metadata: { name: string; namespace: string }; spec?: S };

/** Kubernetes label-selector semantics; an empty selector selects everything. */
export function selects(sel: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!sel) return true;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = e.key in labels;
    const v = labels[e.key];
    const ok =
      e.operator === 'In'
        ? has && (e.values ?? []).includes(v ?? '')
        : e.operator === 'NotIn'
          ? !has || !(e.values ?? []).includes(v ?? '')
          : e.operator === 'Exists'
            ? has
            : e.operator === 'DoesNotExist'
              ? !has
              : false;
    if (!ok) return false;
  }
  return true;
}

export function describeSelector(sel: LabelSelector | undefined): string {
  if (!sel) return 'all pods';
  const parts = [
    ...Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(sel.matchExpressions ?? []).map(
      (e) => `${e.key} ${e.operator}${e.values?.length ? ` (${e.values.join(', ')})` : ''}`,
    ),
  ];
  return parts.length ? parts.join(', ') : 'all pods';
}

/** `<sa>.<ns>.serviceaccount.identity.<control-plane-ns>.<trust-domain>` (mesh-facts §1). */
export function identityOf(sa: string, ns: string, linkerdNs: string, trustDomain: string): string {
  return `${sa}.${ns}.serviceaccount.identity.${linkerdNs}.${trustDomain}`;
}

export interface PolicyObjects {
  servers: Crd<ServerSpec>[];
  policies: Crd<AuthorizationPolicySpec>[];
  serverAuthorizations: Crd<ServerAuthorizationSpec>[];
  meshTls: Crd<{ identities?: string[]; identityRefs?: TargetRef[] }>[];
  networks: Crd<{ networks?: { cidr: string; except?: string[] }[] }>[];
  httpRoutes: CrdObject[];
  /** HTTPLocalRateLimitPolicies (Linkerd 2.17). */
  rateLimits?: Crd<RateLimitSpec>[];
  linkerdNamespace: string;
  trustDomain: string;
}

const none = { identities: [], networks: [], unauthenticated: false };

/** One `requiredAuthenticationRefs` entry resolved to what it admits. */
export function resolveAuthentication(
  ref: TargetRef,
  namespace: string,
  o: PolicyObjects,
): Requirement {
  const ns = ref.namespace ?? namespace;
  const name = ref.name ?? '';
  const id = (sa: string, saNs: string) => identityOf(sa, saNs, o.linkerdNamespace, o.trustDomain);
  switch (ref.kind) {
    case 'MeshTLSAuthentication': {
      const m = o.meshTls.find((x) => x.metadata.namespace === ns && x.metadata.name === name);
      if (!m) return { kind: ref.kind, name, missing: true, ...none };
      const identities = [
        ...(m.spec?.identities ?? []),
        ...(m.spec?.identityRefs ?? []).map((r) =>
          r.kind === 'ServiceAccount' ? id(r.name ?? '', r.namespace ?? ns) : `${r.kind} ${r.name}`,
        ),
      ];
      return { kind: ref.kind, name, missing: false, ...none, identities };
    }
    case 'NetworkAuthentication': {
      const n = o.networks.find((x) => x.metadata.namespace === ns && x.metadata.name === name);
      if (!n) return { kind: ref.kind, name, missing: true, ...none };
      const networks = (n.spec?.networks ?? []).flatMap((x) => [
        x.cidr,
        ...(x.except ?? []).map((e) => `!${e}`),
      ]);
      // A network rule alone admits clients with or without mTLS.
      return { kind: ref.kind, name, missing: false, ...none, networks, unauthenticated: true };
    }
    case 'ServiceAccount':
      return { kind: 'ServiceAccount', name, missing: false, ...none, identities: [id(name, ns)] };
    default:
      return { kind: 'client', name: `${ref.kind ?? '?'} ${name}`, missing: true, ...none };
  }
}

/** A ServerAuthorization's `client` block as one requirement. */
export function serverAuthorizationRequirement(
  sa: Crd<ServerAuthorizationSpec>,
  o: PolicyObjects,
): Requirement {
  const c = sa.spec?.client ?? {};
  const ns = sa.metadata.namespace;
  const identities = [
    ...(c.meshTLS?.identities ?? []),
    ...(c.meshTLS?.serviceAccounts ?? []).map((s) =>
      identityOf(s.name, s.namespace ?? ns, o.linkerdNamespace, o.trustDomain),
    ),
  ];
  return {
    kind: 'client',
    name: sa.metadata.name,
    missing: false,
    identities: c.meshTLS?.unauthenticatedTLS ? ['* (any TLS client)'] : identities,
    networks: (c.networks ?? []).map((n) => n.cidr),
    unauthenticated: c.unauthenticated === true,
  };
}

/** The routes (HTTPRoute, GRPCRoute) whose `parentRefs` name this Server. */
function routesOf(server: Crd<ServerSpec>, o: PolicyObjects): { kind: string; name: string }[] {
  const ns = server.metadata.namespace;
  return o.httpRoutes
    .filter(
      (r) =>
        r.metadata?.namespace === ns &&
        ((r.spec as { parentRefs?: TargetRef[] } | undefined)?.parentRefs ?? []).some(
          (p) =>
            p.kind === 'Server' && p.name === server.metadata.name && (p.namespace ?? ns) === ns,
        ),
    )
    .map((r) => ({ kind: r.kind ?? 'HTTPRoute', name: r.metadata?.name ?? '' }));
}

/**
 * The AuthorizationPolicies and ServerAuthorizations that apply to a Server:
 * policies targeting it, its Namespace (every Server there), or a route whose
 * parent it is (that route's requests), as Linkerd's policy controller
 * indexes them; and ServerAuthorizations selecting it.
 */
export function authorizationsFor(server: Crd<ServerSpec>, o: PolicyObjects) {
  const ns = server.metadata.namespace;
  const routes = routesOf(server, o);
  const scopeOf = (p: Crd<AuthorizationPolicySpec>): string | undefined => {
    const t = p.spec?.targetRef;
    if (!t || (t.namespace ?? p.metadata.namespace) !== ns) return undefined;
    if (t.kind === 'Server' && t.name === server.metadata.name) return 'Server';
    if (t.kind === 'Namespace' && t.name === ns) return `Namespace ${ns} (every Server)`;
    const route = routes.find((r) => r.kind === t.kind && r.name === t.name);
    return route ? `${route.kind} ${route.name} (its requests only)` : undefined;
  };
  const byPolicy = o.policies
    .filter((p) => p.metadata.namespace === ns && scopeOf(p) !== undefined)
    .map((p) => ({
      kind: 'AuthorizationPolicy' as const,
      name: p.metadata.name,
      scope: scopeOf(p) ?? 'Server',
      requires: (p.spec?.requiredAuthenticationRefs ?? []).map((r) =>
        resolveAuthentication(r, ns, o),
      ),
    }));
  const serverLabels = (server.metadata as { labels?: Record<string, string> }).labels ?? {};
  const bySa = o.serverAuthorizations
    .filter(
      (a) =>
        a.metadata.namespace === ns &&
        (a.spec?.server?.name
          ? a.spec.server.name === server.metadata.name
          : a.spec?.server?.selector !== undefined &&
            selects(a.spec.server.selector, serverLabels)),
    )
    .map((a) => ({
      kind: 'ServerAuthorization' as const,
      name: a.metadata.name,
      scope: 'Server',
      requires: [serverAuthorizationRequirement(a, o)],
    }));
  return [...byPolicy, ...bySa];
}

/** Where an AuthorizationPolicy points, and whether that object exists. */
export function policyTarget(
  p: Crd<AuthorizationPolicySpec>,
  o: PolicyObjects,
  namespaces: string[],
): { kind: string; namespace: string; name: string; missing: boolean } {
  const t = p.spec?.targetRef ?? {};
  const ns = t.namespace ?? p.metadata.namespace;
  const name = t.name ?? '';
  const kind = t.kind ?? '';
  let missing = true;
  if (kind === 'Server')
    missing = !o.servers.some((s) => s.metadata.namespace === ns && s.metadata.name === name);
  else if (kind === 'HTTPRoute' || kind === 'GRPCRoute')
    missing = !o.httpRoutes.some((r) => r.metadata?.namespace === ns && r.metadata?.name === name);
  else if (kind === 'Namespace') missing = !namespaces.includes(name);
  return { kind, namespace: ns, name, missing };
}

/** Who a list of requirements admits, in words. */
export function describeRequirements(requires: Requirement[]): string {
  if (requires.length === 0) return 'any client (no authentication required)';
  return requires
    .map((r) => {
      if (r.missing) return `${r.kind} ${r.name} (missing: admits no one)`;
      const who = [
        ...(r.identities.length ? [`identities ${r.identities.join(', ')}`] : []),
        ...(r.networks.length ? [`networks ${r.networks.join(', ')}`] : []),
        ...(r.unauthenticated && !r.networks.length ? ['unauthenticated clients'] : []),
      ];
      return who.join(' from ') || 'no one';
    })
    .join('; and ');
}
