import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  ApiError,
  FrameReader,
  TAP_API_PREFIX,
  TapByResourceRequest,
  TapEvent,
} from '@meshviz/shared/tap-proto';

/** How long the API server may take to answer a tap request before the tap counts as down. */
const ANSWER_TIMEOUT_MS = 10_000;

/** Why a tap could not start, for the viewer to act on. */
export type TapFailure =
  /** No APIService `v1alpha1.tap.linkerd.io`: linkerd-viz (its tap component) is not installed. */
  | 'not_installed'
  /** RBAC does not allow `watch` on `tap.linkerd.io` for this identity. */
  | 'forbidden'
  /** The tap component refused the request (no meshed pods, tap disabled, a bad match). */
  | 'refused'
  /** The Kubernetes API or the tap component is down or answered something else. */
  | 'unavailable';

export class TapError extends Error {
  override name = 'TapError';
  constructor(
    readonly failure: TapFailure,
    message: string,
  ) {
    super(message);
  }
}

/** What to tap, in the terms of `TapByResourceRequest`. */
export interface TapSpec {
  namespace: string;
  /** Singular resource type, as the tap API names it: `deployment`, `pod`, `namespace`, ... */
  type: string;
  name: string;
  to?: { namespace: string; type: string; name: string };
  method?: string;
  authority?: string;
  pathPrefix?: string;
  maxRps: number;
}

/** A decoded `TapEvent`, in protobufjs's object form (oneofs named, enums as strings). */
export type TapEventObject = Record<string, unknown>;

/** The protobuf request for `spec`, and the path the APIService serves it at. */
export function tapRequest(spec: TapSpec): { path: string; body: Uint8Array } {
  const resource = (s: { namespace: string; type: string; name: string }) => ({
    resource: { namespace: s.namespace, type: s.type, name: s.name },
  });
  const matches: Record<string, unknown>[] = [];
  if (spec.to) matches.push({ destinations: resource(spec.to) });
  if (spec.method) matches.push({ http: { method: spec.method } });
  if (spec.authority) matches.push({ http: { authority: spec.authority } });
  if (spec.pathPrefix) matches.push({ http: { path: spec.pathPrefix } });
  const message = TapByResourceRequest.fromObject({
    target: resource(spec),
    match: { all: { matches } },
    maxRps: spec.maxRps,
    extract: { http: { headers: {} } },
  });
  const path =
    spec.type === 'namespace'
      ? `${TAP_API_PREFIX}/watch/namespaces/${spec.name}/tap`
      : `${TAP_API_PREFIX}/watch/namespaces/${spec.namespace}/${spec.type}s/${spec.name}/tap`;
  return { path, body: TapByResourceRequest.encode(message).finish() };
}

async function readBody(res: IncomingMessage, limit = 64 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of res as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > limit) break;
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

/** The message of a Kubernetes `Status` body, or the body's start. */
function statusMessage(body: Buffer): string {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { message?: unknown; error?: unknown };
    const m = parsed.message ?? parsed.error;
    if (typeof m === 'string') return m;
  } catch {
    // not JSON
  }
  return body.toString('utf8').slice(0, 300);
}

/**
 * Opens a tap through the Kubernetes API's aggregation layer: a POST of the
 * protobuf request, answered by a stream of length-prefixed `TapEvent`s
 * (linkerd2 `pkg/protohttp`). Resolves once the stream is open; every event
 * then goes to `onEvent`, and `onEnd` is called once when it ends. Aborting
 * `signal` closes the stream upstream.
 */
export async function openTap(
  kc: KubeConfig,
  spec: TapSpec,
  signal: AbortSignal,
  onEvent: (event: TapEventObject) => void,
  onEnd: (err?: Error) => void,
): Promise<void> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new TapError('unavailable', 'no Kubernetes cluster is configured');
  const { path, body } = tapRequest(spec);
  const url = new URL(cluster.server.replace(/\/$/, '') + path);
  const opts: RequestOptions & { headers: Record<string, string> } = {
    method: 'POST',
    headers: {
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(body.length),
    },
  };
  await kc.applyToHTTPSOptions(opts);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = send(url, { ...opts, signal }, (r) => {
      clearTimeout(timer);
      resolve(r);
    });
    // A tap that does not answer is as good as none: say so rather than wait.
    const timer = setTimeout(
      () => req.destroy(new Error(`no answer within ${ANSWER_TIMEOUT_MS / 1000} s (${url.host})`)),
      ANSWER_TIMEOUT_MS,
    );
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(
        signal.aborted
          ? err
          : new TapError('unavailable', `the Kubernetes API is unreachable: ${err.message}`),
      );
    });
    req.end(body);
  });
  const code = res.statusCode ?? 0;
  if (code !== 200) {
    const message = statusMessage(await readBody(res));
    if (code === 404)
      throw new TapError(
        'not_installed',
        `the Kubernetes API does not serve tap.linkerd.io (${message})`,
      );
    if (code === 403 || code === 401) throw new TapError('forbidden', message);
    throw new TapError('unavailable', `the tap API answered ${code}: ${message}`);
  }
  const reader = new FrameReader();
  // The tap component reports an error on a 200 answer, in the `linkerd-error` header.
  if (res.headers['linkerd-error']) {
    const frames = reader.push(await readBody(res));
    const apiError = frames[0] ? ApiError.toObject(ApiError.decode(frames[0])) : {};
    const message = typeof apiError.error === 'string' ? apiError.error.trim() : '';
    throw new TapError(
      'refused',
      message || `the tap component answered ${String(res.headers['linkerd-error'])}`,
    );
  }
  let ended = false;
  const end = (err?: Error) => {
    if (ended) return;
    ended = true;
    onEnd(err);
  };
  res.on('data', (chunk: Buffer) => {
    try {
      for (const f of reader.push(chunk))
        onEvent(
          TapEvent.toObject(TapEvent.decode(f), {
            // 64-bit fields (IPv6 halves, byte counts) as decimal text: a number loses bits.
            longs: String,
            enums: String,
            oneofs: true,
          }),
        );
    } catch (err) {
      res.destroy();
      end(new TapError('unavailable', `undecodable tap event: ${(err as Error).message}`));
    }
  });
  res.on('end', () => end());
  res.on('error', (err) => end(signal.aborted ? undefined : err));
  res.on('close', () => end());
}
