import type { RouteRow, RoutesResponse } from '@meshviz/shared';
import { InputError, NotFoundError } from '../http/errors';
import { golden } from '../model/golden';
import { KIND_LABEL, type WorkloadKind } from '../model/kinds';
import {
  DEFAULT_ROUTE,
  routeStatusFails,
  serviceRouteConfig,
  type CrdObject,
  type RouteConfig,
} from '../model/route-config';
import { workloadsOf } from '../model/workloads';
import { eq, re, type Matcher, type QuantileSample, type Sample } from '../sources/metrics/engine';
import { regexLiteral } from '../sources/metrics/promql';
import { Answer } from './answer';
import { QUANTILES, type MeshDeps } from './deps';

/** mesh-facts §2: an empty `rt_route` is the requests no profile route matched. */
const DEFAULT_SP_ROUTE = '[DEFAULT]';

interface Tallies {
  ok: Map<string, number>;
  bad: Map<string, number>;
}

function tally(
  samples: Sample[],
  route: (l: Record<string, string>) => string,
  fails: (l: Record<string, string>) => boolean,
): Tallies {
  const t: Tallies = { ok: new Map(), bad: new Map() };
  for (const s of samples) {
    const m = fails(s.labels) ? t.bad : t.ok;
    const k = route(s.labels);
    m.set(k, (m.get(k) ?? 0) + s.value);
  }
  return t;
}

const classified = (l: Record<string, string>) => l.classification !== 'success';

function scaled(
  values: Record<string, number> | undefined,
  factor: number,
): Record<string, number> | undefined {
  return values
    ? Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v * factor]))
    : undefined;
}

/** Throws a 404 unless the workload exists. */
export function requireWorkload(
  deps: MeshDeps,
  workload: { namespace: string; kind: WorkloadKind; name: string },
): void {
  const { snapshot, pods } = deps.snapshots.get();
  if (
    !workloadsOf(snapshot, pods, workload.namespace).some(
      (w) => w.kind === workload.kind && w.name === workload.name,
    )
  )
    throw new NotFoundError(`no ${workload.kind} ${workload.namespace}/${workload.name}`);
}

/** The service whose routes apply to a workload, and that service's route configuration. */
export function routeContext(
  deps: MeshDeps,
  workload: { namespace: string; kind: WorkloadKind; name: string },
  to: { namespace: string; name: string } | undefined,
): {
  service: { namespace: string; name: string } | undefined;
  config: ReturnType<typeof serviceRouteConfig> | undefined;
  dstMatch: Matcher | undefined;
} {
  const { snapshot, pods } = deps.snapshots.get();
  const profiles = deps.topology.list<CrdObject & { kind: string; metadata: { name: string } }>(
    'serviceprofiles',
  );
  const httpRoutes = [
    ...deps.topology.list<CrdObject & { metadata: { name: string } }>('httproutes.policy'),
    ...deps.topology.list<CrdObject & { metadata: { name: string } }>('httproutes.gateway'),
  ];
  const domain = snapshot.clusterDomain;

  // The service whose routes apply: the one called, or (inbound) the one backed by this workload.
  let service = to;
  if (!service) {
    const backing = pods.find(
      (p) =>
        p.namespace === workload.namespace &&
        p.workload.kind === workload.kind &&
        p.workload.name === workload.name,
    );
    const svc =
      backing &&
      snapshot.services.find(
        (s) =>
          s.namespace === workload.namespace &&
          s.selector &&
          Object.entries(s.selector).every(([k, v]) => backing.labels[k] === v),
      );
    service = svc ? { namespace: svc.namespace, name: svc.name } : undefined;
  } else if (
    !snapshot.services.some((s) => s.namespace === service?.namespace && s.name === service.name)
  ) {
    throw new NotFoundError(`no service ${service.namespace}/${service.name}`);
  }
  const config = service ? serviceRouteConfig(service, profiles, httpRoutes, domain) : undefined;
  const dstMatch = service
    ? re('dst', `${regexLiteral(`${service.name}.${service.namespace}.svc.${domain}`)}:\\d+`)
    : undefined;
  return { service, config, dstMatch };
}

/**
 * Routes of a workload: inbound (as its own proxy saw them) or outbound to
 * one service (as the workload's proxy saw them, effective and actual), each
 * with the configuration that defines it.
 */
export async function routesView(
  deps: MeshDeps,
  workload: { namespace: string; kind: WorkloadKind; name: string },
  to: { namespace: string; name: string } | undefined,
  window: { seconds: number; text: string },
): Promise<RoutesResponse> {
  requireWorkload(deps, workload);
  const answer = new Answer(deps.topology.errors(), deps.proxyErrors());
  const e = deps.engine;
  const w = window.seconds;
  const self: Matcher[] = [
    eq('namespace', workload.namespace),
    eq(KIND_LABEL[workload.kind], workload.name),
  ];
  const { service, config, dstMatch } = routeContext(deps, workload, to);
  const rows = new Map<string, RouteRow>();
  const row = (name: string, cfg: RouteConfig): RouteRow => {
    let r = rows.get(name);
    if (!r) {
      r = { name, config: cfg, effective: golden(0, 0), actual: null };
      rows.set(name, r);
    }
    return r;
  };
  for (const [name, cfg] of config?.routes ?? []) row(name || DEFAULT_SP_ROUTE, cfg);

  const fill = (
    eff: Tallies,
    lat: QuantileSample[],
    latKey: string,
    act: Tallies | undefined,
    cfgOf: (name: string) => RouteConfig,
  ) => {
    const names = new Set([
      ...eff.ok.keys(),
      ...eff.bad.keys(),
      ...(act ? [...act.ok.keys(), ...act.bad.keys()] : []),
    ]);
    for (const raw of names) {
      const name = raw || DEFAULT_SP_ROUTE;
      const r = row(name, cfgOf(raw));
      r.effective = golden(
        eff.ok.get(raw) ?? 0,
        eff.bad.get(raw) ?? 0,
        lat.find((s) => (s.labels[latKey] ?? '') === raw)?.values,
      );
      if (act) {
        const g = golden(act.ok.get(raw) ?? 0, act.bad.get(raw) ?? 0);
        r.actual = { successRate: g.successRate, rps: g.rps };
      }
    }
  };

  const direction = to ? 'outbound' : 'inbound';
  if (config?.profile && dstMatch) {
    // ServiceProfile routes: route_* (effective) and, outbound, route_actual_*.
    const m = [eq('direction', direction), ...self, dstMatch];
    const [resp, lat, actual] = await Promise.all([
      answer.metrics(
        e.rate({
          metric: 'route_response_total',
          matchers: m,
          by: ['rt_route', 'classification'],
          windowSeconds: w,
        }),
      ),
      answer.metrics(
        e.quantiles({
          histogram: 'route_response_latency_ms',
          matchers: m,
          by: ['rt_route'],
          windowSeconds: w,
          quantiles: QUANTILES,
        }),
      ),
      to
        ? answer.metrics(
            e.rate({
              metric: 'route_actual_response_total',
              matchers: m,
              by: ['rt_route', 'classification'],
              windowSeconds: w,
            }),
          )
        : Promise.resolve(undefined),
    ]);
    const byRoute = (l: Record<string, string>) => l.rt_route ?? '';
    fill(
      tally(resp, byRoute, classified),
      lat,
      'rt_route',
      actual && tally(actual, byRoute, classified),
      (n) => config.routes.get(n) ?? DEFAULT_ROUTE,
    );
  } else if (to && service) {
    // Gateway-API route families: request statuses (effective) and backend statuses (actual).
    const m = [...self, eq('parent_namespace', service.namespace), eq('parent_name', service.name)];
    const fam = ['outbound_http_route', 'outbound_grpc_route'];
    const results = await Promise.all(
      fam.map((f) =>
        Promise.all([
          answer.metrics(
            e.rate({
              metric: `${f}_request_statuses_total`,
              matchers: m,
              by: ['route_name', 'http_status', 'grpc_status', 'error'],
              windowSeconds: w,
            }),
          ),
          answer.metrics(
            e.quantiles({
              histogram: `${f}_request_duration_seconds`,
              matchers: m,
              by: ['route_name'],
              windowSeconds: w,
              quantiles: QUANTILES,
            }),
          ),
          answer.metrics(
            e.rate({
              metric: `${f}_backend_response_statuses_total`,
              matchers: m,
              by: ['route_name', 'http_status', 'grpc_status', 'error'],
              windowSeconds: w,
            }),
          ),
        ]),
      ),
    );
    const byName = (l: Record<string, string>) => l.route_name ?? '';
    const eff = results.flatMap(([s]) => s);
    const act = results.flatMap(([, , s]) => s);
    const lat = results
      .flatMap(([, q]) => q)
      .map((q) => ({ ...q, values: scaled(q.values, 1000) ?? {} }));
    fill(
      tally(eff, byName, routeStatusFails),
      lat,
      'route_name',
      tally(act, byName, routeStatusFails),
      (n) => config?.routes.get(n) ?? DEFAULT_ROUTE,
    );
  } else {
    // Inbound without a ServiceProfile: the server's own view, by its route labels.
    const m = [eq('direction', 'inbound'), ...self];
    const [resp, lat] = await Promise.all([
      answer.metrics(
        e.rate({
          metric: 'response_total',
          matchers: m,
          by: ['route_name', 'classification'],
          windowSeconds: w,
        }),
      ),
      answer.metrics(
        e.quantiles({
          histogram: 'response_latency_ms',
          matchers: m,
          by: ['route_name'],
          windowSeconds: w,
          quantiles: QUANTILES,
        }),
      ),
    ]);
    fill(
      tally(resp, (l) => l.route_name || 'default', classified),
      lat.map((q) => ({ ...q, labels: { route_name: q.labels.route_name || 'default' } })),
      'route_name',
      undefined,
      () => DEFAULT_ROUTE,
    );
  }

  return {
    window: window.text,
    direction,
    service: service ? `${service.namespace}/${service.name}` : null,
    // By name, with the catch-all route last, as Linkerd viz lists it.
    routes: [...rows.values()].sort(
      (a, b) =>
        Number(a.name === DEFAULT_SP_ROUTE) - Number(b.name === DEFAULT_SP_ROUTE) ||
        a.name.localeCompare(b.name),
    ),
    shadowedHttpRoutes: config?.shadowed ?? [],
    errors: answer.errors,
  };
}

export function parseServiceRef(text: string): { namespace: string; name: string } {
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/.exec(text);
  if (!m?.[1] || !m[3]) throw new InputError('to: must be namespace/service');
  return { namespace: m[1], name: m[3] };
}
