import express, { Router, type Request } from 'express';
import { z } from 'zod';
import {
  k8sNameSchema,
  layoutInputSchema,
  windowSchema,
  type GraphResponse,
  type WindowBounds,
} from '@meshviz/shared';
import { graphView } from '../mesh/graph';
import type { MeshDeps } from '../mesh/deps';
import { mtlsView } from '../mesh/mtls';
import { namespacesView } from '../mesh/namespaces';
import { parseServiceRef, routesView } from '../mesh/routes';
import { timeseriesView, type TimeseriesSubject } from '../mesh/timeseries';
import { workloadDetailView } from '../mesh/workload-detail';
import { workloadsView } from '../mesh/workloads';
import { controlPlaneView } from '../mesh/control-plane';
import { egressView } from '../mesh/egress';
import { findingsView } from '../mesh/findings';
import { policyView, workloadAccessView } from '../mesh/policy';
import { serviceConfigView } from '../mesh/service-config';
import { WORKLOAD_KINDS } from '../model/kinds';
import { InputError } from '../model/errors';
import type { Layouts } from '../layout/layouts';
import { COLLAPSE_FROM, layoutInputOf } from '@meshviz/shared/graph-layout';
import { sendJson } from './send-json';

/** Parses `req.query` with a schema; a failure is a 400 naming each bad parameter. */
function parseQuery<T extends z.ZodType>(schema: T, req: Request): z.infer<T> {
  const result = schema.safeParse(req.query);
  if (!result.success) {
    throw new InputError(
      result.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '),
    );
  }
  return result.data;
}

function parseParam<T extends z.ZodType>(schema: T, value: unknown, name: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new InputError(`${name}: ${result.error.issues[0]?.message ?? 'invalid'}`);
  return result.data;
}

export function apiRoutes(deps: MeshDeps, bounds: WindowBounds, layouts: Layouts): Router {
  const router = Router();
  /**
   * A workload kind: one Linkerd knows, or another controller's (`rollouts`)
   * that owns pods in this cluster now. Anything else is a 400 naming the kinds.
   */
  const workloadKind = z.string().superRefine((kind, ctx) => {
    if ((WORKLOAD_KINDS as readonly string[]).includes(kind)) return;
    const { pods } = deps.snapshots.get();
    if (/^[a-z][a-z0-9]{0,62}$/.test(kind) && pods.some((p) => p.workload.kind === kind)) return;
    const foreign = [...new Set(pods.map((p) => p.workload.kind))].filter(
      (k) => !(WORKLOAD_KINDS as readonly string[]).includes(k),
    );
    ctx.addIssue({
      code: 'custom',
      message: `not a workload kind: choose one of ${[...WORKLOAD_KINDS, ...foreign].join(', ')}`,
    });
  });
  const kindSchema = z.union([z.literal('services'), workloadKind]);
  const window = windowSchema(bounds);
  const single = <T extends z.ZodType>(s: T) =>
    z.preprocess((v) => (Array.isArray(v) ? Symbol('repeated') : v), s);

  // Query schemas are built once: a zod object schema compiles its parser on first use, so
  // one built per request cost every request that compilation (and its garbage).
  const windowOnly = z.object({ window: single(window) });
  const workloadsQuery = z.object({
    window: single(window),
    kind: single(kindSchema.optional()),
  });

  router.get('/namespaces', async (req, res) => {
    const q = parseQuery(windowOnly, req);
    sendJson(res, await namespacesView(deps, q.window));
  });

  router.get('/namespaces/:ns/workloads', async (req, res) => {
    const ns = parseParam(k8sNameSchema, req.params.ns, 'namespace');
    const q = parseQuery(workloadsQuery, req);
    sendJson(res, await workloadsView(deps, ns, q.kind, q.window));
  });

  router.get('/namespaces/:ns/policy', async (req, res) => {
    const ns = parseParam(k8sNameSchema, req.params.ns, 'namespace');
    const q = parseQuery(windowOnly, req);
    sendJson(
      res,
      await deps.answers.get('policy', [ns, q.window], () => policyView(deps, ns, q.window)),
    );
  });

  router.get('/namespaces/:ns/services/:name/config', (req, res) => {
    const ns = parseParam(k8sNameSchema, req.params.ns, 'namespace');
    const name = parseParam(k8sNameSchema, req.params.name, 'name');
    sendJson(res, serviceConfigView(deps, ns, name));
  });

  router.get('/namespaces/:ns/:kind/:name/access', (req, res) => {
    const ns = parseParam(k8sNameSchema, req.params.ns, 'namespace');
    const kind = parseParam(workloadKind, req.params.kind, 'kind');
    const name = parseParam(k8sNameSchema, req.params.name, 'name');
    sendJson(res, workloadAccessView(deps, { namespace: ns, kind, name }));
  });

  router.get('/findings', async (req, res) => {
    const q = parseQuery(windowOnly, req);
    sendJson(
      res,
      await deps.answers.get('findings', [q.window], () => findingsView(deps, q.window)),
    );
  });

  router.get('/control-plane', (_req, res) => {
    sendJson(res, controlPlaneView(deps));
  });

  router.get('/namespaces/:ns/:kind/:name', async (req, res) => {
    const ns = parseParam(k8sNameSchema, req.params.ns, 'namespace');
    const kind = parseParam(workloadKind, req.params.kind, 'kind');
    const name = parseParam(k8sNameSchema, req.params.name, 'name');
    const q = parseQuery(windowOnly, req);
    sendJson(
      res,
      await deps.answers.get('workload', [ns, kind, name, q.window], () =>
        workloadDetailView(deps, ns, kind, name, q.window),
      ),
    );
  });

  /** Query parameters naming one workload, for routes and time series. */
  const workloadQuery = {
    window: single(window),
    namespace: single(k8sNameSchema),
    kind: single(workloadKind),
    name: single(k8sNameSchema),
  };

  const routesQuery = z.object({
    ...workloadQuery,
    to: single(z.string().max(300).optional()),
  });
  const timeseriesQuery = z.object({
    ...workloadQuery,
    peer: single(z.string().max(300).optional()),
    to: single(z.string().max(300).optional()),
    route: single(z.string().max(300).optional()),
  });

  router.get('/routes', async (req, res) => {
    const q = parseQuery(routesQuery, req);
    const to = q.to === undefined ? undefined : parseServiceRef(q.to);
    sendJson(
      res,
      await routesView(deps, { namespace: q.namespace, kind: q.kind, name: q.name }, to, q.window),
    );
  });

  router.get('/timeseries', async (req, res) => {
    const q = parseQuery(timeseriesQuery, req);
    const base = { namespace: q.namespace, workloadKind: q.kind, name: q.name };
    let subject: TimeseriesSubject;
    if (q.route !== undefined) {
      // Without `to`, the workload's own inbound route; with it, its calls to that service.
      const service = q.to === undefined ? undefined : parseServiceRef(q.to);
      subject = { kind: 'route', ...base, service, route: q.route };
    } else if (q.peer !== undefined) {
      const m = /^([a-z0-9][-a-z0-9]*)\/([a-z]+)\/([a-z0-9][-a-z0-9.]*)$/.exec(q.peer);
      const kind = m?.[2] && workloadKind.safeParse(m[2]).success ? m[2] : undefined;
      if (!m?.[1] || !m[3] || !kind || kind === 'pods')
        throw new InputError(
          'peer: must be namespace/kind/name, e.g. emojivoto/deployments/voting',
        );
      subject = { kind: 'edge', ...base, peer: { namespace: m[1], kind, name: m[3] } };
    } else {
      subject = { kind: 'workload', ...base };
    }
    sendJson(
      res,
      await deps.answers.get('timeseries', [subject, q.window], () =>
        timeseriesView(deps, subject, q.window),
      ),
    );
  });

  router.get('/mtls', async (req, res) => {
    const q = parseQuery(windowOnly, req);
    sendJson(res, await deps.answers.get('mtls', [q.window], () => mtlsView(deps, q.window)));
  });

  router.get('/egress', async (req, res) => {
    const q = parseQuery(windowOnly, req);
    sendJson(res, await deps.answers.get('egress', [q.window], () => egressView(deps, q.window)));
  });

  const graphQuery = z.object({
    window: single(window),
    namespaces: single(
      z
        .string()
        .max(4096)
        .default('all')
        .transform((v, ctx) => {
          if (v === 'all') return 'all' as const;
          const names = v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean);
          for (const n of names) {
            if (!k8sNameSchema.safeParse(n).success) {
              ctx.addIssue({
                code: 'custom',
                message: `${JSON.stringify(n.slice(0, 80))} is not a namespace name`,
              });
              return z.NEVER;
            }
          }
          return names;
        }),
    ),
  });

  router.get('/graph', async (req, res) => {
    const q = parseQuery(graphQuery, req);
    // Whoever asks for a graph will want it laid out: start the engine now.
    layouts.warm();
    const answer = await graphView(deps, q.namespaces, q.window);
    sendJson(res, answer);
    prepareLayout(answer, q.namespaces === 'all' || q.namespaces.length !== 1);
  });

  /**
   * Lays out the drawing a browser opens for a graph answer (namespace boxes
   * unless one namespace is shown, nothing collapsed), while the answer is on
   * its way to it: its layout request then finds the result kept. Once per
   * answer (answers are shared between viewers for a refresh), and only for
   * graphs whose drawing does not change with every refresh: dense ones are
   * laid out by their busiest calls, which move with the rates, and large
   * ones open collapsed.
   */
  const prepared = new WeakSet<object>();
  const prepareLayout = (answer: GraphResponse, grouped: boolean) => {
    if (prepared.has(answer)) return;
    prepared.add(answer);
    const n = answer.nodes.length;
    if (n === 0 || n > COLLAPSE_FROM || answer.edges.length > 3 * n) return;
    layouts.prepare(layoutInputOf(answer.nodes, answer.edges, grouped));
  };

  // The layout of a graph the browser built from a graph answer (collapsed namespaces and
  // all), from the API's one warm engine; the same graph is laid out once for every viewer.
  router.post('/layout', express.json({ limit: '16mb' }), async (req, res) => {
    const input = layoutInputSchema.safeParse(req.body);
    if (!input.success)
      throw new InputError(
        input.error.issues
          .slice(0, 3)
          .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
          .join('; '),
      );
    const began = performance.now();
    const answer = await layouts.layout(input.data);
    // The engine's share of the wait, for the browser's resource timing.
    res.setHeader(
      'Server-Timing',
      `layout;dur=${(performance.now() - began).toFixed(1)};desc="${answer.reused ? 'kept' : 'laid out'}"`,
    );
    res.json(answer);
  });

  return router;
}
