import { eq, type Sample } from '../sources/metrics/engine';
import type { Answer } from './answer';
import type { MeshDeps } from './deps';

/**
 * Request rates by TLS state, each request counted once: on the server's
 * side where it has a proxy, else (servers without one) on the client's.
 * Every sample carries the server's `namespace`: summed, they are the mesh's.
 */
export async function requestsByTls(
  deps: MeshDeps,
  answer: Answer,
  windowSeconds: number,
): Promise<Sample[]> {
  const [inbound, toUnmeshed] = await Promise.all([
    answer.metrics(
      deps.engine.rate({
        metric: 'request_total',
        matchers: [eq('direction', 'inbound')],
        by: ['namespace', 'tls', 'no_tls_reason'],
        windowSeconds,
      }),
    ),
    answer.metrics(
      deps.engine.rate({
        metric: 'request_total',
        matchers: [
          eq('direction', 'outbound'),
          eq('no_tls_reason', 'not_provided_by_service_discovery'),
        ],
        by: ['dst_namespace'],
        windowSeconds,
      }),
    ),
  ]);
  return [
    ...inbound,
    ...toUnmeshed.map((s) => ({
      value: s.value,
      labels: {
        namespace: s.labels.dst_namespace ?? '',
        tls: 'no_identity',
        no_tls_reason: 'not_provided_by_service_discovery',
      },
    })),
  ];
}

/** requestsByTls's samples, by the server's namespace. */
export function byServerNamespace(samples: Sample[]): Map<string, Sample[]> {
  const out = new Map<string, Sample[]>();
  for (const s of samples) {
    const ns = s.labels.namespace ?? '';
    out.set(ns, [...(out.get(ns) ?? []), s]);
  }
  return out;
}
