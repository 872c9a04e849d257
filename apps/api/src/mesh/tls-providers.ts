import { isPostQuantumGroup, type MtlsResponse } from '@meshviz/shared';
import type { PodInfo } from '../model/workloads';
import type { Answer } from './answer';
import type { MeshDeps } from './deps';

type Provider = MtlsResponse['tlsProviders'][number];

/** A `rustls_info` list: comma-terminated values (`a,b,`), as the proxy writes them. */
export function listOf(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/**
 * The TLS providers the proxies report (`rustls_info`, linkerd2-proxy
 * `tls_info.rs`, from mid-2025 proxies): each distinct configuration with
 * the proxies and workloads running it. What a proxy offers, not what each
 * handshake settled on: Linkerd counts no handshake by its group. The hybrid
 * post-quantum group is negotiated between two proxies that both prefer it.
 *
 * `certified` names the proxies (`namespace/pod`) that report an identity
 * certificate, which every proxy release does: a running proxy in neither
 * list has not been scraped yet (a pod started since the last scrape), which
 * is not the same as a release without `rustls_info`.
 */
export async function tlsProviders(
  deps: MeshDeps,
  answer: Answer,
  pods: PodInfo[],
  certified: Promise<Iterable<string>>,
): Promise<Pick<MtlsResponse, 'tlsProviders' | 'tlsInfo'>> {
  const [samples, withCertificate] = await Promise.all([
    answer.metrics(
      deps.engine.gauge({
        metric: 'rustls_info',
        matchers: [],
        by: [
          'namespace',
          'pod',
          'external_workload',
          'tls_kx_groups',
          'tls_suites',
          'tls_fips',
          'tls_key_provider',
        ],
        aggregate: 'max',
      }),
    ),
    certified,
  ]);
  const running = pods.filter((p) => p.meshed && p.phase === 'Running');
  const podsByName = new Map(running.map((p) => [`${p.namespace}/${p.name}`, p]));
  const providers = new Map<string, Provider & { seen: Set<string> }>();
  const reporting = new Set<string>();
  for (const s of samples) {
    // A pod's proxy, or an external workload's (its one "pod" is named after it).
    const podKey = `${s.labels.namespace ?? ''}/${s.labels.pod || s.labels.external_workload || ''}`;
    const pod = podsByName.get(podKey);
    // A pod gone since its last scrape is not a proxy running now.
    if (!pod || reporting.has(podKey)) continue;
    reporting.add(podKey);
    const kxGroups = listOf(s.labels.tls_kx_groups);
    const suites = listOf(s.labels.tls_suites);
    const fips = s.labels.tls_fips === 'true';
    const key = JSON.stringify([kxGroups, suites, fips, s.labels.tls_key_provider ?? '']);
    let p = providers.get(key);
    if (!p) {
      p = {
        kxGroups,
        suites,
        fips,
        keyProvider: s.labels.tls_key_provider ?? '',
        postQuantumPreferred: isPostQuantumGroup(kxGroups[0] ?? ''),
        postQuantumOffered: kxGroups.some(isPostQuantumGroup),
        proxies: 0,
        workloads: [],
        seen: new Set(),
      };
      providers.set(key, p);
    }
    p.proxies++;
    const workload = `${pod.namespace}/${pod.workload.kind}/${pod.workload.name}`;
    if (!p.seen.has(workload)) {
      p.seen.add(workload);
      p.workloads.push({
        namespace: pod.namespace,
        kind: pod.workload.kind,
        name: pod.workload.name,
      });
    }
  }
  const list = [...providers.values()]
    .map(({ seen: _seen, ...p }) => ({
      ...p,
      workloads: p.workloads.sort((a, b) =>
        `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`),
      ),
    }))
    .sort((a, b) => b.proxies - a.proxies);
  const scraped = new Set(withCertificate);
  const unscraped = running.filter(
    (p) => !reporting.has(`${p.namespace}/${p.name}`) && !scraped.has(`${p.namespace}/${p.name}`),
  ).length;
  return {
    tlsProviders: list,
    tlsInfo: {
      proxies: running.length,
      reporting: reporting.size,
      unscraped,
      postQuantumPreferred: list
        .filter((p) => p.postQuantumPreferred)
        .reduce((n, p) => n + p.proxies, 0),
      fips: list.filter((p) => p.fips).reduce((n, p) => n + p.proxies, 0),
    },
  };
}
