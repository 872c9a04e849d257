import type { NamespacesResponse } from '@meshviz/shared';
import { golden, mtlsOf, Tally, tlsReason } from '../model/golden';
import { eq } from '../sources/metrics/engine';
import { Answer } from './answer';
import { QUANTILES, type MeshDeps } from './deps';

/** Per namespace: meshed pods, server-side golden numbers and the mTLS share of its traffic. */
export async function namespacesView(
  deps: MeshDeps,
  window: { seconds: number; text: string },
): Promise<NamespacesResponse> {
  const { snapshot, pods } = deps.snapshots.get();
  const answer = new Answer(deps.topology.errors(), deps.proxyErrors());
  const w = window.seconds;
  const inbound = [eq('direction', 'inbound')];
  const [responses, latency, requests, toUnmeshed] = await Promise.all([
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
    answer.metrics(
      deps.engine.rate({
        metric: 'request_total',
        matchers: inbound,
        by: ['namespace', 'tls', 'no_tls_reason'],
        windowSeconds: w,
      }),
    ),
    // Requests to unmeshed servers appear only on the client's side.
    answer.metrics(
      deps.engine.rate({
        metric: 'request_total',
        matchers: [
          eq('direction', 'outbound'),
          eq('no_tls_reason', 'not_provided_by_service_discovery'),
        ],
        by: ['dst_namespace'],
        windowSeconds: w,
      }),
    ),
  ]);
  const success = new Tally();
  const failure = new Tally();
  for (const s of responses)
    (s.labels.classification === 'success' ? success : failure).add(
      s.labels.namespace ?? '',
      s.value,
    );
  const secured = new Tally();
  const plain = new Map<string, Map<string, number>>();
  const addPlain = (ns: string, reason: string, v: number) => {
    const m = plain.get(ns) ?? new Map<string, number>();
    m.set(reason, (m.get(reason) ?? 0) + v);
    plain.set(ns, m);
  };
  for (const s of requests) {
    const reason = tlsReason(s.labels);
    if (reason === undefined) secured.add(s.labels.namespace ?? '', s.value);
    else addPlain(s.labels.namespace ?? '', reason, s.value);
  }
  for (const s of toUnmeshed)
    addPlain(s.labels.dst_namespace ?? '', 'not_provided_by_service_discovery', s.value);

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
      mtls: mtlsOf(secured.get(name), plain.get(name) ?? new Map()),
    };
  });
  return { window: window.text, engine: deps.engine.kind, namespaces: rows, errors: answer.errors };
}
