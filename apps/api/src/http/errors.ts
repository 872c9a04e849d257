import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { BusyError, InputError, NotFoundError, UpstreamError } from '../model/errors';

function statusOf(err: unknown): { status: number; code: string } {
  if (err instanceof InputError) return { status: 400, code: 'bad_request' };
  if (err instanceof NotFoundError) return { status: 404, code: 'not_found' };
  if (err instanceof UpstreamError) return { status: 502, code: 'upstream_error' };
  if (err instanceof BusyError) return { status: 503, code: 'busy' };
  // body-parser and friends set a 4xx status on their own errors.
  const status = (err as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500)
    return { status, code: 'bad_request' };
  return { status: 500, code: 'internal_error' };
}

export function errorMiddleware(log: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    const { status, code } = statusOf(err);
    const message =
      status === 500 ? 'internal error' : err instanceof Error ? err.message : String(err);
    if (status === 500) log.error({ err }, 'request failed');
    res.status(status).json({ error: { code, message } });
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new NotFoundError(`no such API path: ${req.path}`));
};
