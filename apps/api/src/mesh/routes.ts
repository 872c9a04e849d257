import type { RouteBackend, RouteRow, RoutesResponse } from '@meshviz/shared';
import { InputError, NotFoundError } from '../model/errors';
import { golden, responseFails } from '../model/golden';
import type { WorkloadKind } from '../model/kinds';
import { DEFAULT_ROUTE, type ConfiguredBackend, type RouteConfig } from '../model/route-config';
import { workloadsOf } from '../model/workloads';
import type { Sample } from '../sources/metrics/engine';
import { Answer } from './answer';
import { QUANTILES, type MeshDeps } from './deps';
import { opaqueRouteRows } from './opaque-route-rows';
import {
  DEFAULT_SP_ROUTE,
  fromInboundFamilies,
  routeFamilies,
  type RouteFamilies,
} from './route-families';

interface Tallies {
  ok: Map<string, number>;
  bad: Map<string, number>;
}

function tally(samples: Sample[], route: (l: Record<string, string>) => string): Tallies {
  const t: Tallies = { ok: new Map(), bad: new Map() };
  for (const s of samples) {
    const m = responseFails(s.labels) ? t.bad : t.ok;
    const k = route(s.labels);
    m.set(k, (m.get(k) ?? 0) + s.value);
  }
  return t;
}

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

/** A workload's routes, computed once per refresh for every page and viewer that asks. */
export function routesView(
  deps: MeshDeps,
  workload: { namespace: string; kind: WorkloadKind; name: string },
  to: { namespace: string; name: string } | undefined,
  window: { seconds: number; text: string },
): Promise<RoutesResponse> {
  return deps.answers.get('routes', [workload, to, window], () =>
    buildRoutes(deps, workload, to, window),
  );
}

/**
 * Routes of a workload: inbound (as its own proxy saw them) or outbound to
 * one service (as the workload's proxy saw them, effective and actual), each
 * with the configuration that defines it.
 */
async function buildRoutes(
  deps: MeshDeps,
  workload: { namespace: string; kind: WorkloadKind; name: string },
  to: { namespace: string; name: string } | undefined,
  window: { seconds: number; text: string },
): Promise<RoutesResponse> {
  requireWorkload(deps, workload);
  const answer = new Answer(deps.topology.errors(), deps.proxyErrors());
  const w = window.seconds;
  const {
    families: f,
    service,
    config,
    figures,
  } = await chosenFamilies(deps, answer, workload, to, w);
  const rows = new Map<string, RouteRow>();
  const row = (name: string, cfg: RouteConfig): RouteRow => {
    let r = rows.get(name);
    if (!r) {
      r = {
        name,
        config: cfg,
        effective: golden(0, 0),
        actual: null,
        retries: null,
        backends: null,
      };
      rows.set(name, r);
    }
    return r;
  };
  // A route no object names is the proxies' default route, configured by the Service.
  const cfgOf = (raw: string) => config?.routes.get(raw) ?? config?.defaultRoute ?? DEFAULT_ROUTE;
  for (const [raw, cfg] of config?.routes ?? []) row(f.displayName(raw), cfg);

  const { resp, lat, actual, retries, backends, opaqueRoutes } = figures;
  const rawName = (l: Record<string, string>) => l[f.routeLabel] ?? '';
  const eff = tally(resp, rawName);
  const act = actual && tally(actual, rawName);
  const names = new Set([
    ...eff.ok.keys(),
    ...eff.bad.keys(),
    ...(act ? [...act.ok.keys(), ...act.bad.keys()] : []),
  ]);
  for (const raw of names) {
    const r = row(f.displayName(raw), f.source === 'inbound' ? DEFAULT_ROUTE : cfgOf(raw));
    const latency = lat.find((s) => rawName(s.labels) === raw)?.values;
    r.effective = golden(eff.ok.get(raw) ?? 0, eff.bad.get(raw) ?? 0, scaled(latency, f.toMs));
    if (act) {
      const g = golden(act.ok.get(raw) ?? 0, act.bad.get(raw) ?? 0);
      r.actual = { successRate: g.successRate, rps: g.rps };
    }
  }
  if (retries)
    for (const [raw, t] of retries) {
      const r = row(f.displayName(raw), cfgOf(raw));
      r.retries = {
        rps: t.requests,
        successRate: t.requests > 0 ? Math.min(1, t.successes / t.requests) : null,
        limitExceededRps: t.limit_exceeded,
        overflowRps: t.overflow,
      };
    }
  // Every route of families with retry counters has retry figures, zero when none were sent.
  if (f.retries.length)
    for (const r of rows.values())
      r.retries ??= { rps: 0, successRate: null, limitExceededRps: 0, overflowRps: 0 };
  // Every route of families with backends lists them: the observed ones, and those its rules name.
  if (backends) for (const raw of backends.keys()) row(f.displayName(raw), cfgOf(raw));
  if (f.backends.length)
    for (const r of rows.values()) {
      const configured = config?.splits.get(r.name) ?? [];
      r.backends = splitRows(backends?.get(r.name) ?? new Map(), configured);
    }
  const direction = to ? 'outbound' : 'inbound';

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
    latencyBucketsMs: f.latencyBucketsMs,
    backendLatencyBucketsMs: f.backendLatencyBucketsMs,
    opaqueRoutes,
    errors: answer.errors,
  };
}

/**
 * The families a workload's routes are read from, with their figures. Outbound, those of the
 * service's configuration. Inbound, the 2.19+ inbound route families where the workload's
 * proxies write them, else the older ones: both are asked beside the question of whether the
 * proxies write the current ones, so that the answer waits for one round of queries, not two.
 */
async function chosenFamilies(
  deps: MeshDeps,
  answer: Answer,
  workload: { namespace: string; kind: WorkloadKind; name: string },
  to: { namespace: string; name: string } | undefined,
  w: number,
) {
  const read = async (current: boolean, into: Answer) => {
    const chosen = routeFamilies(deps, workload, to, current);
    const figures = await routeFigures(
      deps,
      into,
      chosen.families,
      workload,
      chosen.service,
      to,
      w,
    );
    return { ...chosen, figures };
  };
  if (to) return read(false, answer);
  return fromInboundFamilies(deps, workload, w, answer, read);
}

/** What the proxies say of one workload's routes in the given families, asked all at once. */
async function routeFigures(
  deps: MeshDeps,
  answer: Answer,
  f: RouteFamilies,
  workload: { namespace: string; kind: WorkloadKind; name: string },
  service: { namespace: string; name: string } | undefined,
  to: { namespace: string; name: string } | undefined,
  w: number,
) {
  const e = deps.engine;
  const statuses = (metrics: string[]) =>
    Promise.all(
      metrics.map((metric) =>
        answer.metrics(
          e.rate({
            metric,
            matchers: f.matchers,
            by: [f.routeLabel, ...f.statusLabels],
            windowSeconds: w,
          }),
        ),
      ),
    ).then((r) => r.flat());
  const client = deps.snapshots.get().names.self(workload.namespace, workload.kind, workload.name);
  // The histograms' queries leave first: they read a series per bucket and are the slowest,
  // and the answer waits for the slowest from the moment it leaves, not from the first's.
  const [lat, resp, actual, retries, backends, opaqueRoutes] = await Promise.all([
    Promise.all(
      f.histograms.map((histogram) =>
        answer.metrics(
          e.quantiles({
            histogram,
            matchers: f.matchers,
            by: [f.routeLabel],
            windowSeconds: w,
            quantiles: QUANTILES,
          }),
        ),
      ),
    ).then((r) => r.flat()),
    statuses(f.responses),
    f.attempts.length > 0 ? statuses(f.attempts) : Promise.resolve(undefined),
    retryRates(deps, answer, f, w),
    backendFigures(deps, answer, f, w),
    to && service ? opaqueRouteRows(deps, answer, client, service, w) : Promise.resolve([]),
  ]);
  return { resp, lat, actual, retries, backends, opaqueRoutes };
}

/** A backend's observed figures: attempts per second, their outcomes, their latency (ms). */
interface BackendTally {
  namespace: string;
  name: string;
  rps: number;
  success: number;
  failure: number;
  latencyMs: Record<string, number> | undefined;
}

/**
 * Per route, per backend Service, what the proxies' backend families say
 * (`outbound_{http,grpc}_route_backend_requests_total`, `_response_statuses_total`,
 * `_response_duration_seconds`): every attempt, retries included, where it
 * went. Undefined for families without backends.
 */
async function backendFigures(
  deps: MeshDeps,
  answer: Answer,
  f: RouteFamilies,
  windowSeconds: number,
): Promise<Map<string, Map<string, BackendTally>> | undefined> {
  if (f.backends.length === 0) return undefined;
  const by = [f.routeLabel, 'backend_namespace', 'backend_name'];
  const out = new Map<string, Map<string, BackendTally>>();
  const entry = (l: Record<string, string>): BackendTally => {
    const raw = l[f.routeLabel] ?? '';
    const key = `${l.backend_namespace ?? ''}/${l.backend_name ?? ''}`;
    let byBackend = out.get(raw);
    if (!byBackend) out.set(raw, (byBackend = new Map()));
    let t = byBackend.get(key);
    if (!t) {
      t = {
        namespace: l.backend_namespace ?? '',
        name: l.backend_name ?? '',
        rps: 0,
        success: 0,
        failure: 0,
        latencyMs: undefined,
      };
      byBackend.set(key, t);
    }
    return t;
  };
  const rate = (metric: string, extra: string[]) =>
    answer.metrics(
      deps.engine.rate({ metric, matchers: f.matchers, by: [...by, ...extra], windowSeconds }),
    );
  // The histograms first, as in `routeFigures`.
  const [latencies, requests, statuses] = await Promise.all([
    Promise.all(
      f.backends.map((p) =>
        answer.metrics(
          deps.engine.quantiles({
            histogram: `${p}_response_duration_seconds`,
            matchers: f.matchers,
            by,
            windowSeconds,
            quantiles: QUANTILES,
          }),
        ),
      ),
    ),
    Promise.all(f.backends.map((p) => rate(`${p}_requests_total`, []))),
    Promise.all(f.backends.map((p) => rate(`${p}_response_statuses_total`, f.statusLabels))),
  ]);
  for (const s of requests.flat()) entry(s.labels).rps += s.value;
  for (const s of statuses.flat()) {
    const t = entry(s.labels);
    if (responseFails(s.labels)) t.failure += s.value;
    else t.success += s.value;
  }
  for (const s of latencies.flat()) entry(s.labels).latencyMs = scaled(s.values, f.toMs);
  return out;
}

/**
 * A route's backends as rows: those observed and those its rules configure,
 * each with its configured weight and observed share; heaviest first.
 */
function splitRows(
  observed: Map<string, BackendTally>,
  configured: ConfiguredBackend[],
): RouteBackend[] {
  const total = [...observed.values()].reduce((sum, t) => sum + t.rps, 0);
  const keys = new Set([...configured.map((c) => `${c.namespace}/${c.name}`), ...observed.keys()]);
  return [...keys]
    .map((key): RouteBackend => {
      const t = observed.get(key);
      const c = configured.find((x) => `${x.namespace}/${x.name}` === key);
      const g = golden(t?.success ?? 0, t?.failure ?? 0, t?.latencyMs);
      return {
        namespace: t?.namespace ?? c?.namespace ?? '',
        name: t?.name ?? c?.name ?? '',
        weight: c?.weight ?? null,
        share: total > 0 ? (t?.rps ?? 0) / total : null,
        rps: t?.rps ?? 0,
        successRate: g.successRate,
        latencyMs: g.latencyMs,
      };
    })
    .sort(
      (a, b) =>
        (b.weight ?? 0) - (a.weight ?? 0) ||
        (b.share ?? 0) - (a.share ?? 0) ||
        a.name.localeCompare(b.name),
    );
}

const RETRY_COUNTERS = ['requests', 'successes', 'limit_exceeded', 'overflow'] as const;
type RetryTally = Record<(typeof RETRY_COUNTERS)[number], number>;

/**
 * Per route, the rates of the proxies' retry counters (linkerd2-proxy
 * `linkerd-http-retry`): `requests` counts retries sent (not first attempts),
 * `successes` the retries whose response was not retryable, `limit_exceeded`
 * the requests still retryable when the limit ran out, `overflow` the retries
 * not sent because the backend's circuit breaker was open. Undefined for
 * families without them.
 */
async function retryRates(
  deps: MeshDeps,
  answer: Answer,
  f: RouteFamilies,
  windowSeconds: number,
): Promise<Map<string, RetryTally> | undefined> {
  if (f.retries.length === 0) return undefined;
  const out = new Map<string, RetryTally>();
  await Promise.all(
    RETRY_COUNTERS.flatMap((counter) =>
      f.retries.map(async (prefix) => {
        const samples = await answer.metrics(
          deps.engine.rate({
            metric: `${prefix}_${counter}_total`,
            matchers: f.matchers,
            by: [f.routeLabel],
            windowSeconds,
          }),
        );
        for (const s of samples) {
          const raw = s.labels[f.routeLabel] ?? '';
          let t = out.get(raw);
          if (!t) {
            t = { requests: 0, successes: 0, limit_exceeded: 0, overflow: 0 };
            out.set(raw, t);
          }
          t[counter] += s.value;
        }
      }),
    ),
  );
  return out;
}

export function parseServiceRef(text: string): { namespace: string; name: string } {
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/.exec(text);
  if (!m?.[1] || !m[3]) throw new InputError('to: must be namespace/service');
  return { namespace: m[1], name: m[3] };
}
