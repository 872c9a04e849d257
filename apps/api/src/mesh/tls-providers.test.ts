import { describe, expect, it } from 'vitest';
import type { PodInfo } from '../model/workloads';
import type { Sample } from '../sources/metrics/engine';
import { Answer } from './answer';
import type { MeshDeps } from './deps';
import { listOf, tlsProviders } from './tls-providers';

const pod = (namespace: string, name: string, workload: string, meshed = true): PodInfo =>
  ({
    name,
    namespace,
    phase: 'Running',
    meshed,
    workload: { kind: 'deployments', name: workload },
  }) as PodInfo;

// As linkerd2-proxy's tls_info.rs writes them: every value followed by a comma.
const info = (namespace: string, podName: string, kx: string, fips = false): Sample => ({
  labels: {
    namespace,
    pod: podName,
    tls_kx_groups: kx,
    tls_suites: 'TLS13_AES_128_GCM_SHA256,TLS13_AES_256_GCM_SHA384,',
    tls_fips: String(fips),
    tls_key_provider: 'AwsLcRs',
  },
  value: 1,
});

const depsWith = (samples: Sample[]) =>
  ({ engine: { gauge: async () => samples } }) as unknown as MeshDeps;

describe('TLS providers', () => {
  it('reads comma-terminated lists', () => {
    expect(listOf('X25519MLKEM768,X25519,')).toEqual(['X25519MLKEM768', 'X25519']);
    expect(listOf('')).toEqual([]);
    expect(listOf(undefined)).toEqual([]);
  });

  it('counts running proxies by provider, ML-KEM first or offered, those that report none, and those not scraped yet', async () => {
    const pods = [
      pod('a', 'web-1', 'web'),
      pod('a', 'web-2', 'web'),
      pod('a', 'db-0', 'db'),
      pod('b', 'old-1', 'old'),
      pod('b', 'new-1', 'new'),
      pod('b', 'plain-1', 'plain', false),
    ];
    const samples = [
      info('a', 'web-1', 'X25519MLKEM768,X25519,secp256r1,'),
      info('a', 'web-2', 'X25519MLKEM768,X25519,secp256r1,'),
      info('a', 'db-0', 'X25519,secp256r1,X25519MLKEM768,'),
      info('a', 'gone-1', 'SECP256R1MLKEM768,secp256r1,', true),
    ];
    const answer = new Answer([]);
    // Every proxy release reports its certificate: old-1 is a release without rustls_info;
    // new-1 reports nothing yet, as a pod started since the last scrape.
    const certified = ['a/web-1', 'a/web-2', 'a/db-0', 'a/gone-1', 'b/old-1'];
    const r = await tlsProviders(depsWith(samples), answer, pods, Promise.resolve(certified));
    expect(
      r.tlsProviders.map((p) => [
        p.kxGroups[0],
        p.proxies,
        p.postQuantumPreferred,
        p.postQuantumOffered,
        p.workloads.map((w) => w.name),
      ]),
    ).toEqual([
      ['X25519MLKEM768', 2, true, true, ['web']],
      ['X25519', 1, false, true, ['db']],
    ]);
    // A pod gone since its last scrape is not counted; the unmeshed pod has no proxy.
    expect(r.tlsInfo).toEqual({
      proxies: 5,
      reporting: 3,
      unscraped: 1,
      postQuantumPreferred: 2,
      fips: 0,
    });
    expect(answer.errors).toEqual([]);
  });
});
