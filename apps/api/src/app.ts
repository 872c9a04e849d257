import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { errorMiddleware, notFoundHandler } from './http/errors';
import { healthRouter, type Readiness } from './http/health';
import { hostCheck } from './http/host-check';
import { requestLog } from './http/request-log';
import { serverTiming } from './http/server-timing';
import type { SelfMetrics } from './http/self-metrics';
import { staticWeb } from './http/static-web';

export interface AppOptions {
  log: Logger;
  /** The `/api/v1` routes; absent in tests of the shell alone. */
  api?: express.Router;
  selfMetrics?: SelfMetrics;
  allowedHosts: RegExp;
  basePath: string;
  webDist: string;
  readiness: Readiness;
}

/** Builds the HTTP app; listening is the caller's business (see main.ts). */
export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(
    helmet({
      // Served over plain HTTP on localhost or behind a port-forward; TLS and HSTS belong to an ingress.
      strictTransportSecurity: false,
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          // react-flow and recharts set inline style attributes.
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          connectSrc: ["'self'"],
          workerSrc: ["'self'", 'blob:'],
          fontSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          frameAncestors: ["'none'"],
          formAction: ["'none'"],
        },
      },
    }),
  );
  // Requests are logged at debug; failures stand out at warn and error.
  app.use(requestLog(options.log));

  const root = express.Router();
  if (options.selfMetrics) {
    root.use(options.selfMetrics.middleware());
    root.use(options.selfMetrics.router());
  }
  // Probes and scrapes come from the kubelet and Prometheus with whatever Host they
  // use (a pod IP); the Host check guards what a browser reaches: the UI and the API.
  root.use(healthRouter(options.readiness));
  root.use(hostCheck(options.allowedHosts));
  const api = express.Router();
  api.use(serverTiming());
  if (options.api) api.use(options.api);
  api.use(notFoundHandler);
  root.use('/api/v1', api);
  root.use(staticWeb(options.webDist, options.basePath));

  app.use(options.basePath || '/', root);
  app.use(errorMiddleware(options.log));
  return app;
}
