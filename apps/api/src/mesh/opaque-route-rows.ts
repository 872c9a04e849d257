import type { OpaqueRouteRow } from '@meshviz/shared';
import { opaqueRoutesOf, type OpaqueRouteConfig } from '../model/opaque-routes';
import type { CrdObject } from '../model/route-config';
import { eq, type Matcher } from '../sources/metrics/engine';
import type { Answer } from './answer';
import type { MeshDeps } from './deps';

/** The families of each protocol (linkerd2-proxy `TcpMetricsParams`: `open`, `close` with `error`). */
const PROTOCOLS = [
  { protocol: 'tcp', family: 'outbound_tcp_route' },
  { protocol: 'tls', family: 'outbound_tls_route' },
] as const;
const ROUTE_BY = ['route_kind', 'route_namespace', 'route_name'];

/** The cluster's TCPRoutes and TLSRoutes. */
export function opaqueRouteObjects(deps: Pick<MeshDeps, 'topology'>): CrdObject[] {
  return [
    ...deps.topology.list<CrdObject>('tcproutes.gateway'),
    ...deps.topology.list<CrdObject>('tlsroutes.gateway'),
  ];
}

/** A Service's TCPRoutes and TLSRoutes, their backends checked against the cluster's Services. */
export function opaqueRoutesFor(
  deps: Pick<MeshDeps, 'topology' | 'snapshots'>,
  service: { namespace: string; name: string },
  objects = opaqueRouteObjects(deps),
): OpaqueRouteConfig[] {
  const { services } = deps.snapshots.get().snapshot;
  return opaqueRoutesOf(service, objects, (namespace, name) =>
    services.some((s) => s.namespace === namespace && s.name === name),
  );
}

/**
 * What one client's opaque and TLS connections to a service did, route by
 * route: the routes attached to the service (with or without traffic) and
 * every route its proxy counted (the default `opaq` one included), with
 * connections opened, closed, and closed with an error, per second.
 */
export async function opaqueRouteRows(
  deps: MeshDeps,
  answer: Answer,
  client: Matcher[],
  service: { namespace: string; name: string },
  windowSeconds: number,
): Promise<OpaqueRouteRow[]> {
  const configs = opaqueRoutesFor(deps, service);
  const matchers = [
    ...client,
    eq('parent_namespace', service.namespace),
    eq('parent_name', service.name),
  ];
  const rows = new Map<string, OpaqueRouteRow>();
  const rowOf = (
    protocol: 'tcp' | 'tls',
    kind: string,
    name: string,
    config: OpaqueRouteConfig | undefined,
  ): OpaqueRouteRow => {
    const key = `${kind}/${name}`;
    let r = rows.get(key);
    if (!r) {
      r = {
        kind,
        name,
        object: config?.object ?? null,
        protocol,
        hostnames: config?.hostnames ?? [],
        openedPerSecond: 0,
        closedPerSecond: 0,
        failedPerSecond: 0,
        errors: [],
        backends: config?.backends ?? [],
        problem: config?.problem ?? null,
      };
      rows.set(key, r);
    }
    return r;
  };
  for (const c of configs) rowOf(c.kind === 'TLSRoute' ? 'tls' : 'tcp', c.kind, c.name, c);
  const results = await Promise.all(
    PROTOCOLS.map(({ family }) =>
      Promise.all([
        answer.metrics(
          deps.engine.rate({
            metric: `${family}_open_total`,
            matchers,
            by: ROUTE_BY,
            windowSeconds,
          }),
        ),
        answer.metrics(
          deps.engine.rate({
            metric: `${family}_close_total`,
            matchers,
            by: [...ROUTE_BY, 'error'],
            windowSeconds,
          }),
        ),
      ]),
    ),
  );
  results.forEach(([opened, closed], i) => {
    const protocol = PROTOCOLS[i]?.protocol ?? 'tcp';
    const row = (l: Record<string, string>) => {
      const kind = l.route_kind ?? 'default';
      const name = l.route_name ?? '';
      return rowOf(
        protocol,
        kind,
        name,
        configs.find((c) => c.kind === kind && c.name === name),
      );
    };
    for (const s of opened) row(s.labels).openedPerSecond += s.value;
    for (const s of closed) {
      const r = row(s.labels);
      r.closedPerSecond += s.value;
      const error = s.labels.error ?? '';
      if (error === '') continue;
      r.failedPerSecond += s.value;
      const e = r.errors.find((x) => x.error === error);
      if (e) e.perSecond += s.value;
      else r.errors.push({ error, perSecond: s.value });
    }
  });
  return [...rows.values()].sort(
    (a, b) =>
      Number(a.kind === 'default') - Number(b.kind === 'default') || a.name.localeCompare(b.name),
  );
}
