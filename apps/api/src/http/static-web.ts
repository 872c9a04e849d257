import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Router } from 'express';

/**
 * Serves the built SPA. Any GET that is not an API path and not a file gets
 * index.html, so client-side routes survive a reload. The SPA is built with
 * relative asset URLs; a `<base href>` naming the base path makes them, the
 * router and the API calls resolve under a sub-path too.
 */
export function staticWeb(webDist: string, basePath: string): Router {
  const router = express.Router();
  const indexPath = join(webDist, 'index.html');
  let indexHtml: string | undefined;
  router.use(express.static(webDist, { index: false, maxAge: '1h' }));
  router.get(/^\/(?!api\/|healthz$|readyz$|metrics$).*/, (_req, res) => {
    if (indexHtml === undefined && existsSync(indexPath)) {
      indexHtml = readFileSync(indexPath, 'utf8').replace(
        '<head>',
        `<head><base href="${basePath}/" />`,
      );
    }
    if (indexHtml === undefined) {
      res
        .status(503)
        .type('text/plain')
        .send('The web app is not built: run `npm run build` (npm start does it for you).');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(indexHtml);
  });
  return router;
}
