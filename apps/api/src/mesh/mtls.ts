import type { MtlsResponse } from '@meshviz/shared';
import { renewalOverdueBelow } from '../model/linkerd-config';
import { mtlsOfSamples } from '../model/golden';
import { workloadsOf } from '../model/workloads';
import { Answer } from './answer';
import type { MeshDeps } from './deps';
import { graphView } from './graph';
import { tlsProviders } from './tls-providers';
import { byServerNamespace, requestsByTls } from './tls-requests';

/**
 * Where traffic is and is not on mTLS: the mesh and each namespace, every
 * edge with plaintext and why, the workloads without a proxy, the identity
 * certificates nearest expiry, and the proxies' TLS providers.
 */
export async function mtlsView(
  deps: MeshDeps,
  window: { seconds: number; text: string },
  now = Date.now() / 1000,
): Promise<MtlsResponse> {
  const { snapshot, pods } = deps.snapshots.get();
  const answer = new Answer([], []);
  // Each namespace's share alone, not the namespace table: its latency quantiles are
  // most of that table's cost, and this page does not show them.
  const expiries = certificateExpiries(deps, answer);
  const [byNamespace, graph, certs, tls] = await Promise.all([
    requestsByTls(deps, answer, window.seconds),
    // Its plaintext edges need traffic and TLS only, not latency.
    graphView(deps, 'all', window, { latency: false }),
    expiries,
    tlsProviders(
      deps,
      answer,
      pods,
      expiries.then((c) => c.map((e) => `${e.namespace}/${e.pod}`)),
    ),
  ]);
  // The mesh's share: every request once, on the server's side where it has a proxy, else
  // the client's; the namespaces' samples together are exactly those, so no second scan.
  const mesh = mtlsOfSamples(byNamespace);
  const errors = [...graph.errors, ...answer.errors].filter(
    (e, i, all) => all.findIndex((x) => x.message === e.message) === i,
  );
  const requestsOf = byServerNamespace(byNamespace);
  return {
    window: window.text,
    mesh,
    namespaces: [...new Set(snapshot.namespaces.map((n) => n.name))]
      .sort()
      .map((name) => ({ name, mtls: mtlsOfSamples(requestsOf.get(name) ?? []) })),
    plaintextEdges: graph.edges.filter((e) => e.mtls.state === 'some' || e.mtls.state === 'none'),
    unmeshedWorkloads: workloadsOf(snapshot, pods)
      .filter((w) => w.totalPods > 0 && w.meshedPods < w.totalPods)
      .map((w) => ({
        namespace: w.namespace,
        kind: w.kind,
        name: w.name,
        meshedPods: w.meshedPods,
        totalPods: w.totalPods,
        injectionPending: w.pods.some((p) => p.injectionPending),
      })),
    certificateLifetimeSeconds: snapshot.linkerd.issuanceLifetimeSeconds,
    certificateWarningSeconds: renewalOverdueBelow(snapshot.linkerd),
    certificates: certs.map((c) => ({ ...c, secondsLeft: Math.round(c.expiresAt - now) })),
    ...tls,
    errors,
  };
}

/**
 * Each proxy's identity certificate expiry (either metric spelling, mesh-facts
 * §2), soonest first.
 */
export async function certificateExpiries(
  deps: MeshDeps,
  answer: Answer,
): Promise<{ namespace: string; pod: string; expiresAt: number }[]> {
  const q = (metric: string) =>
    answer.metrics(
      deps.engine.gauge({
        metric,
        matchers: [],
        by: ['namespace', 'pod', 'external_workload'],
        aggregate: 'min',
      }),
    );
  const samples = (
    await Promise.all([
      q('identity_cert_expiration_timestamp_seconds'),
      q('control_identity_cert_expiration_timestamp_seconds'),
    ])
  ).flat();
  const byPod = new Map<string, { namespace: string; pod: string; expiresAt: number }>();
  for (const s of samples) {
    // A pod's proxy, or an external workload's (named after the ExternalWorkload).
    const pod = s.labels.pod || s.labels.external_workload || '';
    const key = `${s.labels.namespace}/${pod}`;
    const prev = byPod.get(key);
    if (!prev || s.value < prev.expiresAt)
      byPod.set(key, {
        namespace: s.labels.namespace ?? '',
        pod,
        expiresAt: s.value,
      });
  }
  return [...byPod.values()].sort((a, b) => a.expiresAt - b.expiresAt);
}
