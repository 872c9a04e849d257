import type { TimeseriesPoint, TimeseriesResponse } from '@meshviz/shared';
import type { WorkloadKind } from '../model/kinds';
import { responseFails } from '../model/golden';
import { eq, type Matcher } from '../sources/metrics/engine';
import { workloadsOf } from '../model/workloads';
import { Answer } from './answer';
import type { MeshDeps } from './deps';
import { fromInboundFamilies, routeFamilies } from './route-families';
import { requireWorkload } from './routes';

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
  const { names } = deps.snapshots.get();
  const self = names.self(subject.namespace, subject.workloadKind, subject.name);
  const traffic = (matchers: Matcher[]): SeriesSpec => ({
    counters: ['response_total'],
    histograms: ['response_latency_ms'],
    matchers,
    by: ['classification'],
    scale: 1,
    latencyBucketsMs: null,
  });
  // A route is HTTP or gRPC: of its two families only one has series, so the lists are merged.
  const read = async (spec: SeriesSpec, into: Answer) => {
    const { counters, histograms, matchers, by } = spec;
    const q = (quantile: number) =>
      Promise.all(
        histograms.map((histogram) =>
          into.metrics(
            e.quantileRange(
              { histogram, matchers, by: [], windowSeconds: rateWindow, quantiles: [quantile] },
              range,
            ),
          ),
        ),
      ).then((r) => r.flat());
    // The quantiles' query of every bucket over time is the slowest, so it leaves first: the
    // answer waits for it from the moment it leaves, not from the rates' query's. The rates'
    // leaves next: p95 and p99 only join p50's query while it is out, and setting them up
    // first would hold the rates' back.
    const [p50, rates, p95, p99] = await Promise.all([
      q(0.5),
      Promise.all(
        counters.map((metric) =>
          into.metrics(e.rateRange({ metric, matchers, by, windowSeconds: rateWindow }, range)),
        ),
      ).then((r) => r.flat()),
      q(0.95),
      q(0.99),
    ]);
    return { spec, rates, p50, p95, p99 };
  };
  let label: string;
  let got: Awaited<ReturnType<typeof read>>;
  switch (subject.kind) {
    case 'workload': {
      const { snapshot, pods } = deps.snapshots.get();
      const wl = workloadsOf(snapshot, pods, subject.namespace).find(
        (w) => w.kind === subject.workloadKind && w.name === subject.name,
      );
      // As the table beside the chart: server side with a proxy, else what its clients saw.
      const matchers = names.served(
        subject.namespace,
        subject.workloadKind,
        subject.name,
        (wl?.meshedPods ?? 0) > 0,
      );
      label = `${subject.namespace}/${subject.workloadKind}/${subject.name}`;
      got = await read(traffic(matchers), answer);
      break;
    }
    case 'edge':
      label = `${subject.namespace}/${subject.workloadKind}/${subject.name} -> ${subject.peer.namespace}/${subject.peer.kind}/${subject.peer.name}`;
      got = await read(
        traffic([
          eq('direction', 'outbound'),
          ...self,
          ...names.destinationOf(subject.peer.namespace, subject.peer.kind, subject.peer.name),
        ]),
        answer,
      );
      break;
    case 'route': {
      const workload = {
        namespace: subject.namespace,
        kind: subject.workloadKind,
        name: subject.name,
      };
      label = `${subject.namespace}/${subject.workloadKind}/${subject.name} ${subject.service ? `-> ${subject.service.namespace}/${subject.service.name} ` : ''}${subject.route}`;
      if (subject.service) {
        got = await read(routeSeries(deps, subject, false), answer);
        break;
      }
      // A workload's own route: from the current inbound families or the older ones.
      got = await fromInboundFamilies(deps, workload, window.seconds, answer, (current, into) =>
        read(routeSeries(deps, subject, current), into),
      );
      break;
    }
  }
  const { rates, p50, p95, p99 } = got;
  const { scale, latencyBucketsMs } = got.spec;
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
      if (!responseFails(series.labels)) p.ok += v;
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
    latencyBucketsMs,
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

/** What a chart is read from: counters and histograms, the series' matchers, units. */
interface SeriesSpec {
  counters: string[];
  histograms: string[];
  matchers: Matcher[];
  /** The labels that tell success from failure. */
  by: string[];
  /** Factor from the histograms' unit to milliseconds. */
  scale: number;
  latencyBucketsMs: number[] | null;
}

/** The series of one route, from the families the routes view reads. */
function routeSeries(
  deps: MeshDeps,
  subject: Extract<TimeseriesSubject, { kind: 'route' }>,
  currentInbound: boolean,
): SeriesSpec {
  const workload = { namespace: subject.namespace, kind: subject.workloadKind, name: subject.name };
  const { families: f } = routeFamilies(deps, workload, subject.service, currentInbound);
  return {
    counters: f.responses,
    histograms: f.histograms,
    matchers: [...f.matchers, f.routeMatcher(subject.route)],
    by: f.statusLabels,
    scale: f.toMs,
    latencyBucketsMs: f.latencyBucketsMs,
  };
}
