import { Router, type Response } from 'express';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { z } from 'zod';
import { k8sNameSchema, TAP_RESOURCES, type TapCall, type TapStats } from '@meshviz/shared';
import { TapCalls } from '../model/tap';
import { InputError } from '../model/errors';
import { openTap, TapError, type TapFailure, type TapSpec } from '../sources/kubernetes/tap-client';

export interface TapLimits {
  /** Taps open at once across all viewers; one more gets 503. */
  maxStreams: number;
  /** Calls a second relayed to one viewer; the rest are counted as dropped. */
  callsPerSecond: number;
  /** Requests a second the tap component samples when the viewer asks for none (at most 100). */
  defaultMaxRps: number;
}

export const DEFAULT_TAP_LIMITS: TapLimits = {
  maxStreams: 8,
  callsPerSecond: 50,
  defaultMaxRps: 20,
};

/** The tap API's singular resource type for a plural (`deployments` -> `deployment`). */
const singular = (plural: string) => plural.replace(/s$/, '');

const opt = <T extends z.ZodType>(s: T) =>
  z.preprocess(
    (v) => (v === '' ? undefined : Array.isArray(v) ? Symbol('repeated') : v),
    s.optional(),
  );

const tapQuery = z
  .object({
    namespace: k8sNameSchema,
    resource: z.enum(TAP_RESOURCES),
    name: k8sNameSchema,
    toNamespace: opt(k8sNameSchema),
    toResource: opt(z.enum(TAP_RESOURCES)),
    toName: opt(k8sNameSchema),
    method: opt(z.string().regex(/^[A-Z]{1,16}$/, 'an HTTP method in capitals, like GET')),
    path: opt(
      z
        .string()
        .max(512)
        .regex(/^\/[\x21-\x7e]*$/, 'a path prefix starting with / (visible ASCII, no spaces)'),
    ),
    authority: opt(
      z
        .string()
        .max(260)
        .regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, 'a host name or address, with an optional :port'),
    ),
    maxRps: opt(z.coerce.number().min(0.1).max(100)),
  })
  .superRefine((q, ctx) => {
    if ((q.toResource === undefined) !== (q.toName === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['toName'],
        message: 'toResource and toName go together',
      });
  });

const FAILURE_STATUS: Record<TapFailure, { status: number; code: string }> = {
  not_installed: { status: 503, code: 'tap_not_installed' },
  forbidden: { status: 403, code: 'tap_forbidden' },
  refused: { status: 422, code: 'tap_refused' },
  unavailable: { status: 502, code: 'tap_unavailable' },
};

/** Bytes waiting for a slow viewer at most; calls past it are dropped, not queued. */
const MAX_BUFFERED = 1024 * 1024;

const SSE_HEADERS = {
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
};

function sse(res: Response, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/**
 * `GET /tap`: a live tap, relayed to the browser as Server-Sent Events
 * (`call`, `stats`, `end`; or one `problem` when the cluster gives no tap:
 * not installed, not allowed, refused, unreachable). Same-origin only (the Host check guards the
 * API; a browser's cross-site request is refused here too). The upstream
 * tap closes as soon as the viewer goes.
 */
export function tapRoutes(
  kc: KubeConfig,
  log: Logger,
  limits: TapLimits = DEFAULT_TAP_LIMITS,
): Router {
  const router = Router();
  let open = 0;

  router.get('/tap', async (req, res) => {
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') {
      res.status(403).json({
        error: { code: 'cross_site', message: 'a tap is opened from the dashboard itself only' },
      });
      return;
    }
    const parsed = tapQuery.safeParse(req.query);
    if (!parsed.success)
      throw new InputError(
        parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '),
      );
    const q = parsed.data;
    if (open >= limits.maxStreams) {
      res.status(503).json({
        error: {
          code: 'tap_busy',
          message:
            limits.maxStreams === 0
              ? 'this meshviz relays no taps (--tap-max-streams 0)'
              : `${open} taps are open, as many as this server relays at once; close one and try again`,
        },
      });
      return;
    }
    const spec: TapSpec = {
      namespace: q.namespace,
      type: singular(q.resource),
      name: q.resource === 'namespaces' ? q.namespace : q.name,
      ...(q.toResource && q.toName
        ? {
            to: {
              namespace: q.toNamespace ?? q.namespace,
              type: singular(q.toResource),
              name: q.toName,
            },
          }
        : {}),
      ...(q.method ? { method: q.method } : {}),
      ...(q.authority ? { authority: q.authority } : {}),
      ...(q.path ? { pathPrefix: q.path } : {}),
      maxRps: q.maxRps ?? limits.defaultMaxRps,
    };
    open++;
    const abort = new AbortController();
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      open--;
      abort.abort();
    };
    res.on('close', release);
    const calls = new TapCalls();
    const stats: TapStats = { received: 0, dropped: 0, capPerSecond: limits.callsPerSecond };
    let windowStart = Date.now();
    let sent = 0;
    const relay = (call: TapCall) => {
      stats.received++;
      const now = Date.now();
      if (now - windowStart >= 1000) {
        windowStart = now;
        sent = 0;
      }
      // Past the viewer's cap, or while its connection has not taken what was sent: dropped.
      if (sent >= limits.callsPerSecond || res.writableLength > MAX_BUFFERED) {
        stats.dropped++;
        return;
      }
      sent++;
      sse(res, 'call', call);
    };
    try {
      await openTap(
        kc,
        spec,
        abort.signal,
        (event) => {
          for (const call of calls.push(event)) relay(call);
        },
        (err) => {
          if (!res.writableEnded && !res.destroyed) {
            sse(res, 'end', {
              reason: err
                ? `the tap stream failed: ${err.message}`
                : 'the tap stream ended upstream',
            });
            res.end();
          }
          release();
        },
      );
    } catch (err) {
      release();
      if (abort.signal.aborted && !(err instanceof TapError)) return;
      const failure = err instanceof TapError ? err.failure : 'unavailable';
      if (failure === 'unavailable') log.warn({ err }, 'tap failed');
      // The stream opens and says why there is no tap: a state of the cluster to explain, as
      // the tap component itself answers 200 with its error (the status is in the event).
      const { status, code } = FAILURE_STATUS[failure];
      res.writeHead(200, SSE_HEADERS);
      sse(res, 'problem', {
        code,
        status,
        message: err instanceof Error ? err.message : String(err),
      });
      res.end();
      return;
    }
    if (res.writableEnded) return;
    res.writeHead(200, SSE_HEADERS);
    sse(res, 'stats', stats);
    let last = '';
    const timer = setInterval(() => {
      const now = JSON.stringify(stats);
      // Stats when they change, else a comment: a quiet stream stays open through proxies.
      if (now !== last) sse(res, 'stats', stats);
      else res.write(': quiet\n\n');
      last = now;
    }, 1000);
    res.on('close', () => clearInterval(timer));
  });

  return router;
}
