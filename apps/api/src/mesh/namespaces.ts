import type { NamespacesResponse } from '@meshviz/shared';
import { golden, mtlsOfSamples, responseFails, Tally } from '../model/golden';
import { eq } from '../sources/metrics/engine';
import { Answer } from './answer';
import { QUANTILES, type MeshDeps } from './deps';
import { byServerNamespace, requestsByTls } from './tls-requests';

/** The namespace table, computed once per refresh for every page and viewer that asks. */
export function namespacesView(
  deps: MeshDeps,
  window: { seconds: number; text: string },
): Promise<NamespacesResponse> {
  return deps.answers.get('namespaces', [window], () => buildNamespaces(deps, window));
}

/** Per namespace: meshed pods, server-side golden numbers and the mTLS share of its traffic. */
async function buildNamespaces(
  deps: MeshDeps,
  window: { seconds: number; text: string },
): Promise<NamespacesResponse> {
  const { snapshot, pods } = deps.snapshots.get();
  const answer = new Answer(deps.topology.errors(), deps.proxyErrors());
  const w = window.seconds;
  const inbound = [eq('direction', 'inbound')];
  const [responses, latency, requests] = await Promise.all([
    answer.metrics(
      deps.engine.rate({
        metric: 'response_total',
        matchers: inbound,
        by: ['namespace', 'classification'],
        windowSeconds: w,
      }),
    ),
    answer.metrics(
      deps.engine.quantiles({
        histogram: 'response_latency_ms',
        matchers: inbound,
        by: ['namespace'],
        windowSeconds: w,
        quantiles: QUANTILES,
      }),
    ),
    requestsByTls(deps, answer, w),
  ]);
  const success = new Tally();
  const failure = new Tally();
  for (const s of responses)
    (responseFails(s.labels) ? failure : success).add(s.labels.namespace ?? '', s.value);
  const requestsOf = byServerNamespace(requests);

  const names = new Set(snapshot.namespaces.map((n) => n.name));
  const rows = [...names].sort().map((name) => {
    const nsPods = pods.filter(
      (p) => p.namespace === name && (p.phase === 'Running' || p.phase === 'Pending'),
    );
    return {
      name,
      meshedPods: nsPods.filter((p) => p.meshed).length,
      totalPods: nsPods.length,
      ...golden(
        success.get(name),
        failure.get(name),
        latency.find((l) => l.labels.namespace === name)?.values,
      ),
      mtls: mtlsOfSamples(requestsOf.get(name) ?? []),
    };
  });
  return { window: window.text, engine: deps.engine.kind, namespaces: rows, errors: answer.errors };
}
