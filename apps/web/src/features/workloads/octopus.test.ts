import { describe, expect, it } from 'vitest';
import type { GraphNode, Neighbour, WorkloadDetail } from '@meshviz/shared';
import { octopus } from './octopus';

const golden = { successRate: 1, rps: 1, latencyMs: { p50: 1, p95: 2, p99: 3 } };
const peer = (name: string): GraphNode => ({
  id: `ns/deployments/${name}`,
  namespace: 'ns',
  kind: 'deployments',
  name,
  meshed: true,
  ...golden,
});
const link = (node: GraphNode, source: string, target: string): Neighbour => ({
  node,
  edge: {
    id: `${source}>${target}`,
    source,
    target,
    protocol: 'http',
    rps: 1,
    successRate: 1,
    latencyMs: { p95: 2 },
    mtls: {
      securedShare: 1,
      state: 'all',
      reasons: [],
      clientIdentity: null,
      serverIdentities: [],
    },
  },
});

describe('octopus view', () => {
  it('puts clients left, the workload in the middle, servers right', () => {
    const self = 'ns/deployments/web';
    const detail = {
      window: '1m',
      workload: {
        namespace: 'ns',
        kind: 'deployments',
        name: 'web',
        meshedPods: 1,
        totalPods: 1,
        ...golden,
        tcp: { openConnections: null, readBytesPerSec: null, writeBytesPerSec: null },
        mtls: { securedShare: 1, state: 'all', reasons: [] },
        injectionPending: false,
        identity: null,
      },
      pods: [],
      inbound: [link(peer('bot'), 'ns/deployments/bot', self)],
      outbound: [
        link(peer('a'), self, 'ns/deployments/a'),
        link(peer('b'), self, 'ns/deployments/b'),
      ],
      scrapers: [],
      probes: null,
      routes: [],
      errors: [],
    } satisfies WorkloadDetail;
    const { view, boxes } = octopus(detail);
    expect(view.nodes.map((n) => n.id)).toEqual([
      self,
      'ns/deployments/bot',
      'ns/deployments/a',
      'ns/deployments/b',
    ]);
    expect(view.edges).toHaveLength(3);
    const x = (id: string) => boxes[id]?.x ?? Number.NaN;
    expect(x('ns/deployments/bot')).toBeLessThan(x(self));
    expect(x('ns/deployments/a')).toBeGreaterThan(x(self));
    // The lone client is centred against the two servers.
    const y = (id: string) => boxes[id]?.y ?? Number.NaN;
    expect(y('ns/deployments/bot')).toBeCloseTo(
      (y('ns/deployments/a') + y('ns/deployments/b')) / 2,
    );
  });
});
