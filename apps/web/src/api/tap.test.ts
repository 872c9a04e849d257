import type { TapCall } from '@meshviz/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { streamTap, type TapProblem } from './tap';

const call = (path: string): TapCall => ({
  id: path,
  at: 1,
  direction: 'inbound',
  source: {
    address: '10.0.0.6:1',
    namespace: 'emojivoto',
    kind: 'deployment',
    name: 'vote-bot',
    pod: null,
  },
  destination: {
    address: '10.0.0.7:80',
    namespace: 'emojivoto',
    kind: 'deployment',
    name: 'web',
    pod: null,
  },
  method: 'GET',
  authority: 'web-svc:80',
  path,
  status: 200,
  grpcStatus: null,
  resetError: null,
  latencyMs: 3,
  responseBytes: 0,
  success: true,
  tls: 'true',
  clientId: null,
  serverId: null,
});

/** A response whose body arrives in the given chunks, split anywhere. */
function sse(chunks: string[], status = 200): Response {
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      for (const ch of chunks) c.enqueue(new TextEncoder().encode(ch));
      c.close();
    },
  });
  return new Response(body, { status, headers: { 'Content-Type': 'text/event-stream' } });
}

afterEach(() => vi.unstubAllGlobals());

async function run(res: Response) {
  vi.stubGlobal(
    'fetch',
    vi.fn(async () => res),
  );
  const calls: TapCall[] = [];
  const stats: number[] = [];
  let opened = false;
  let ended: TapProblem | undefined;
  await streamTap(
    { namespace: 'emojivoto', resource: 'deployments', name: 'web' },
    new AbortController().signal,
    {
      onOpen: () => (opened = true),
      onCalls: (b) => calls.push(...b),
      onStats: (s) => stats.push(s.received),
      onEnd: (p) => (ended = p),
    },
  );
  return { calls, stats, opened, ended };
}

describe('streamTap', () => {
  it('reads calls and stats from Server-Sent Events split across chunks', async () => {
    const text = [
      'event: stats\ndata: {"received":0,"dropped":0,"capPerSecond":50}\n\n',
      `event: call\ndata: ${JSON.stringify(call('/a'))}\n\n`,
      `: quiet\n\nevent: call\ndata: ${JSON.stringify(call('/b'))}\n\n`,
      'event: end\ndata: {"reason":"the tap stream ended upstream"}\n\n',
    ].join('');
    const r = await run(sse([text.slice(0, 7), text.slice(7, 200), text.slice(200)]));
    expect(r.opened).toBe(true);
    expect(r.calls.map((c) => c.path)).toEqual(['/a', '/b']);
    expect(r.stats).toEqual([0]);
    expect(r.ended).toEqual({ code: 'ended', message: 'the tap stream ended upstream' });
  });

  it("hands on the stream's problem (tap not allowed) and a refused request's reason", async () => {
    const forbidden = await run(
      sse([
        'event: problem\ndata: {"code":"tap_forbidden","status":403,"message":"cannot watch"}\n\n',
      ]),
    );
    expect(forbidden.ended).toMatchObject({ code: 'tap_forbidden', message: 'cannot watch' });
    const bad = await run(
      new Response(JSON.stringify({ error: { code: 'bad_request', message: 'path: nope' } }), {
        status: 400,
      }),
    );
    expect(bad.opened).toBe(false);
    expect(bad.ended).toEqual({ code: 'bad_request', message: 'path: nope' });
  });
});
