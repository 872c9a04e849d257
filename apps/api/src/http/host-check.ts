import type { RequestHandler } from 'express';

/**
 * DNS-rebinding protection: a page on another origin that resolves its own
 * name to 127.0.0.1 still sends its own Host header, which does not match.
 */
export function hostCheck(allowed: RegExp): RequestHandler {
  return (req, res, next) => {
    const host = req.headers.host ?? '';
    if (allowed.test(host)) {
      next();
      return;
    }
    res.status(403).json({
      error: {
        code: 'forbidden_host',
        message: `Host header ${JSON.stringify(host)} is not allowed`,
      },
    });
  };
}
