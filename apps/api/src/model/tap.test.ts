import { describe, expect, it } from 'vitest';
import { TapCalls } from './tap';

/** Events in protobufjs's object form, as the tap client decodes them. */
const addr = (ip: number, port: number) => ({ ip: { ipv4: ip, ip: 'ipv4' }, port });
const WEB = 0x0a000007;
const BOT = 0x0a000006;

function inbound(kind: string, body: Record<string, unknown>, stream = 0) {
  return {
    proxy_direction: 'INBOUND',
    source: addr(BOT, 40000 + stream),
    destination: addr(WEB, 8080),
    source_meta: {
      labels: {
        tls: 'true',
        client_id: 'default.emojivoto.serviceaccount.identity.linkerd.cluster.local',
        deployment: 'vote-bot',
        namespace: 'emojivoto',
        pod: 'vote-bot-1',
      },
    },
    destination_meta: { labels: { deployment: 'web', namespace: 'emojivoto', pod: 'web-1' } },
    event: 'http',
    http: { event: kind, [kind]: { id: { base: 3, stream }, ...body } },
  };
}

describe('TapCalls', () => {
  it('pairs a request with its response into one call, with peers, identity and latency', () => {
    const calls = new TapCalls(() => 1000);
    expect(
      calls.push(
        inbound('request_init', {
          method: { registered: 'GET', type: 'registered' },
          authority: 'web-svc.emojivoto.svc.cluster.local:80',
          path: '/api/vote',
        }),
      ),
    ).toEqual([]);
    expect(calls.push(inbound('response_init', { http_status: 500 }))).toEqual([]);
    const [call] = calls.push(
      inbound('response_end', {
        since_request_init: { seconds: 1, nanos: 250_000_000 },
        response_bytes: 12,
        eos: {},
      }),
    );
    expect(call).toEqual({
      id: '10.0.0.7|inbound|3|0',
      at: 1000,
      direction: 'inbound',
      source: {
        address: '10.0.0.6:40000',
        namespace: 'emojivoto',
        kind: 'deployment',
        name: 'vote-bot',
        pod: 'vote-bot-1',
      },
      destination: {
        address: '10.0.0.7:8080',
        namespace: 'emojivoto',
        kind: 'deployment',
        name: 'web',
        pod: 'web-1',
      },
      method: 'GET',
      authority: 'web-svc.emojivoto.svc.cluster.local:80',
      path: '/api/vote',
      status: 500,
      grpcStatus: null,
      resetError: null,
      latencyMs: 1250,
      responseBytes: 12,
      success: false,
      tls: 'true',
      clientId: 'default.emojivoto.serviceaccount.identity.linkerd.cluster.local',
      serverId: null,
    });
  });

  it('counts gRPC by its status, a reset as a failure, and keeps streams of one proxy apart', () => {
    const calls = new TapCalls(() => 0);
    for (const s of [1, 2, 3]) calls.push(inbound('request_init', { path: `/p${s}` }, s));
    calls.push(inbound('response_init', { http_status: 200 }, 1));
    calls.push(inbound('response_init', { http_status: 200 }, 2));
    const ok = calls.push(inbound('response_end', { eos: { grpc_status_code: 0 } }, 1));
    const unavailable = calls.push(inbound('response_end', { eos: { grpc_status_code: 14 } }, 2));
    const reset = calls.push(inbound('response_end', { eos: { reset_error_code: 2 } }, 3));
    expect(ok.map((c) => [c.path, c.status, c.grpcStatus, c.success])).toEqual([
      ['/p1', 200, 0, true],
    ]);
    expect(unavailable.map((c) => [c.path, c.grpcStatus, c.success])).toEqual([['/p2', 14, false]]);
    expect(reset.map((c) => [c.path, c.status, c.resetError, c.success])).toEqual([
      ['/p3', null, 2, false],
    ]);
    // An end without its start (the tap began mid-request) is no call.
    expect(calls.push(inbound('response_end', { eos: {} }, 9))).toEqual([]);
  });

  it('reports a request whose end never came, after a while, without a status', () => {
    let now = 0;
    const calls = new TapCalls(() => now);
    calls.push(inbound('request_init', { path: '/slow' }, 1));
    now = 29_000;
    expect(calls.push(inbound('request_init', { path: '/next' }, 2))).toEqual([]);
    now = 31_000;
    const late = calls.push(inbound('request_init', { path: '/later' }, 3));
    expect(late.map((c) => [c.path, c.status, c.latencyMs, c.success])).toEqual([
      ['/slow', null, null, false],
    ]);
  });

  it('writes IPv6 addresses from their two 64-bit halves, as decimal text keeps them', () => {
    const calls = new TapCalls(() => 0);
    const v6 = (first: string, last: string, port: number) => ({
      ip: { ipv6: { first, last }, ip: 'ipv6' },
      port,
    });
    // fd00:10:244::7 and fd00:10:244::1a2b: first half 0xfd00001002440000.
    const first = BigInt('0xfd00001002440000').toString();
    calls.push({
      ...inbound('request_init', { path: '/' }),
      source: v6(first, BigInt('0x1a2b').toString(), 40000),
      destination: v6(first, '7', 8080),
    });
    const [call] = calls.push({
      ...inbound('response_end', { since_request_init: { seconds: '2', nanos: 0 }, eos: {} }),
      source: v6(first, BigInt('0x1a2b').toString(), 40000),
      destination: v6(first, '7', 8080),
    });
    expect(call?.source.address).toBe('[fd00:10:244::1a2b]:40000');
    expect(call?.destination.address).toBe('[fd00:10:244::7]:8080');
    expect(call?.latencyMs).toBe(2000);
  });
});
