import { describe, expect, it } from 'vitest';
import { booksapp } from '../scenarios/booksapp';
import { TrafficEngine } from '../traffic/engine';
import { Cluster } from './cluster';

describe('simulated cluster', () => {
  it('when a pod is replaced, the new pod has a new name, a new IP and counters from zero', () => {
    let now = Date.UTC(2026, 0, 1);
    const clock = () => now;
    const cluster = new Cluster(booksapp(), {
      seed: 3,
      podSubnetOctet: 98,
      adminPort: 4191,
      now: clock,
    });
    const engine = new TrafficEngine(cluster, {
      seed: 3,
      incidents: false,
      adminPort: 4191,
      now: clock,
    });
    for (let i = 0; i < 30; i++) engine.tick((now += 1000));
    const swap = cluster.replacePod('booksapp', 'webapp');
    expect(swap).toBeDefined();
    const { removed, added } = swap ?? { removed: undefined, added: undefined };
    expect(added?.name).not.toBe(removed?.name);
    expect(added?.ip).not.toBe(removed?.ip);
    expect(added?.proxy?.render()).not.toContain('request_total');
    expect(cluster.podsOf('booksapp', 'webapp').map((p) => p.name)).not.toContain(removed?.name);
    for (let i = 0; i < 10; i++) engine.tick((now += 1000));
    expect(added?.proxy?.render()).toContain('request_total{direction="inbound"');
  });

  it('runs a CronJob: a Job a minute, its pods completing and leaving traffic', () => {
    let now = Date.UTC(2026, 0, 1);
    const cluster = new Cluster(booksapp(), {
      seed: 3,
      podSubnetOctet: 98,
      adminPort: 4191,
      now: () => now,
    });
    const jobs = () =>
      cluster
        .resources('batch/v1', 'Job', 'booksapp')
        .map((j) => j.metadata.name)
        .filter((n) => n.startsWith('report-generator'));
    expect(jobs()).toHaveLength(1);
    expect(cluster.podsOf('booksapp', 'report-generator')).toHaveLength(1);
    now += 30_000;
    cluster.tick(now);
    expect(cluster.podsOf('booksapp', 'report-generator')).toHaveLength(0);
    now += 5 * 60_000;
    cluster.tick(now);
    // successfulJobsHistoryLimit 3, plus the running one.
    expect(jobs().length).toBeLessThanOrEqual(4);
    const cron = cluster.resource('batch/v1', 'CronJob', 'booksapp', 'report-generator');
    const job = cluster.resource('batch/v1', 'Job', 'booksapp', jobs()[jobs().length - 1] ?? '');
    expect(job?.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'CronJob',
      uid: cron?.metadata.uid,
    });
  });

  it('leaves the pod created before injection without a proxy', () => {
    const cluster = new Cluster(booksapp(), { seed: 3, podSubnetOctet: 98, adminPort: 4191 });
    const [legacy] = cluster.podsOf('booksapp', 'legacy-reporter');
    expect(legacy?.meshed).toBe(false);
    const obj = cluster.resource('v1', 'Pod', 'booksapp', legacy?.name ?? '');
    expect((obj?.spec as { containers: { name: string }[] }).containers.map((c) => c.name)).toEqual(
      ['legacy-reporter'],
    );
    expect(obj?.metadata.annotations?.['linkerd.io/inject']).toBeUndefined();
    expect(
      cluster.resource('v1', 'Namespace', '', 'booksapp')?.metadata.annotations?.[
        'linkerd.io/inject'
      ],
    ).toBe('enabled');
  });
});
