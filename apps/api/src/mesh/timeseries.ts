import type { TimeseriesPoint, TimeseriesResponse } from '@meshviz/shared';
import { DST_LABEL, KIND_LABEL, type WorkloadKind } from '../model/kinds';
import { eq, re, type Matcher } from '../sources/metrics/engine';
import { Answer } from './answer';
import { requireWorkload, routeContext } from './routes';
import { routeStatusFails } from '../model/route-config';
import type { MeshDeps } from './deps';

export type TimeseriesSubject =
  | { kind: 'workload'; namespace: string; workloadKind: WorkloadKind; name: string }
  | {
      kind: 'edge';
      namespace: string;
      workloadKind: WorkloadKind;
      name: string;
      peer: { namespace: string; kind: Exclude<WorkloadKind, 'pods'>; name: string };
    }
  | {
      kind: 'route';
      namespace: string;
      workloadKind: WorkloadKind;
      name: string;
      /** The service called (outbound); absent for the workload's own inbound routes. */
      service: { namespace: string; name: string } | undefined;
      route: string;
    };

/** About 60 points over the window, never finer than the scrape interval allows. */
export function chooseStep(windowSeconds: number, minStepSeconds: number): number {
  const nice = [5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
  const wanted = windowSeconds / 60;
  return nice.find((s) => s >= wanted && s >= minStepSeconds) ?? 3600;
}

/**
 * Success rate, RPS and latency quantiles over time for a workload (its
 * inbound side), an edge (the client's outbound to one workload) or a route
 * (ServiceProfile route of a client-service pair, effective).
 */
export async function timeseriesView(
  deps: MeshDeps,
  subject: TimeseriesSubject,
  window: { seconds: number; text: string },
  now = Date.now() / 1000,
): Promise<TimeseriesResponse> {
  requireWorkload(deps, {
    namespace: subject.namespace,
    kind: subject.workloadKind,
    name: subject.name,
  });
  const answer = new Answer(deps.topology.errors(), deps.proxyErrors());
  const e = deps.engine;
  const step = chooseStep(window.seconds, e.minWindowSeconds / 2);
  const rateWindow = Math.max(2 * step, e.minWindowSeconds);
  // Aligned to the step, so both engines and repeated calls land on the same timestamps.
  const end = Math.floor(now / step) * step;
  const range = { start: end - window.seconds, end, stepSeconds: step };
  const self: Matcher[] = [
    eq('namespace', subject.namespace),
    eq(KIND_LABEL[subject.workloadKind], subject.name),
  ];
  let counter = 'response_total';
  let histogram = 'response_latency_ms';
  let matchers: Matcher[];
  let classify = (l: Record<string, string>) => l.classification === 'success';
  let by = ['classification'];
  let label: string;
  let scale = 1;
  switch (subject.kind) {
    case 'workload':
      matchers = [eq('direction', 'inbound'), ...self];
      label = `${subject.namespace}/${subject.workloadKind}/${subject.name}`;
      break;
    case 'edge':
      matchers = [
        eq('direction', 'outbound'),
        ...self,
        eq('dst_namespace', subject.peer.namespace),
        eq(DST_LABEL[subject.peer.kind], subject.peer.name),
      ];
      label = `${subject.namespace}/${subject.workloadKind}/${subject.name} -> ${subject.peer.namespace}/${subject.peer.kind}/${subject.peer.name}`;
      break;
    case 'route': {
      const route = routeSeries(deps, subject, self);
      ({ counter, histogram, matchers, classify, by } = route);
      scale = route.scale;
      label = `${subject.namespace}/${subject.workloadKind}/${subject.name} ${subject.service ? `-> ${subject.service.namespace}/${subject.service.name} ` : ''}${subject.route}`;
      break;
    }
  }
  const q = (quantile: number) =>
    answer.metrics(
      e.quantileRange(
        { histogram, matchers, by: [], windowSeconds: rateWindow, quantiles: [quantile] },
        range,
      ),
    );
  const [rates, p50, p95, p99] = await Promise.all([
    answer.metrics(
      e.rateRange({ metric: counter, matchers, by, windowSeconds: rateWindow }, range),
    ),
    q(0.5),
    q(0.95),
    q(0.99),
  ]);
  const points = new Map<number, TimeseriesPoint & { ok: number; all: number }>();
  for (let t = range.start; t <= range.end; t += step)
    points.set(t, {
      t,
      successRate: null,
      rps: null,
      p50: null,
      p95: null,
      p99: null,
      ok: 0,
      all: 0,
    });
  const at = (t: number) => points.get(Math.round(t / step) * step);
  for (const series of rates) {
    for (const [t, v] of series.points) {
      const p = at(t);
      if (!p || !Number.isFinite(v)) continue;
      p.all += v;
      if (classify(series.labels)) p.ok += v;
    }
  }
  for (const [key, list] of [
    ['p50', p50],
    ['p95', p95],
    ['p99', p99],
  ] as const) {
    for (const series of list)
      for (const [t, v] of series.points) {
        const p = at(t);
        if (p && Number.isFinite(v)) p[key] = v * scale;
      }
  }
  return {
    window: window.text,
    stepSeconds: step,
    rateWindowSeconds: rateWindow,
    subject: label,
    points: [...points.values()].map(({ ok, all, ...p }) => ({
      ...p,
      rps: all > 0 ? all : null,
      successRate: all > 0 ? ok / all : null,
      // Latency without requests is not a number anyone should see.
      ...(all > 0 ? {} : { p50: null, p95: null, p99: null }),
    })),
    errors: answer.errors,
  };
}

/**
 * Which series hold one route, chosen as the routes view chooses: the
 * ServiceProfile's `route_*` families when the service has a profile
 * (either direction), the Gateway-API `outbound_http_route_*` families for
 * outbound calls without one, and the server's own `route_name` otherwise.
 */
function routeSeries(
  deps: MeshDeps,
  subject: Extract<TimeseriesSubject, { kind: 'route' }>,
  self: Matcher[],
): {
  counter: string;
  histogram: string;
  matchers: Matcher[];
  classify: (l: Record<string, string>) => boolean;
  by: string[];
  scale: number;
} {
  const workload = { namespace: subject.namespace, kind: subject.workloadKind, name: subject.name };
  const { service, config, dstMatch } = routeContext(deps, workload, subject.service);
  const direction = subject.service ? 'outbound' : 'inbound';
  const success = (l: Record<string, string>) => l.classification === 'success';
  if (config?.profile && dstMatch) {
    return {
      counter: 'route_response_total',
      histogram: 'route_response_latency_ms',
      matchers: [
        eq('direction', direction),
        ...self,
        dstMatch,
        eq('rt_route', subject.route === '[DEFAULT]' ? '' : subject.route),
      ],
      classify: success,
      by: ['classification'],
      scale: 1,
    };
  }
  if (subject.service && service) {
    return {
      counter: 'outbound_http_route_request_statuses_total',
      // Seconds in the Gateway-API families; the contract speaks milliseconds.
      histogram: 'outbound_http_route_request_duration_seconds',
      matchers: [
        ...self,
        eq('parent_namespace', service.namespace),
        eq('parent_name', service.name),
        eq('route_name', subject.route),
      ],
      classify: (l) => !routeStatusFails(l),
      by: ['http_status', 'grpc_status', 'error'],
      scale: 1000,
    };
  }
  return {
    counter: 'response_total',
    histogram: 'response_latency_ms',
    matchers: [
      eq('direction', 'inbound'),
      ...self,
      // The routes view names requests without a route label `default`.
      subject.route === 'default'
        ? re('route_name', '(default)?')
        : eq('route_name', subject.route),
    ],
    classify: success,
    by: ['classification'],
    scale: 1,
  };
}
