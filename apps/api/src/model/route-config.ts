/**
 * What the Linkerd CRDs configure for a Service's routes (mesh-facts §5):
 * a ServiceProfile takes precedence, and routes whose parent is that
 * Service are then ignored by the proxies; otherwise HTTPRoutes of either
 * API group and GRPCRoutes apply; otherwise the default route.
 */
export interface CrdObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> };
  spec?: unknown;
}

interface SpRoute {
  name?: string;
  isRetryable?: boolean;
  timeout?: string;
}
interface SpSpec {
  routes?: SpRoute[];
  retryBudget?: { retryRatio?: number; minRetriesPerSecond?: number; ttl?: string };
}
/** A Gateway-API route's `parentRefs` entry. */
export interface ParentRef {
  group?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  port?: number;
}
interface HttpRouteSpec {
  parentRefs?: ParentRef[];
  rules?: {
    timeouts?: { request?: string; backendRequest?: string };
    backendRefs?: { kind?: string; name?: string; namespace?: string; weight?: number }[];
  }[];
}

/** A route's backend Service and its share of the rule's weights. */
export interface ConfiguredBackend {
  namespace: string;
  name: string;
  weight: number;
}

export interface RouteConfig {
  source: 'ServiceProfile' | 'HTTPRoute' | 'GRPCRoute' | 'default';
  object: string | null;
  /** Where the retries and timeout come from; null when neither is configured. */
  configuredBy: string | null;
  retries: string | null;
  timeout: string | null;
}

export interface ServiceRouteConfig {
  profile: CrdObject | undefined;
  /** Gateway-API routes attached to the Service (HTTPRoutes, GRPCRoutes). */
  attached: CrdObject[];
  /** Route name -> its configuration. */
  routes: Map<string, RouteConfig>;
  /**
   * Route name -> its backends' weights, when every rule that lists backends lists the
   * same split (as shares of the rule's weights, summing to 1).
   */
  splits: Map<string, ConfiguredBackend[]>;
  /** Requests no route names (the proxies' default route): the Service's annotations apply. */
  defaultRoute: RouteConfig;
  shadowed: { object: string; reason: string }[];
  /**
   * The Service's `retry.linkerd.io/*` and `timeout.linkerd.io/*` annotations that
   * proxies ignore because a ServiceProfile exists for it.
   */
  ignoredAnnotations: string[];
  /**
   * Retry annotations on attached routes that their kind does not read:
   * `retry.linkerd.io/grpc` on an HTTPRoute, `retry.linkerd.io/http` on a GRPCRoute.
   */
  misplacedAnnotations: { object: string; kind: string; keys: string[] }[];
}

/** `Kind.group/namespace/name`, as findings and config pages name route objects. */
export function ref(o: CrdObject): string {
  const group = (o.apiVersion ?? '').split('/')[0];
  return `${group ? `${o.kind}.${group}` : o.kind}/${o.metadata?.namespace}/${o.metadata?.name}`;
}

/** One `retry.linkerd.io/http` condition as the policy controller accepts it. */
function validHttpCondition(cond: string): boolean {
  if (/^(5xx|gateway-error)$/i.test(cond)) return true;
  const code = (s: string) => (/^\d+$/.test(s) && +s >= 100 && +s < 600 ? +s : undefined);
  if (code(cond) !== undefined) return true;
  const [a = '', b = '', ...rest] = cond.split('-');
  const [lo, hi] = [code(a), code(b)];
  return rest.length === 0 && lo !== undefined && hi !== undefined && lo <= hi;
}

const isZeroDuration = (v: string) => /^0+(\.0+)?(ms|s|m|h)?$/.test(v.trim());

/** The conditions `retry.linkerd.io/grpc` accepts (`parse_grpc_retry`, any case). */
const GRPC_CONDITIONS = /^(cancelled|deadline-exceeded|internal|resource-exhausted|unavailable)$/i;

/**
 * Retries from annotations, read as linkerd2's policy controller reads them
 * (`parse_http_retry` for HTTP routes, `parse_grpc_retry` for GRPCRoutes):
 * configured when any of the protocol's conditions (`retry.linkerd.io/http`
 * or `retry.linkerd.io/grpc`), `limit` (0 counts as unset) or `timeout`
 * (zero counts as unset) is there; the limit defaults to 1; the other
 * protocol's conditions are not read. Null when none is set, so the parent
 * Service's annotations apply.
 */
function retryAnnotations(
  a: Record<string, string> | undefined,
  protocol: 'http' | 'grpc' = 'http',
): string | null {
  const key = `retry.linkerd.io/${protocol}`;
  const http = a?.[key];
  const valid = protocol === 'http' ? validHttpCondition : (c: string) => GRPC_CONDITIONS.test(c);
  const limitText = a?.['retry.linkerd.io/limit'];
  const limit = limitText !== undefined && Number(limitText) !== 0 ? limitText : undefined;
  const timeoutText = a?.['retry.linkerd.io/timeout'];
  const timeout =
    timeoutText !== undefined && !isZeroDuration(timeoutText) ? timeoutText : undefined;
  if (http === undefined && limit === undefined && timeout === undefined) return null;
  if (http !== undefined && !http.split(',').every(valid)) return `invalid ${key} "${http}"`;
  return [
    http === undefined ? `no ${key} conditions` : `on ${http}`,
    `up to ${limit ?? 1}`,
    timeout ? `each within ${timeout}` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

/** `timeout.linkerd.io/{request,response,idle}`, in that order; null when none is set. */
function timeoutAnnotations(a: Record<string, string> | undefined): string | null {
  const parts = (['request', 'response', 'idle'] as const).flatMap((k) => {
    const v = a?.[`timeout.linkerd.io/${k}`];
    return v === undefined ? [] : [`${k} ${v}`];
  });
  return parts.length ? parts.join(', ') : null;
}

/** The annotation keys that configure retries and timeouts. */
export const CONFIG_ANNOTATION = /^(retry|timeout)\.linkerd\.io\//;

/** "retries: <where>; timeout: <where>" for whichever is configured. */
function configuredBy(
  retries: { value: string | null; from: string },
  timeout: { value: string | null; from: string },
): string | null {
  const parts = [
    retries.value !== null ? `retries: ${retries.from}` : '',
    timeout.value !== null ? `timeout: ${timeout.from}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join('; ') : null;
}

export function serviceRouteConfig(
  service: { namespace: string; name: string; annotations?: Record<string, string> },
  profiles: CrdObject[],
  /** HTTPRoutes and GRPCRoutes of the cluster; those whose parent is the Service count. */
  gatewayRoutes: CrdObject[],
  clusterDomain: string,
): ServiceRouteConfig {
  const profile = profiles.find(
    (p) =>
      p.metadata?.namespace === service.namespace &&
      p.metadata?.name === `${service.name}.${service.namespace}.svc.${clusterDomain}`,
  );
  const attached = gatewayRoutes.filter((r) =>
    ((r.spec as HttpRouteSpec | undefined)?.parentRefs ?? []).some(
      (p) =>
        (p.kind ?? '') === 'Service' &&
        ['', 'core'].includes(p.group ?? 'core') &&
        p.name === service.name &&
        (p.namespace ?? r.metadata?.namespace) === service.namespace,
    ),
  );
  const routes = new Map<string, RouteConfig>();
  const splits = new Map<string, ConfiguredBackend[]>();
  const shadowed: { object: string; reason: string }[] = [];
  const svcRef = `Service ${service.namespace}/${service.name}`;
  const svcRetries = retryAnnotations(service.annotations);
  const svcTimeout = timeoutAnnotations(service.annotations);
  const ignoredAnnotations = profile
    ? Object.keys(service.annotations ?? {})
        .filter((k) => CONFIG_ANNOTATION.test(k))
        .sort()
    : [];
  let defaultRoute: RouteConfig = {
    ...DEFAULT_ROUTE,
    configuredBy: configuredBy(
      { value: svcRetries, from: `${svcRef} annotations` },
      { value: svcTimeout, from: `${svcRef} annotations` },
    ),
    retries: svcRetries,
    timeout: svcTimeout,
  };
  if (profile) {
    const spec = (profile.spec ?? {}) as SpSpec;
    const budget = spec.retryBudget;
    const budgetText = budget
      ? `retry budget ${Math.round((budget.retryRatio ?? 0.2) * 100)}% + ${budget.minRetriesPerSecond ?? 10}/s over ${budget.ttl ?? '10s'}`
      : 'default retry budget 20% + 10/s over 10s';
    for (const r of spec.routes ?? []) {
      if (!r.name) continue;
      const retries = r.isRetryable ? budgetText : null;
      const timeout = r.timeout ?? null;
      routes.set(r.name, {
        source: 'ServiceProfile',
        object: ref(profile),
        configuredBy: configuredBy(
          { value: retries, from: 'the ServiceProfile route (isRetryable, retryBudget)' },
          { value: timeout, from: 'the ServiceProfile route' },
        ),
        retries,
        timeout,
      });
    }
    // Requests matching no profile route: the profile shadows the Service's annotations.
    defaultRoute = { ...DEFAULT_ROUTE, source: 'ServiceProfile', object: ref(profile) };
    routes.set('', defaultRoute);
    for (const r of attached)
      shadowed.push({
        object: ref(r),
        reason: `ignored while ServiceProfile ${profile.metadata?.name} exists`,
      });
  } else {
    for (const r of attached) {
      const split = splitOf(r, service.namespace);
      if (split) splits.set(r.metadata?.name ?? '', split);
      const grpc = r.kind === 'GRPCRoute';
      // A GRPCRoute has no timeouts field: its timeouts are annotations only.
      const rules = grpc ? [] : ((r.spec as HttpRouteSpec | undefined)?.rules ?? []);
      const timeouts = [
        ...new Set(
          rules
            .map((x) => x.timeouts?.request ?? x.timeouts?.backendRequest)
            .filter((x): x is string => Boolean(x)),
        ),
      ];
      // A route's own annotations, when it has any, replace all of its Service's.
      const ownRetries = retryAnnotations(r.metadata?.annotations, grpc ? 'grpc' : 'http');
      const ownTimeout = timeoutAnnotations(r.metadata?.annotations);
      const ruleTimeout = timeouts.length ? timeouts.map((t) => `request ${t}`).join(', ') : null;
      const retries =
        ownRetries ?? (grpc ? retryAnnotations(service.annotations, 'grpc') : svcRetries);
      const timeout = ruleTimeout ?? ownTimeout ?? svcTimeout;
      routes.set(r.metadata?.name ?? '', {
        source: grpc ? 'GRPCRoute' : 'HTTPRoute',
        object: ref(r),
        configuredBy: configuredBy(
          {
            value: retries,
            from: ownRetries !== null ? "the route's annotations" : `${svcRef} annotations`,
          },
          {
            value: timeout,
            from:
              ruleTimeout !== null
                ? "the route's rules"
                : ownTimeout !== null
                  ? "the route's annotations"
                  : `${svcRef} annotations`,
          },
        ),
        retries,
        timeout,
      });
    }
  }
  const misplacedAnnotations = attached.flatMap((r) => {
    const other = r.kind === 'GRPCRoute' ? 'retry.linkerd.io/http' : 'retry.linkerd.io/grpc';
    return r.metadata?.annotations?.[other] === undefined
      ? []
      : [{ object: ref(r), kind: r.kind ?? 'HTTPRoute', keys: [other] }];
  });
  return {
    profile,
    attached,
    routes,
    splits,
    defaultRoute,
    shadowed,
    ignoredAnnotations,
    misplacedAnnotations,
  };
}

/**
 * A route's split: the Service backends of its rules with their shares of the rule's
 * weights (Gateway API: 1 unless given), when every rule listing backends agrees.
 * Undefined when no rule lists one (requests go to the parent) or rules differ.
 */
function splitOf(route: CrdObject, namespace: string): ConfiguredBackend[] | undefined {
  const rules = ((route.spec as HttpRouteSpec | undefined)?.rules ?? []).filter(
    (x) => (x.backendRefs ?? []).length > 0,
  );
  const splits = rules.map((rule) => {
    const refs = (rule.backendRefs ?? []).filter((b) => (b.kind ?? 'Service') === 'Service');
    const total = refs.reduce((sum, b) => sum + (b.weight ?? 1), 0);
    return refs
      .map((b) => ({
        namespace: b.namespace ?? route.metadata?.namespace ?? namespace,
        name: b.name ?? '',
        weight: total > 0 ? (b.weight ?? 1) / total : 0,
      }))
      .sort((a, b) => b.weight - a.weight || a.name.localeCompare(b.name));
  });
  const [first] = splits;
  return first && splits.every((s) => JSON.stringify(s) === JSON.stringify(first))
    ? first
    : undefined;
}

export const DEFAULT_ROUTE: RouteConfig = {
  source: 'default',
  object: null,
  configuredBy: null,
  retries: null,
  timeout: null,
};
