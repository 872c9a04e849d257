import { Router } from 'express';
import type { Health } from '@meshviz/shared';
import { VERSION } from '../version';

export interface Readiness {
  /** Why the API cannot answer yet, or an empty list when it can. */
  notReady(): string[];
}

export function healthRouter(readiness: Readiness): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    const body: Health = { status: 'ok', version: VERSION };
    res.json(body);
  });
  router.get('/readyz', (_req, res) => {
    const reasons = readiness.notReady();
    res.status(reasons.length === 0 ? 200 : 503).json({ ready: reasons.length === 0, reasons });
  });
  return router;
}
