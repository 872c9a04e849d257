import { describe, expect, it } from 'vitest';
import type { SimPod } from '../cluster/cluster';
import type { ServiceSpec } from '../scenarios/types';
import { TapHub, type ProxyEvent, type TapCall } from './tap-hub';

const pod = (name: string, ip: string, meshed = true) =>
  ({
    uid: name,
    name: `${name}-1`,
    namespace: 'emojivoto',
    ip,
    ownerKind: 'deployment',
    ownerName: name,
    meshed,
    serviceAccount: name,
    identity: meshed
      ? `${name}.emojivoto.serviceaccount.identity.linkerd.cluster.local`
      : undefined,
    labels: {},
    proxy: meshed ? {} : undefined,
  }) as unknown as SimPod;

const web = pod('web', '10.0.0.7');
const voting = pod('voting', '10.0.0.9');
const bot = pod('vote-bot', '10.0.0.6', false);
const votingSvc: ServiceSpec = {
  namespace: 'emojivoto',
  name: 'voting-svc',
  workload: 'voting',
  port: 8080,
  targetPort: 8080,
  protocol: 'grpc',
};
const webSvc: ServiceSpec = { ...votingSvc, name: 'web-svc', workload: 'web', port: 80 };

function call(client: SimPod, server: SimPod, svc: ServiceSpec, path: string, at: number): TapCall {
  const side = { status: 200, grpcStatus: undefined, latencyMs: 5 };
  return {
    at,
    client,
    server,
    backend: svc,
    parent: svc,
    method: 'GET',
    path,
    grpc: false,
    responseBytes: 10,
    outbound: side,
    inbound: side,
  };
}

const kinds = (events: ProxyEvent[]) =>
  events.map((e) => Object.keys(e.http as object)[0]).join(',');

describe('TapHub', () => {
  it("reports a request on each tapped proxy it passes: inbound with the client's TLS, outbound with the destination's labels", () => {
    const hub = new TapHub();
    const events: ProxyEvent[] = [];
    hub.open({
      pods: new Set(['web']),
      match: { all: [] },
      limitPerProxy: 10,
      emit: (e) => events.push(e),
    });
    hub.call(call(bot, web, webSvc, '/api/vote', 0));
    hub.call(call(web, voting, votingSvc, '/emojivoto.v1.VotingService/VoteJoy', 1));
    expect(kinds(events)).toBe(
      'request_init,response_init,response_end,request_init,response_init,response_end',
    );
    const [inbound, , , outbound] = events;
    // A client without a proxy sends plaintext: the server's proxy says why there is no TLS.
    expect(inbound).toMatchObject({
      proxy_direction: 'INBOUND',
      source_meta: { labels: { tls: 'no_tls_from_remote' } },
      destination: { ip: { ipv4: 0x0a000007 }, port: 8080 },
    });
    expect(outbound).toMatchObject({
      proxy_direction: 'OUTBOUND',
      destination_meta: {
        labels: {
          deployment: 'voting',
          namespace: 'emojivoto',
          service: 'voting-svc',
          tls: 'true',
          server_id: 'voting.emojivoto.serviceaccount.identity.linkerd.cluster.local',
        },
      },
    });
  });

  it("reports at most the proxy's limit a second, and only matching requests", () => {
    const hub = new TapHub();
    const events: ProxyEvent[] = [];
    const close = hub.open({
      pods: new Set(['web']),
      match: { all: [{ pathPrefix: '/api' }, { method: 'GET' }] },
      limitPerProxy: 2,
      emit: (e) => events.push(e),
    });
    for (let i = 0; i < 5; i++) hub.call(call(bot, web, webSvc, '/api/vote', i * 10));
    hub.call(call(bot, web, webSvc, '/other', 60));
    expect(events.length).toBe(2 * 3);
    // A second later the proxy reports again, under a new stream-id base.
    hub.call(call(bot, web, webSvc, '/api/list', 1000));
    expect(events.length).toBe(3 * 3);
    const ids = events
      .filter((e) => 'request_init' in (e.http as object))
      .map((e) => (e.http as { request_init: { id: unknown } }).request_init.id);
    expect(ids).toEqual([
      { base: 0, stream: 0 },
      { base: 0, stream: 1 },
      { base: 1, stream: 0 },
    ]);
    close();
    expect(hub.active).toBe(false);
  });

  it('matches a destination label only where the proxy has one: outbound', () => {
    const hub = new TapHub();
    const events: ProxyEvent[] = [];
    hub.open({
      pods: new Set(['web', 'voting']),
      match: { all: [{ destinationLabel: { key: 'deployment', value: 'voting' } }] },
      limitPerProxy: 10,
      emit: (e) => events.push(e),
    });
    hub.call(call(web, voting, votingSvc, '/emojivoto.v1.VotingService/VoteJoy', 0));
    expect(events.map((e) => e.proxy_direction)).toEqual(['OUTBOUND', 'OUTBOUND', 'OUTBOUND']);
  });
});
