import type { WorkloadDetail } from '@meshviz/shared';
import { NotFoundError } from '../model/errors';
import { golden, outcomes, tlsReason } from '../model/golden';
import { adminTrafficMatcher, probeTrafficMatcher } from './app-traffic';
import type { WorkloadKind } from '../model/kinds';
import { workloadsOf } from '../model/workloads';
import { eq } from '../sources/metrics/engine';
import { Answer } from './answer';
import { QUANTILES, type MeshDeps } from './deps';
import { graphView } from './graph';
import { routesView } from './routes';
import { workloadsView } from './workloads';

/** One workload: its numbers, its pods' numbers, who calls it and whom it calls, with identities and mTLS. */
export async function workloadDetailView(
  deps: MeshDeps,
  namespace: string,
  kind: WorkloadKind,
  name: string,
  window: { seconds: number; text: string },
): Promise<WorkloadDetail> {
  const { snapshot, pods } = deps.snapshots.get();
  const wl = workloadsOf(snapshot, pods, namespace).find((w) => w.kind === kind && w.name === name);
  if (!wl) throw new NotFoundError(`no ${kind} ${namespace}/${name}`);
  const answer = new Answer([], []);
  const { names, adminPorts } = deps.snapshots.get();
  const sel = [eq('direction', 'inbound'), ...names.self(namespace, kind, name)];
  const [rows, graph, routes, podResp, podLat, admin, probeResp] = await Promise.all([
    workloadsView(deps, namespace, kind, window),
    graphView(deps, [namespace], window),
    routesView(deps, { namespace, kind, name }, undefined, window),
    answer.metrics(
      deps.engine.rate({
        metric: 'response_total',
        matchers: sel,
        by: ['pod', 'classification'],
        windowSeconds: window.seconds,
      }),
    ),
    answer.metrics(
      deps.engine.quantiles({
        histogram: 'response_latency_ms',
        matchers: sel,
        by: ['pod'],
        windowSeconds: window.seconds,
        quantiles: QUANTILES,
      }),
    ),
    answer.metrics(
      deps.allTraffic.rate({
        metric: 'request_total',
        matchers: [...sel, adminTrafficMatcher(adminPorts)],
        by: ['tls', 'client_id', 'no_tls_reason'],
        windowSeconds: window.seconds,
      }),
    ),
    answer.metrics(
      deps.allTraffic.rate({
        metric: 'response_total',
        matchers: [...sel, probeTrafficMatcher()],
        by: ['classification'],
        windowSeconds: window.seconds,
      }),
    ),
  ]);
  const probes = outcomes(probeResp);
  const row = rows.workloads.find((w) => w.kind === kind && w.name === name);
  if (!row) throw new NotFoundError(`no ${kind} ${namespace}/${name}`);
  const id = `${namespace}/${kind}/${name}`;
  const nodeOf = (nid: string) => graph.nodes.find((n) => n.id === nid);
  const inbound = graph.edges
    .filter((e) => e.target === id)
    .flatMap((edge) => {
      const node = nodeOf(edge.source);
      return node ? [{ node, edge }] : [];
    });
  const outbound = graph.edges
    .filter((e) => e.source === id)
    .flatMap((edge) => {
      const node = nodeOf(edge.target);
      return node ? [{ node, edge }] : [];
    });
  const errors = [...rows.errors, ...graph.errors, ...routes.errors, ...answer.errors].filter(
    (e, i, all) => all.findIndex((x) => x.message === e.message) === i,
  );
  return {
    window: window.text,
    workload: {
      ...row,
      injectionPending: wl.pods.some((p) => p.injectionPending),
      identity: wl.pods.find((p) => p.identity)?.identity ?? null,
    },
    pods: [...wl.pods]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((p) => {
        const { success, failure } = outcomes(podResp.filter((s) => s.labels.pod === p.name));
        return {
          name: p.name,
          phase: p.phase,
          ready: p.ready,
          restarts: p.restarts,
          meshed: p.meshed,
          identity: p.identity ?? null,
          proxyVersion: p.proxyVersion ?? null,
          ...golden(success, failure, podLat.find((s) => s.labels.pod === p.name)?.values),
        };
      }),
    inbound,
    outbound,
    scrapers: admin
      .filter((s) => s.value > 0)
      .map((s) => ({
        identity: s.labels.tls === 'true' ? (s.labels.client_id ?? null) : null,
        reason: tlsReason(s.labels) ?? null,
        rps: s.value,
      }))
      .sort((a, b) => b.rps - a.rps),
    probes:
      probes.success + probes.failure > 0
        ? {
            rps: probes.success + probes.failure,
            successRate: probes.success / (probes.success + probes.failure),
          }
        : null,
    routes: routes.routes,
    errors,
  };
}
