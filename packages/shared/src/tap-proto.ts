import protobuf from 'protobufjs';

/**
 * The tap API's wire messages, as linkerd2 defines them: `viz/tap/proto/viz_tap.proto`
 * (package `linkerd2.tap`), the `viz.proto` types it uses (package `linkerd2.viz`),
 * `common/net.proto` (package `linkerd2.common.net`) and `google.protobuf.Duration`.
 * Only the messages a tap over the Kubernetes API carries; field numbers and types
 * as there (checked by the hand-encoded bytes in tap-proto.test.ts).
 */
const SCHEMA = `
syntax = "proto3";

package google.protobuf;
message Duration { int64 seconds = 1; int32 nanos = 2; }

package linkerd2.common.net;
message IPAddress { oneof ip { fixed32 ipv4 = 1; IPv6 ipv6 = 2; } }
message IPv6 { fixed64 first = 1; fixed64 last = 2; }
message TcpAddress { IPAddress ip = 1; uint32 port = 2; }

package linkerd2.viz;
message HttpMethod {
  enum Registered { GET = 0; POST = 1; PUT = 2; DELETE = 3; PATCH = 4; OPTIONS = 5; CONNECT = 6; HEAD = 7; TRACE = 8; }
  oneof type { Registered registered = 1; string unregistered = 2; }
}
message Scheme {
  enum Registered { HTTP = 0; HTTPS = 1; }
  oneof type { Registered registered = 1; string unregistered = 2; }
}
message Headers {
  message Header { string name = 1; oneof value { string value_str = 2; bytes value_bin = 3; } }
  repeated Header headers = 1;
}
message Eos { oneof end { uint32 grpc_status_code = 1; uint32 reset_error_code = 2; } }
message ApiError { string error = 1; }
message Resource { string namespace = 1; string type = 2; string name = 3; }
message ResourceSelection { Resource resource = 1; string label_selector = 2; }

package linkerd2.tap;
message TapByResourceRequest {
  linkerd2.viz.ResourceSelection target = 1;
  Match match = 2;
  float maxRps = 3;
  message Match {
    oneof match { Seq all = 1; Seq any = 2; Match not = 3; linkerd2.viz.ResourceSelection destinations = 4; Http http = 5; }
    message Seq { repeated Match matches = 1; }
    message Http { oneof match { string scheme = 1; string method = 2; string authority = 3; string path = 4; } }
  }
  Extract extract = 4;
  message Extract {
    oneof extract { Http http = 1; }
    message Http { oneof extract { Headers headers = 1; } message Headers {} }
  }
}
message TapEvent {
  linkerd2.common.net.TcpAddress source = 1;
  EndpointMeta source_meta = 5;
  linkerd2.common.net.TcpAddress destination = 2;
  EndpointMeta destination_meta = 4;
  RouteMeta route_meta = 7;
  ProxyDirection proxy_direction = 6;
  enum ProxyDirection { UNKNOWN = 0; INBOUND = 1; OUTBOUND = 2; }
  oneof event { Http http = 3; }
  message EndpointMeta { map<string, string> labels = 1; }
  message RouteMeta { map<string, string> labels = 1; }
  message Http {
    oneof event { RequestInit request_init = 1; ResponseInit response_init = 2; ResponseEnd response_end = 3; }
    message StreamId { uint32 base = 1; uint64 stream = 2; }
    message RequestInit {
      StreamId id = 1; linkerd2.viz.HttpMethod method = 2; linkerd2.viz.Scheme scheme = 3;
      string authority = 4; string path = 5; linkerd2.viz.Headers headers = 6;
    }
    message ResponseInit {
      StreamId id = 1; google.protobuf.Duration since_request_init = 2;
      uint32 http_status = 3; linkerd2.viz.Headers headers = 4;
    }
    message ResponseEnd {
      StreamId id = 1; google.protobuf.Duration since_request_init = 2;
      google.protobuf.Duration since_response_init = 3; uint64 response_bytes = 4;
      linkerd2.viz.Eos eos = 5; linkerd2.viz.Headers trailers = 6;
    }
  }
}
`;

// One parse per package declaration: protobufjs reads one `package` per file.
const root = new protobuf.Root();
for (const part of SCHEMA.split(/\n(?=package )/).slice(1))
  protobuf.parse(`syntax = "proto3";\n${part}`, root, { keepCase: true });
root.resolveAll();

export const TapByResourceRequest = root.lookupType('linkerd2.tap.TapByResourceRequest');
export const TapEvent = root.lookupType('linkerd2.tap.TapEvent');
export const ApiError = root.lookupType('linkerd2.viz.ApiError');

/** The tap API's path prefix on the Kubernetes API (APIService `v1alpha1.tap.linkerd.io`). */
export const TAP_API_PREFIX = '/apis/tap.linkerd.io/v1alpha1';

/** Methods by the `HttpMethod.Registered` enum's numbers. */
export const HTTP_METHODS = [
  'GET',
  'POST',
  'PUT',
  'DELETE',
  'PATCH',
  'OPTIONS',
  'CONNECT',
  'HEAD',
  'TRACE',
] as const;

/**
 * The length-prefixed framing of linkerd2's `pkg/protohttp`: a 4-byte
 * little-endian length, then the message's bytes.
 */
export function frame(message: Uint8Array): Buffer {
  const out = Buffer.alloc(4 + message.length);
  out.writeUInt32LE(message.length, 0);
  out.set(message, 4);
  return out;
}

/** Splits length-prefixed frames out of a byte stream, keeping a partial frame for later. */
export class FrameReader {
  private pending = Buffer.alloc(0);

  constructor(
    /** Frames above this size are refused (linkerd2's request limit is 100 MB). */
    private readonly maxFrame = 4 * 1024 * 1024,
  ) {}

  /** The whole frames that `chunk` completes. */
  push(chunk: Uint8Array): Buffer[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : Buffer.from(chunk);
    const frames: Buffer[] = [];
    while (this.pending.length >= 4) {
      const size = this.pending.readUInt32LE(0);
      if (size > this.maxFrame) throw new Error(`tap frame of ${size} bytes is too large`);
      if (this.pending.length < 4 + size) break;
      frames.push(this.pending.subarray(4, 4 + size));
      this.pending = this.pending.subarray(4 + size);
    }
    return frames;
  }
}

/** `a.b.c.d` as the proto's fixed32: the first octet in the high byte (linkerd2 `pkg/addr`). */
export function ipv4ToUint(ip: string): number {
  const parts = ip.split('.').map(Number);
  return (
    (((parts[0] ?? 0) << 24) >>> 0) +
    ((parts[1] ?? 0) << 16) +
    ((parts[2] ?? 0) << 8) +
    (parts[3] ?? 0)
  );
}

export function uintToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}
