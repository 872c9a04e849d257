import { parseDuration } from '@meshviz/shared';
import type { Cluster, SimPod } from '../cluster/cluster';
import { CONTROL_PLANE_NS } from '../cluster/linkerd';
import { matchesLabels } from '../kube/selectors';
import type { KubeObject } from '../kube/types';
import type { RequestClass, ServiceSpec } from '../scenarios/types';

/** How the client's proxy routes a request class to a service (mesh-facts §5 precedence). */
export interface OutboundRoute {
  source: 'serviceprofile' | 'httproute' | 'grpcroute' | 'default';
  /** ServiceProfile route name (`rt_route`); '' when no SP route matched. */
  rtRoute?: string;
  /** Gateway-API route labels. */
  routeGroup: string;
  routeKind: string;
  routeName: string;
  routeNamespace: string;
  timeoutMs?: number;
  /** The matched rule's `backendRefs` (a traffic split when more than one); none: the parent Service. */
  backends?: { namespace: string; name: string; weight: number }[];
  retry?:
    | { kind: 'budget'; ratio: number; minPerSecond: number; ttlSeconds: number }
    /**
     * From annotations: at most `limit` retries of responses whose HTTP status is in
     * `statuses` (`retry.linkerd.io/http`) or, for gRPC, whose status code is in `grpc`
     * (`retry.linkerd.io/grpc`).
     */
    | { kind: 'limit'; limit: number; statuses: [number, number][]; grpc: number[] };
  /** Status classes a ServiceProfile marks as failures, overriding the default 5xx rule. */
  responseClasses?: { min: number; max: number; isFailure: boolean }[];
}

interface SpRoute {
  name: string;
  condition?: Condition;
  isRetryable?: boolean;
  timeout?: string;
  responseClasses?: {
    condition?: { status?: { min?: number; max?: number } };
    isFailure?: boolean;
  }[];
}
interface Condition {
  method?: string;
  pathRegex?: string;
  all?: Condition[];
  any?: Condition[];
  not?: Condition;
}

function matchesCondition(c: Condition | undefined, method: string, path: string): boolean {
  if (!c) return false;
  if (c.method && c.method.toUpperCase() !== method.toUpperCase()) return false;
  if (c.pathRegex && !new RegExp(`^(?:${c.pathRegex})$`).test(path)) return false;
  if (c.all && !c.all.every((x) => matchesCondition(x, method, path))) return false;
  if (c.any && !c.any.some((x) => matchesCondition(x, method, path))) return false;
  if (c.not && matchesCondition(c.not, method, path)) return false;
  return Boolean(c.method || c.pathRegex || c.all || c.any || c.not);
}

function ms(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const s = parseDuration(text);
  return s === undefined ? undefined : s * 1000;
}

export interface HttpRouteMatch {
  path?: { type?: string; value?: string };
  method?: string;
}
export interface HttpRouteRule {
  matches?: HttpRouteMatch[];
  backendRefs?: BackendRef[];
  timeouts?: { request?: string; backendRequest?: string };
}

export function matchesHttpRoute(m: HttpRouteMatch, method: string, path: string): boolean {
  if (m.method && m.method.toUpperCase() !== method.toUpperCase()) return false;
  const p = m.path ?? { type: 'PathPrefix', value: '/' };
  const value = p.value ?? '/';
  switch (p.type ?? 'PathPrefix') {
    case 'Exact':
      return path === value;
    case 'RegularExpression':
      return new RegExp(`^(?:${value})$`).test(path);
    default:
      return (
        value === '/' ||
        path === value ||
        path.startsWith(value.endsWith('/') ? value : `${value}/`)
      );
  }
}

/** HTTPRoutes of both API groups whose parent is the Service. */
export function httpRoutesFor(cluster: Cluster, svc: ServiceSpec): KubeObject[] {
  return childrenOf(svc, [
    ...cluster.resources('policy.linkerd.io/v1beta3', 'HTTPRoute', svc.namespace),
    ...cluster.resources('gateway.networking.k8s.io/v1', 'HTTPRoute', svc.namespace),
  ]);
}

/** GRPCRoutes (the Gateway API's: Linkerd's policy controller reads no other) whose parent is the Service. */
export function grpcRoutesFor(cluster: Cluster, svc: ServiceSpec): KubeObject[] {
  return childrenOf(
    svc,
    cluster.resources('gateway.networking.k8s.io/v1', 'GRPCRoute', svc.namespace),
  );
}

/**
 * The route an opaque connection to a Service takes: its TCPRoute (the Gateway API's
 * v1alpha2, whose one rule Linkerd requires), else the default route the policy
 * controller gives every Service (`route_kind="default"`, `route_name="opaq"`,
 * linkerd2 `default_outbound_opaq_route`).
 */
export interface OpaqueRoute {
  routeGroup: string;
  routeKind: string;
  routeNamespace: string;
  routeName: string;
  /** Backends by weight; one that names no Service fails its connections (`invalid_backend`). */
  backends: { namespace: string; name: string; weight: number; exists: boolean }[];
}

export function resolveOpaque(cluster: Cluster, svc: ServiceSpec): OpaqueRoute {
  const route = childrenOf(
    svc,
    cluster.resources('gateway.networking.k8s.io/v1alpha2', 'TCPRoute', svc.namespace),
  )[0];
  const rules = (route?.spec as { rules?: { backendRefs?: BackendRef[] }[] } | undefined)?.rules;
  const self = [{ namespace: svc.namespace, name: svc.name, weight: 1 }];
  const backends =
    (route && rules?.length === 1 ? backendsOf(rules[0]?.backendRefs, svc.namespace) : undefined) ??
    self;
  return {
    routeGroup: route ? 'gateway.networking.k8s.io' : '',
    routeKind: route ? 'TCPRoute' : 'default',
    routeNamespace: route ? svc.namespace : '',
    routeName: route ? route.metadata.name : 'opaq',
    backends: backends.map((b) => ({
      ...b,
      exists: cluster.service(b.namespace, b.name) !== undefined,
    })),
  };
}

interface BackendRef {
  name?: string;
  namespace?: string;
  kind?: string;
  weight?: number;
}

/** A rule's Service backends with their weights (Gateway API: weight 1 unless given). */
function backendsOf(
  refs: BackendRef[] | undefined,
  namespace: string,
): OutboundRoute['backends'] | undefined {
  const backends = (refs ?? [])
    .filter((b) => (b.kind ?? 'Service') === 'Service' && b.name)
    .map((b) => ({
      namespace: b.namespace ?? namespace,
      name: b.name ?? '',
      weight: b.weight ?? 1,
    }));
  return backends.length ? backends : undefined;
}

function childrenOf(svc: ServiceSpec, routes: KubeObject[]): KubeObject[] {
  return routes.filter((r) =>
    (
      (r.spec as { parentRefs?: { kind?: string; group?: string; name?: string }[] }).parentRefs ??
      []
    ).some(
      (p) =>
        (p.kind ?? '') === 'Service' &&
        ['core', ''].includes(p.group ?? 'core') &&
        p.name === svc.name,
    ),
  );
}

interface GrpcRouteMatch {
  method?: { type?: string; service?: string; method?: string };
}

/** A GRPCRoute match against a request path `/package.Service/Method`. */
function matchesGrpcRoute(m: GrpcRouteMatch, path: string): boolean {
  const [, service = '', method = ''] = /^\/([^/]*)\/([^/]*)$/.exec(path) ?? [];
  const want = m.method;
  if (!want) return true;
  const same = (pattern: string | undefined, value: string) =>
    pattern === undefined ||
    (want.type === 'RegularExpression'
      ? new RegExp(`^(?:${pattern})$`).test(value)
      : pattern === value);
  return same(want.service, service) && same(want.method, method);
}

export function serviceProfileFor(cluster: Cluster, svc: ServiceSpec): KubeObject | undefined {
  return cluster.resource(
    'linkerd.io/v1alpha2',
    'ServiceProfile',
    svc.namespace,
    `${svc.name}.${svc.namespace}.svc.cluster.local`,
  );
}

/** One `retry.linkerd.io/http` element: `5xx`, `gateway-error`, `504` or `500-504`. */
function statusRange(text: string): [number, number][] {
  const t = text.trim().toLowerCase();
  if (t === '5xx') return [[500, 599]];
  if (t === 'gateway-error') return [[502, 504]];
  const m = /^(\d{3})(?:-(\d{3}))?$/.exec(t);
  return m ? [[Number(m[1]), Number(m[2] ?? m[1])]] : [];
}

/** gRPC status codes `retry.linkerd.io/grpc` may name. */
const GRPC_RETRY_CODES: Record<string, number> = {
  cancelled: 1,
  'deadline-exceeded': 4,
  'resource-exhausted': 8,
  internal: 13,
  unavailable: 14,
};

/**
 * Retries from `retry.linkerd.io/*` annotations: set when any of the
 * protocol's conditions (`http` or `grpc`), `limit` or `timeout` is; the
 * limit defaults to 1. Undefined when none is set.
 */
function annotationRetry(
  a: Record<string, string> | undefined,
  protocol: 'http' | 'grpc',
): OutboundRoute['retry'] | undefined {
  const conditions = a?.[`retry.linkerd.io/${protocol}`];
  const limit = Number(a?.['retry.linkerd.io/limit'] ?? 0) || 0;
  const timeout = ms(a?.['retry.linkerd.io/timeout']) ?? 0;
  if (conditions === undefined && limit === 0 && timeout === 0) return undefined;
  const list = (conditions ?? '').split(',');
  return {
    kind: 'limit',
    limit: limit || 1,
    statuses: protocol === 'http' ? list.flatMap(statusRange) : [],
    grpc:
      protocol === 'grpc'
        ? list.flatMap((c) => GRPC_RETRY_CODES[c.trim().toLowerCase()] ?? [])
        : [],
  };
}

export function resolveOutbound(
  cluster: Cluster,
  svc: ServiceSpec,
  cls: RequestClass,
): OutboundRoute {
  const method = cls.method ?? (svc.protocol === 'grpc' ? 'POST' : 'GET');
  const defaultName = svc.protocol === 'grpc' ? 'grpc' : 'http';
  const sp = serviceProfileFor(cluster, svc);
  if (sp) {
    const spec = sp.spec as {
      routes?: SpRoute[];
      retryBudget?: { retryRatio?: number; minRetriesPerSecond?: number; ttl?: string };
    };
    const route = (spec.routes ?? []).find((r) => matchesCondition(r.condition, method, cls.path));
    const budget = spec.retryBudget ?? { retryRatio: 0.2, minRetriesPerSecond: 10, ttl: '10s' };
    const timeoutMs = ms(route?.timeout);
    return {
      source: 'serviceprofile',
      rtRoute: route?.name ?? '',
      routeGroup: '',
      routeKind: 'default',
      routeName: defaultName,
      routeNamespace: '',
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(route?.isRetryable
        ? {
            retry: {
              kind: 'budget' as const,
              ratio: budget.retryRatio ?? 0.2,
              minPerSecond: budget.minRetriesPerSecond ?? 10,
              ttlSeconds: (ms(budget.ttl) ?? 10_000) / 1000,
            },
          }
        : {}),
      ...(route?.responseClasses?.length
        ? {
            responseClasses: route.responseClasses.map((c) => ({
              min: c.condition?.status?.min ?? 100,
              max: c.condition?.status?.max ?? 599,
              isFailure: c.isFailure ?? false,
            })),
          }
        : {}),
    };
  }
  if (svc.protocol === 'grpc') {
    for (const r of grpcRoutesFor(cluster, svc)) {
      const rules =
        (r.spec as { rules?: { matches?: GrpcRouteMatch[]; backendRefs?: BackendRef[] }[] })
          .rules ?? [];
      const rule = rules.find((x) =>
        (x.matches?.length ? x.matches : [{}]).some((m) => matchesGrpcRoute(m, cls.path)),
      );
      if (!rule) continue;
      const backends = backendsOf(rule.backendRefs, r.metadata.namespace ?? svc.namespace);
      const annotations = r.metadata.annotations ?? {};
      const retry =
        annotationRetry(annotations, 'grpc') ?? annotationRetry(svc.annotations, 'grpc');
      // A GRPCRoute has no timeouts of its own: only annotations set them.
      const timeoutMs =
        ms(annotations['timeout.linkerd.io/request']) ??
        ms(svc.annotations?.['timeout.linkerd.io/request']);
      return {
        source: 'grpcroute',
        routeGroup: 'gateway.networking.k8s.io',
        routeKind: 'GRPCRoute',
        routeName: r.metadata.name,
        routeNamespace: r.metadata.namespace ?? svc.namespace,
        ...(backends ? { backends } : {}),
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        ...(retry ? { retry } : {}),
      };
    }
  }
  for (const r of httpRoutesFor(cluster, svc)) {
    const rules = (r.spec as { rules?: HttpRouteRule[] }).rules ?? [];
    const rule = rules.find((x) =>
      (x.matches?.length ? x.matches : [{}]).some((m) => matchesHttpRoute(m, method, cls.path)),
    );
    if (!rule) continue;
    const group = r.apiVersion.split('/')[0] ?? '';
    const annotations = r.metadata.annotations ?? {};
    // The route's own retry annotations replace all of its Service's.
    const retry = annotationRetry(annotations, 'http') ?? annotationRetry(svc.annotations, 'http');
    const timeoutMs =
      ms(rule.timeouts?.request) ??
      ms(annotations['timeout.linkerd.io/request']) ??
      ms(svc.annotations?.['timeout.linkerd.io/request']);
    const backends = backendsOf(rule.backendRefs, r.metadata.namespace ?? svc.namespace);
    return {
      source: 'httproute',
      routeGroup: group,
      routeKind: 'HTTPRoute',
      routeName: r.metadata.name,
      routeNamespace: r.metadata.namespace ?? svc.namespace,
      ...(backends ? { backends } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(retry ? { retry } : {}),
    };
  }
  // The default route: the Service's annotations configure it.
  const retry = annotationRetry(svc.annotations, svc.protocol === 'grpc' ? 'grpc' : 'http');
  const timeoutMs = ms(svc.annotations?.['timeout.linkerd.io/request']);
  return {
    source: 'default',
    routeGroup: '',
    routeKind: 'default',
    routeName: defaultName,
    routeNamespace: '',
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(retry ? { retry } : {}),
  };
}

/** What the server's proxy decides for requests from a client on a port. */
export interface InboundDecision {
  allowed: boolean;
  srv: { group: string; kind: string; name: string; port: string };
  authz: { group: string; kind: string; name: string };
  route: { group: string; kind: string; name: string };
}

export function defaultPolicy(cluster: Cluster, server: SimPod): string {
  const podPolicy = cluster.store.get(
    { group: '', version: 'v1', kind: 'Pod', plural: 'pods', singular: 'pod', namespaced: true },
    server.namespace,
    server.name,
  )?.metadata.annotations?.['config.linkerd.io/default-inbound-policy'];
  const nsPolicy = cluster.resource('v1', 'Namespace', '', server.namespace)?.metadata
    .annotations?.['config.linkerd.io/default-inbound-policy'];
  return podPolicy ?? nsPolicy ?? 'all-unauthenticated';
}

/**
 * Whether a proxy's admin server refuses a scraper without a proxy: under a
 * default inbound policy of `deny`, unless a Server selects the admin port
 * (linkerd2 #9150; `allow-scrapes` writes one).
 */
export function adminScrapeDenied(cluster: Cluster, pod: SimPod, adminPort: number): boolean {
  if (defaultPolicy(cluster, pod) !== 'deny') return false;
  return !cluster.resources('policy.linkerd.io/v1beta3', 'Server', pod.namespace).some((s) => {
    const spec = s.spec as {
      podSelector?: { matchLabels?: Record<string, string> };
      port?: unknown;
    };
    return (
      matchesLabels(spec.podSelector?.matchLabels, pod.labels) &&
      (spec.port === adminPort || spec.port === 'linkerd-admin')
    );
  });
}

function identityMatches(pattern: string, identity: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*.')) return identity.endsWith(pattern.slice(1));
  return pattern === identity;
}

export function resolveInbound(
  cluster: Cluster,
  server: SimPod,
  port: number,
  portName: string,
  client: SimPod | undefined,
): InboundDecision {
  const clientId = client?.meshed && server.meshed ? client.identity : undefined;
  const servers = cluster
    .resources('policy.linkerd.io/v1beta3', 'Server', server.namespace)
    .filter((s) => {
      const spec = s.spec as {
        podSelector?: { matchLabels?: Record<string, string> };
        port?: number | string;
      };
      return (
        matchesLabels(spec.podSelector?.matchLabels, server.labels) &&
        (spec.port === port || spec.port === portName)
      );
    });
  const srv = servers[0];
  const route = { group: '', kind: 'default', name: 'default' };
  if (!srv) {
    const policy = defaultPolicy(cluster, server);
    const allowed =
      policy === 'all-unauthenticated' ||
      (policy === 'cluster-unauthenticated' && client !== undefined) ||
      ((policy === 'all-authenticated' || policy === 'cluster-authenticated') &&
        clientId !== undefined);
    return {
      allowed,
      srv: { group: '', kind: 'default', name: policy, port: String(port) },
      authz: { group: '', kind: 'default', name: policy },
      route,
    };
  }
  const srvLabels = {
    group: 'policy.linkerd.io',
    kind: 'server',
    name: srv.metadata.name,
    port: String(port),
  };
  const policies = cluster
    .resources('policy.linkerd.io/v1alpha1', 'AuthorizationPolicy', server.namespace)
    .filter((p) => {
      const t = (p.spec as { targetRef?: { kind?: string; name?: string } }).targetRef;
      return (
        (t?.kind === 'Server' && t.name === srv.metadata.name) ||
        (t?.kind === 'Namespace' && t.name === server.namespace)
      );
    });
  for (const p of policies) {
    const refs =
      (
        p.spec as {
          requiredAuthenticationRefs?: { kind?: string; name?: string; namespace?: string }[];
        }
      ).requiredAuthenticationRefs ?? [];
    const ok = refs.every((ref) => {
      if (ref.kind === 'MeshTLSAuthentication') {
        const m = cluster.resource(
          'policy.linkerd.io/v1alpha1',
          'MeshTLSAuthentication',
          ref.namespace ?? server.namespace,
          ref.name ?? '',
        );
        const spec = (m?.spec ?? {}) as {
          identities?: string[];
          identityRefs?: { kind?: string; name?: string; namespace?: string }[];
        };
        if (!clientId) return false;
        return (
          (spec.identities ?? []).some((i) => identityMatches(i, clientId)) ||
          (spec.identityRefs ?? []).some(
            (r) =>
              r.kind === 'ServiceAccount' &&
              client?.serviceAccount === r.name &&
              client?.namespace === (r.namespace ?? m?.metadata.namespace),
          )
        );
      }
      if (ref.kind === 'ServiceAccount')
        return (
          clientId !== undefined &&
          client?.serviceAccount === ref.name &&
          client?.namespace === (ref.namespace ?? server.namespace)
        );
      if (ref.kind === 'NetworkAuthentication') {
        const n = cluster.resource(
          'policy.linkerd.io/v1alpha1',
          'NetworkAuthentication',
          ref.namespace ?? server.namespace,
          ref.name ?? '',
        );
        const nets =
          ((n?.spec ?? {}) as { networks?: { cidr: string; except?: string[] }[] }).networks ?? [];
        return (
          client !== undefined &&
          nets.some(
            (net) =>
              inCidr(client.ip, net.cidr) && !(net.except ?? []).some((e) => inCidr(client.ip, e)),
          )
        );
      }
      return false;
    });
    if (ok)
      return {
        allowed: true,
        srv: srvLabels,
        authz: { group: 'policy.linkerd.io', kind: 'authorizationpolicy', name: p.metadata.name },
        route,
      };
  }
  for (const saz of cluster.resources(
    'policy.linkerd.io/v1beta1',
    'ServerAuthorization',
    server.namespace,
  )) {
    const spec = saz.spec as ServerAuthorizationSpec;
    const targets =
      spec.server?.name === srv.metadata.name ||
      matchesLabels(spec.server?.selector?.matchLabels, srv.metadata.labels);
    if (
      !targets ||
      !serverAuthorizationAllows(spec.client ?? {}, client, clientId, server.namespace)
    )
      continue;
    return {
      allowed: true,
      srv: srvLabels,
      authz: { group: 'policy.linkerd.io', kind: 'serverauthorization', name: saz.metadata.name },
      route,
    };
  }
  const accessPolicy = (srv.spec as { accessPolicy?: string }).accessPolicy ?? 'deny';
  const allowedByDefault =
    accessPolicy === 'all-unauthenticated' ||
    (accessPolicy === 'all-authenticated' && clientId !== undefined);
  return {
    allowed: allowedByDefault,
    srv: srvLabels,
    authz: allowedByDefault
      ? { group: '', kind: 'default', name: accessPolicy }
      : { group: '', kind: '', name: '' },
    route,
  };
}

interface ServerAuthorizationSpec {
  server?: { name?: string; selector?: { matchLabels?: Record<string, string> } };
  client?: ServerAuthorizationClient;
}
interface ServerAuthorizationClient {
  unauthenticated?: boolean;
  networks?: { cidr: string; except?: string[] }[];
  meshTLS?: {
    identities?: string[];
    serviceAccounts?: { name: string; namespace?: string }[];
    unauthenticatedTLS?: boolean;
  };
}

function serverAuthorizationAllows(
  c: ServerAuthorizationClient,
  client: SimPod | undefined,
  clientId: string | undefined,
  namespace: string,
): boolean {
  if (c.networks?.length && !(client && c.networks.some((n) => inCidr(client.ip, n.cidr))))
    return false;
  if (c.unauthenticated) return true;
  const m = c.meshTLS;
  if (!m) return false;
  if (m.unauthenticatedTLS) return true;
  if (!clientId) return false;
  return (
    (m.identities ?? []).some((i) => identityMatches(i, clientId)) ||
    (m.serviceAccounts ?? []).some(
      (sa) =>
        client?.serviceAccount === sa.name && client.namespace === (sa.namespace ?? namespace),
    )
  );
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, o) => (acc << 8) + Number(o), 0) >>> 0;
}

export function inCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  if (!base || base.includes(':') || ip.includes(':')) return false;
  const bits = Number(bitsText ?? 32);
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (ipToInt(ip) & mask) === (ipToInt(base) & mask);
}

export const isControlPlane = (pod: SimPod) => pod.namespace === CONTROL_PLANE_NS;
