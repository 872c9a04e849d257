import type { TapCall } from '@meshviz/shared';
import { describe, expect, it } from 'vitest';
import { addToTop, peerName, type TopRow } from './top';

const peer = (name: string | null, pod: string | null = null) => ({
  address: '10.0.0.1:4000',
  namespace: 'emojivoto',
  kind: name ? 'deployment' : null,
  name,
  pod,
});

function call(path: string, latencyMs: number | null, success: boolean, at: number): TapCall {
  return {
    id: `${path}${at}`,
    at,
    direction: 'inbound',
    source: peer('vote-bot'),
    destination: peer('web'),
    method: 'GET',
    authority: 'web-svc:80',
    path,
    status: success ? 200 : 500,
    grpcStatus: null,
    resetError: null,
    latencyMs,
    responseBytes: 0,
    success,
    tls: 'true',
    clientId: null,
    serverId: null,
  };
}

describe('Top', () => {
  it('counts calls by source, destination and path with best, worst and last latency', () => {
    const rows = new Map<string, TopRow>();
    addToTop(rows, [call('/api/vote', 5, true, 1), call('/api/list', 3, true, 2)]);
    addToTop(rows, [call('/api/vote', 2, false, 3), call('/api/vote', 9, true, 4)]);
    const vote = [...rows.values()].find((r) => r.path === '/api/vote');
    expect(vote).toMatchObject({
      source: 'emojivoto/deployment/vote-bot',
      destination: 'emojivoto/deployment/web',
      count: 3,
      successes: 2,
      best: 2,
      worst: 9,
      last: 9,
      lastAt: 4,
    });
    expect(rows.size).toBe(2);
  });

  it('leaves calls without an end out of the latencies, and drops the least recent rows first', () => {
    const rows = new Map<string, TopRow>();
    addToTop(rows, [call('/a', null, false, 1), call('/b', 1, true, 2)], 2);
    expect([...rows.values()].find((r) => r.path === '/a')).toMatchObject({
      count: 1,
      best: null,
      last: null,
    });
    addToTop(rows, [call('/a', 4, true, 3), call('/c', 1, true, 4)], 2);
    expect([...rows.values()].map((r) => r.path)).toEqual(['/a', '/c']);
  });

  it('names a peer by workload, else pod, else address', () => {
    expect(peerName(peer('web'))).toBe('emojivoto/deployment/web');
    expect(peerName(peer(null, 'web-1'))).toBe('emojivoto/pod/web-1');
    expect(peerName({ ...peer(null), namespace: null })).toBe('10.0.0.1');
  });
});
