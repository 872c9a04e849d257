import { describe, expect, it } from 'vitest';
import {
  FrameReader,
  frame,
  ipv4ToUint,
  TapByResourceRequest,
  TapEvent,
  uintToIpv4,
} from './tap-proto';

/**
 * The wire bytes written by hand from linkerd2's `viz_tap.proto`, `viz.proto` and
 * `common/net.proto` field numbers and types, so a wrong number or type in the
 * schema fails here, not only between two ends that share it.
 */
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const text = (s: string) => Buffer.from(s).toString('hex');

describe('tap protobuf messages', () => {
  it('encodes a TapByResourceRequest with the field numbers of viz_tap.proto', () => {
    const message = TapByResourceRequest.fromObject({
      target: { resource: { namespace: 'emojivoto', type: 'deployment', name: 'web' } },
      match: { all: { matches: [{ http: { path: '/api' } }] } },
      maxRps: 10,
    });
    // target=1 { resource=1 { namespace=1, type=2, name=3 } }
    const resource = `0a09${text('emojivoto')}120a${text('deployment')}1a03${text('web')}`;
    const target = `0a1e0a1c${resource}`;
    // match=2 { all=1 (Seq) { matches=1 [ { http=5 { path=4 } } ] } }
    const match = `120c0a0a0a082a062204${text('/api')}`;
    // maxRps=3, a float: wire type 5, 10.0 little-endian.
    const maxRps = '1d00002041';
    expect(hex(TapByResourceRequest.encode(message).finish())).toBe(target + match + maxRps);
  });

  it('decodes a TapEvent written by hand: addresses, direction, labels, response end', () => {
    const ip = 0x0a000107; // 10.0.1.7, first octet in the high byte (linkerd2 pkg/addr)
    const bytes = Buffer.from(
      [
        // source=1 { ip=1 { ipv4=1 fixed32 LE }, port=2 }
        '0a0a0a050d0701000a10bb03',
        // source_meta=5 { labels=1 { key=1 "tls", value=2 "true" } }
        `2a0d0a0b0a03${text('tls')}1204${text('true')}`,
        // proxy_direction=6 INBOUND (1)
        '3001',
        // http=3 { response_end=3 { id=1 {base=1:2, stream=2:9}, since_request_init=2 {nanos=2: 5 ms}, eos=5 {grpc_status_code=1: 14} } }
        '1a131a110a0408021009120510c096b1022a02080e',
      ].join(''),
      'hex',
    );
    const event = TapEvent.toObject(TapEvent.decode(bytes), {
      longs: Number,
      enums: String,
      oneofs: true,
    });
    expect(uintToIpv4((event.source as { ip: { ipv4: number } }).ip.ipv4)).toBe('10.0.1.7');
    expect(ipv4ToUint('10.0.1.7')).toBe(ip);
    expect(event.source).toMatchObject({ port: 443 });
    expect(event.source_meta).toEqual({ labels: { tls: 'true' } });
    expect(event.proxy_direction).toBe('INBOUND');
    expect(event.event).toBe('http');
    expect(event.http).toMatchObject({
      event: 'response_end',
      response_end: {
        id: { base: 2, stream: 9 },
        since_request_init: { nanos: 5_000_000 },
        eos: { grpc_status_code: 14 },
      },
    });
  });

  it('frames messages with a 4-byte little-endian length and splits them from any chunking', () => {
    const a = frame(Buffer.from('hello'));
    expect(hex(a)).toBe(`05000000${text('hello')}`);
    const b = frame(Buffer.alloc(300, 1));
    expect(hex(b.subarray(0, 4))).toBe('2c010000');
    const stream = Buffer.concat([a, b]);
    const reader = new FrameReader();
    const frames = [stream.subarray(0, 3), stream.subarray(3, 200), stream.subarray(200)].flatMap(
      (c) => reader.push(c),
    );
    expect(frames.map((f) => f.length)).toEqual([5, 300]);
    expect(() => new FrameReader(100).push(b)).toThrow('too large');
  });
});
