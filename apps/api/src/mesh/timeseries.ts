import type { TimeseriesPoint, TimeseriesResponse } from '@meshviz/shared';
import { NotFoundError } from '../http/errors';
import { DST_LABEL, KIND_LABEL, type WorkloadKind } from '../model/kinds';
import { workloadsOf } from '../model/workloads';
import { eq, re, type Matcher } from '../sources/metrics/engine';
import { regexLiteral } from '../sources/metrics/promql';
import { Answer } from './answer';
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
      service: { namespace: string; name: string };
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
  const { snapshot, pods } = deps.snapshots.get();
  if (
    !workloadsOf(snapshot, pods, subject.namespace).some(
      (w) => w.kind === subject.workloadKind && w.name === subject.name,
    )
  ) {
    throw new NotFoundError(`no ${subject.workloadKind} ${subject.namespace}/${subject.name}`);
  }
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
  let label: string;
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
      const dst = re(
        'dst',
        `${regexLiteral(`${subject.service.name}.${subject.service.namespace}.svc.${snapshot.clusterDomain}`)}:\\d+`,
      );
      counter = 'route_response_total';
      histogram = 'route_response_latency_ms';
      matchers = [
        eq('direction', 'outbound'),
        ...self,
        dst,
        eq('rt_route', subject.route === '[DEFAULT]' ? '' : subject.route),
      ];
      classify = (l) => l.classification === 'success';
      label = `${subject.namespace}/${subject.workloadKind}/${subject.name} -> ${subject.service.namespace}/${subject.service.name} ${subject.route}`;
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
      e.rateRange(
        { metric: counter, matchers, by: ['classification'], windowSeconds: rateWindow },
        range,
      ),
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
        if (p && Number.isFinite(v)) p[key] = v;
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
