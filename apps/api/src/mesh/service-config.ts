import type { ServiceConfig } from '@meshviz/shared';
import { NotFoundError } from '../model/errors';
import { serviceRouteConfig, type CrdObject } from '../model/route-config';
import { gatewayRoutes } from './route-families';
import { Answer } from './answer';
import type { MeshDeps } from './deps';

interface Condition {
  method?: string;
  pathRegex?: string;
  status?: { min?: number; max?: number };
  all?: Condition[];
  any?: Condition[];
  not?: Condition;
}

/** A ServiceProfile condition as text: `GET /api/vote.*`, `any(…)`, `not(…)`. */
export function describeCondition(c: Condition | undefined): string {
  if (!c) return 'always';
  const parts: string[] = [];
  if (c.method) parts.push(c.method);
  if (c.pathRegex) parts.push(c.pathRegex);
  if (c.status) parts.push(`status ${c.status.min ?? 100}-${c.status.max ?? 599}`);
  if (c.all) parts.push(`all(${c.all.map(describeCondition).join(', ')})`);
  if (c.any) parts.push(`any(${c.any.map(describeCondition).join(', ')})`);
  if (c.not) parts.push(`not(${describeCondition(c.not)})`);
  return parts.join(' ') || 'always';
}

interface HttpMatch {
  path?: { type?: string; value?: string };
  method?: string;
  headers?: { name: string; value: string }[];
  queryParams?: { name: string; value: string }[];
}

interface GrpcMatch {
  method?: { type?: string; service?: string; method?: string };
  headers?: { name: string; value: string }[];
}

/** A GRPCRoute match: `Exact emojivoto.v1.EmojiService/*`, with its headers. */
function describeGrpcMatch(m: GrpcMatch): string {
  const method = m.method
    ? `${m.method.type ?? 'Exact'} ${m.method.service ?? '*'}/${m.method.method ?? '*'}`
    : undefined;
  return (
    [method, ...(m.headers ?? []).map((h) => `header ${h.name}=${h.value}`)]
      .filter(Boolean)
      .join(' ') || 'any RPC'
  );
}

function describeMatch(m: HttpMatch): string {
  return (
    [
      m.method,
      m.path ? `${m.path.type ?? 'PathPrefix'} ${m.path.value ?? '/'}` : undefined,
      ...(m.headers ?? []).map((h) => `header ${h.name}=${h.value}`),
      ...(m.queryParams ?? []).map((q) => `query ${q.name}=${q.value}`),
    ]
      .filter(Boolean)
      .join(' ') || 'any request'
  );
}

const CONFIG_ANNOTATION = /^(retry|timeout)\.linkerd\.io\//;

/** The retry and timeout annotations (mesh-facts §5) of a Service or route. */
function configAnnotations(a: Record<string, string> | undefined) {
  return Object.entries(a ?? {})
    .filter(([k]) => CONFIG_ANNOTATION.test(k))
    .map(([key, value]) => ({ key, value }));
}

/** "2 HTTPRoutes and 1 GRPCRoute": the kinds of attached routes, counted. */
function kinds(routes: CrdObject[]): string {
  return (['HTTPRoute', 'GRPCRoute'] as const)
    .map((k) => [k, routes.filter((r) => (r.kind ?? 'HTTPRoute') === k).length] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}${n > 1 ? 's' : ''}`)
    .join(' and ');
}

/**
 * A Service's route configuration: its ServiceProfile routes, the HTTPRoutes
 * of both API groups and the GRPCRoutes attached to it, the retry and timeout annotations, and
 * which of them the proxies use (a ServiceProfile shadows HTTPRoutes).
 */
export function serviceConfigView(deps: MeshDeps, namespace: string, name: string): ServiceConfig {
  const { snapshot } = deps.snapshots.get();
  const svc = deps.topology
    .list<CrdObject & { metadata: { name: string; namespace: string } }>('services')
    .find((s) => s.metadata.namespace === namespace && s.metadata.name === name);
  if (!svc) throw new NotFoundError(`no service ${namespace}/${name}`);
  const answer = new Answer(deps.topology.errors());
  const cfg = serviceRouteConfig(
    { namespace, name, annotations: svc.metadata.annotations },
    deps.topology.list('serviceprofiles'),
    gatewayRoutes(deps),
    snapshot.clusterDomain,
  );
  type SpSpec = {
    routes?: {
      name?: string;
      condition?: Condition;
      responseClasses?: { condition?: Condition; isFailure?: boolean }[];
      isRetryable?: boolean;
      timeout?: string;
    }[];
    retryBudget?: { retryRatio?: number; minRetriesPerSecond?: number; ttl?: string };
  };
  const sp = cfg.profile?.spec as SpSpec | undefined;
  type RouteSpec = {
    parentRefs?: { kind?: string; name?: string; namespace?: string; port?: number }[];
    hostnames?: string[];
    rules?: {
      matches?: (HttpMatch & GrpcMatch)[];
      timeouts?: { request?: string; backendRequest?: string };
      backendRefs?: { name?: string; port?: number; weight?: number }[];
    }[];
  };
  const budget = sp?.retryBudget;
  return {
    service: `${namespace}/${name}`,
    profile: cfg.profile
      ? {
          name: cfg.profile.metadata?.name ?? '',
          routes: (sp?.routes ?? []).map((r) => ({
            name: r.name ?? '',
            condition: describeCondition(r.condition),
            responseClasses: (r.responseClasses ?? []).map(
              (c) => `${describeCondition(c.condition)} → ${c.isFailure ? 'failure' : 'success'}`,
            ),
            isRetryable: r.isRetryable === true,
            timeout: r.timeout ?? null,
          })),
          retryBudget: budget
            ? `${Math.round((budget.retryRatio ?? 0.2) * 100)}% of requests + ${budget.minRetriesPerSecond ?? 10}/s, over ${budget.ttl ?? '10s'}`
            : null,
        }
      : null,
    routes: cfg.attached.map((r) => {
      const spec = (r.spec ?? {}) as RouteSpec;
      const grpc = r.kind === 'GRPCRoute';
      return {
        kind: grpc ? ('GRPCRoute' as const) : ('HTTPRoute' as const),
        group: (r.apiVersion ?? '').split('/')[0] ?? '',
        name: r.metadata?.name ?? '',
        parents: (spec.parentRefs ?? []).map(
          (p) =>
            `${p.kind ?? 'Service'} ${p.namespace ?? namespace}/${p.name}${p.port ? `:${p.port}` : ''}`,
        ),
        hostnames: spec.hostnames ?? [],
        rules: (spec.rules ?? []).map((rule) => {
          const t = rule.timeouts;
          return {
            matches: (rule.matches ?? [{}]).map(grpc ? describeGrpcMatch : describeMatch),
            timeouts: t
              ? [
                  t.request && `request ${t.request}`,
                  t.backendRequest && `backend ${t.backendRequest}`,
                ]
                  .filter(Boolean)
                  .join(', ') || null
              : null,
            backends: (rule.backendRefs ?? []).map((b) => ({
              name: b.name ?? '',
              port: b.port ?? null,
              weight: b.weight ?? 1,
            })),
          };
        }),
        annotations: configAnnotations(r.metadata?.annotations),
        shadowed: cfg.profile !== undefined,
      };
    }),
    annotations: configAnnotations(svc.metadata.annotations),
    precedence: cfg.profile
      ? `ServiceProfile ${cfg.profile.metadata?.name} configures this service's routes${
          cfg.attached.length
            ? `; the ${cfg.attached.length} route(s) attached to it (${kinds(cfg.attached)}) are ignored by the proxies while it exists`
            : ''
        }${
          cfg.ignoredAnnotations.length
            ? `; the Service's ${cfg.ignoredAnnotations.join(', ')} ${cfg.ignoredAnnotations.length > 1 ? 'are' : 'is'} ignored too`
            : ''
        }.`
      : cfg.attached.length
        ? `No ServiceProfile: the routes attached to it (${kinds(cfg.attached)}) configure routing, timeouts and retries.`
        : `No ServiceProfile and no HTTPRoute or GRPCRoute: every request takes the default route${
            cfg.defaultRoute.configuredBy
              ? `, with retries and timeouts from the Service's annotations`
              : ''
          }.`,
    errors: answer.errors,
  };
}
