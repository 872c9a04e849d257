import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestHandler, Response } from 'express';

interface Timing {
  began: number;
  queries: number;
  slowestMs: number;
  /** The header is written: what ends later was not waited for. */
  sent?: boolean;
}

const current = new AsyncLocalStorage<Timing>();

/**
 * Notes a metrics query's time against the answer being computed for the
 * request it runs under, if any. A query shared with an answer already under
 * way, or reused from the cache, is not this answer's: it is not noted.
 */
export function noteQuery(ms: number): void {
  const timing = current.getStore();
  if (!timing || timing.sent) return;
  timing.queries++;
  if (ms > timing.slowestMs) timing.slowestMs = ms;
}

/** Runs `fn` outside any request's timing: work that no answer waits for. */
export function untimed(fn: () => void): void {
  current.exit(fn);
}

/** The `Server-Timing` value (W3C Server Timing) of an answer so far. */
export function serverTimingHeader(timing: Timing, now = performance.now()): string {
  const answer = `answer;dur=${(now - timing.began).toFixed(1)};desc="meshviz answer"`;
  if (timing.queries === 0) return answer;
  const desc =
    timing.queries === 1 ? 'its metrics query' : `slowest of ${timing.queries} metrics queries`;
  return `${answer}, query;dur=${timing.slowestMs.toFixed(1)};desc="${desc}"`;
}

/**
 * Times each answer and its slowest metrics query (Prometheus's, or the
 * embedded engine's), and sends both as a `Server-Timing` header, which a
 * browser's developer tools show beside the request: whether a slow page
 * waited on its metrics or on meshviz.
 */
export function serverTiming(): RequestHandler {
  return (_req, res, next) => {
    const timing: Timing = { began: performance.now(), queries: 0, slowestMs: 0 };
    const writeHead = res.writeHead;
    res.writeHead = function (this: Response, ...args: unknown[]) {
      if (!this.headersSent) {
        // After any entry the route wrote of its own (the graph layout's).
        const own = this.getHeader('Server-Timing');
        const ours = serverTimingHeader(timing);
        this.setHeader('Server-Timing', own ? `${String(own)}, ${ours}` : ours);
      }
      timing.sent = true;
      return (writeHead as (...a: unknown[]) => Response).apply(this, args);
    } as Response['writeHead'];
    current.run(timing, next);
  };
}
