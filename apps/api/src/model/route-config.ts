/**
 * What the Linkerd CRDs configure for a Service's routes (mesh-facts §5):
 * a ServiceProfile takes precedence, and HTTPRoutes whose parent is that
 * Service are then ignored by the proxies; otherwise HTTPRoutes of either
 * API group apply; otherwise the default route.
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
interface HttpRouteSpec {
  parentRefs?: {
    group?: string;
    kind?: string;
    name?: string;
    namespace?: string;
    port?: number;
  }[];
  rules?: { timeouts?: { request?: string; backendRequest?: string } }[];
}

export interface RouteConfig {
  source: 'ServiceProfile' | 'HTTPRoute' | 'default';
  object: string | null;
  retries: string | null;
  timeout: string | null;
}

export interface ServiceRouteConfig {
  profile: CrdObject | undefined;
  httpRoutes: CrdObject[];
  /** Route name -> its configuration. */
  routes: Map<string, RouteConfig>;
  shadowed: { object: string; reason: string }[];
}

function ref(o: CrdObject): string {
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

/**
 * HTTP retries from annotations, read as linkerd2's policy controller reads
 * them (`parse_http_retry`): configured when any of `retry.linkerd.io/http`,
 * `limit` (0 counts as unset) or `timeout` (zero counts as unset) is there;
 * the limit defaults to 1; `retry.linkerd.io/grpc` is not read for HTTP.
 * Null when none is set, so the parent Service's annotations apply.
 */
function retryAnnotations(a: Record<string, string> | undefined): string | null {
  const http = a?.['retry.linkerd.io/http'];
  const limitText = a?.['retry.linkerd.io/limit'];
  const limit = limitText !== undefined && Number(limitText) !== 0 ? limitText : undefined;
  const timeoutText = a?.['retry.linkerd.io/timeout'];
  const timeout =
    timeoutText !== undefined && !isZeroDuration(timeoutText) ? timeoutText : undefined;
  if (http === undefined && limit === undefined && timeout === undefined) return null;
  if (http !== undefined && !http.split(',').every(validHttpCondition))
    return `invalid retry.linkerd.io/http "${http}"`;
  return [
    http === undefined ? 'no retry.linkerd.io/http conditions' : `on ${http}`,
    `up to ${limit ?? 1}`,
    timeout ? `each within ${timeout}` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

export function serviceRouteConfig(
  service: { namespace: string; name: string; annotations?: Record<string, string> },
  profiles: CrdObject[],
  httpRoutes: CrdObject[],
  clusterDomain: string,
): ServiceRouteConfig {
  const profile = profiles.find(
    (p) =>
      p.metadata?.namespace === service.namespace &&
      p.metadata?.name === `${service.name}.${service.namespace}.svc.${clusterDomain}`,
  );
  const attached = httpRoutes.filter((r) =>
    ((r.spec as HttpRouteSpec | undefined)?.parentRefs ?? []).some(
      (p) =>
        (p.kind ?? '') === 'Service' &&
        ['', 'core'].includes(p.group ?? 'core') &&
        p.name === service.name &&
        (p.namespace ?? r.metadata?.namespace) === service.namespace,
    ),
  );
  const routes = new Map<string, RouteConfig>();
  const shadowed: { object: string; reason: string }[] = [];
  if (profile) {
    const spec = (profile.spec ?? {}) as SpSpec;
    const budget = spec.retryBudget;
    const budgetText = budget
      ? `retry budget ${Math.round((budget.retryRatio ?? 0.2) * 100)}% + ${budget.minRetriesPerSecond ?? 10}/s over ${budget.ttl ?? '10s'}`
      : 'default retry budget 20% + 10/s over 10s';
    for (const r of spec.routes ?? []) {
      if (!r.name) continue;
      routes.set(r.name, {
        source: 'ServiceProfile',
        object: ref(profile),
        retries: r.isRetryable ? budgetText : null,
        timeout: r.timeout ?? null,
      });
    }
    // Requests matching no profile route.
    routes.set('', {
      source: 'ServiceProfile',
      object: ref(profile),
      retries: null,
      timeout: null,
    });
    for (const r of attached)
      shadowed.push({
        object: ref(r),
        reason: `ignored while ServiceProfile ${profile.metadata?.name} exists`,
      });
  } else {
    for (const r of attached) {
      const rules = (r.spec as HttpRouteSpec | undefined)?.rules ?? [];
      const timeouts = [
        ...new Set(
          rules
            .map((x) => x.timeouts?.request ?? x.timeouts?.backendRequest)
            .filter((x): x is string => Boolean(x)),
        ),
      ];
      routes.set(r.metadata?.name ?? '', {
        source: 'HTTPRoute',
        object: ref(r),
        retries: retryAnnotations(r.metadata?.annotations) ?? retryAnnotations(service.annotations),
        timeout: timeouts.length
          ? timeouts.join(', ')
          : (r.metadata?.annotations?.['timeout.linkerd.io/request'] ?? null),
      });
    }
  }
  return { profile, httpRoutes: attached, routes, shadowed };
}

export const DEFAULT_ROUTE: RouteConfig = {
  source: 'default',
  object: null,
  retries: null,
  timeout: null,
};
