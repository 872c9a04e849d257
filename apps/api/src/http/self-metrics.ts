import { constants, PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RequestHandler, Router } from 'express';
import express from 'express';

/** meshviz's own metrics, served at /metrics for whoever monitors meshviz. */
export class SelfMetrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'meshviz_http_request_duration_seconds',
    help: 'Time to answer HTTP requests.',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly upstreamDuration = new Histogram({
    name: 'meshviz_upstream_query_duration_seconds',
    help: 'Time metrics engine queries took.',
    labelNames: ['engine', 'query'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15],
    registers: [this.registry],
  });
  readonly upstreamErrors = new Counter({
    name: 'meshviz_upstream_query_errors_total',
    help: 'Metrics engine queries that failed.',
    labelNames: ['engine', 'query'],
    registers: [this.registry],
  });
  readonly scrapes = new Counter({
    name: 'meshviz_scrapes_total',
    help: 'Proxy scrapes by the embedded engine, by result.',
    labelNames: ['result'],
    registers: [this.registry],
  });
  readonly scrapeDuration = new Histogram({
    name: 'meshviz_scrape_duration_seconds',
    help: 'Time proxy scrapes took.',
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [this.registry],
  });
  readonly storedSeries = new Gauge({
    name: 'meshviz_embedded_series',
    help: 'Series held by the embedded engine.',
    registers: [this.registry],
  });
  readonly storedSamples = new Gauge({
    name: 'meshviz_embedded_samples',
    help: 'Samples held by the embedded engine.',
    registers: [this.registry],
  });
  readonly storedBytes = new Gauge({
    name: 'meshviz_embedded_bytes',
    help: 'Bytes the embedded engine holds: encoded samples, series, raw-series tables, time rings.',
    registers: [this.registry],
  });
  readonly projectedBytes = new Gauge({
    name: 'meshviz_embedded_projected_bytes',
    help: 'Bytes the embedded engine will hold once every series has its full retention, at the current series count and encoding.',
    registers: [this.registry],
  });
  readonly bytesPerSample = new Gauge({
    name: 'meshviz_embedded_bytes_per_sample',
    help: 'Encoded bytes per stored sample.',
    registers: [this.registry],
  });
  readonly scrapeTargets = new Gauge({
    name: 'meshviz_embedded_targets',
    help: 'Proxies the embedded engine scrapes.',
    registers: [this.registry],
  });

  readonly layouts = new Counter({
    name: 'meshviz_graph_layouts_total',
    help: 'Graph layouts answered, by whether the engine laid the graph out or a kept layout served.',
    labelNames: ['result'],
    registers: [this.registry],
  });
  readonly layoutEngine = new Gauge({
    name: 'meshviz_graph_layout_engine_running',
    help: "1 while the graph layout engine's thread runs (about 110 MiB), 0 before and after it idles out.",
    registers: [this.registry],
  });
  readonly layoutsInProgress = new Gauge({
    name: 'meshviz_graph_layouts_in_progress',
    help: "Layouts the engine's thread is doing or has waiting, its warm-up practice included: meanwhile it takes a core.",
    registers: [this.registry],
  });

  /**
   * What the process's objects keep: the heap in use just after a full
   * collection, set at each. The heap in use at any other moment also holds
   * garbage not yet collected, so only this one says whether memory is kept.
   */
  readonly liveHeap = new Gauge({
    name: 'meshviz_heap_live_bytes',
    help: 'V8 heap in use just after the last full (mark-compact) collection.',
    registers: [this.registry],
  });
  readonly fullCollections = new Counter({
    name: 'meshviz_heap_full_collections_total',
    help: 'Full (mark-compact) collections of the V8 heap.',
    registers: [this.registry],
  });
  private readonly collections = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
      if (kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue;
      this.fullCollections.inc();
      this.liveHeap.set(getHeapStatistics().used_heap_size);
    }
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'meshviz_' });
    this.collections.observe({ entryTypes: ['gc'] });
  }

  /** Stops watching collections (a server that is closing). */
  close(): void {
    this.collections.disconnect();
  }

  middleware(): RequestHandler {
    return (req, res, next) => {
      const end = this.httpDuration.startTimer({ method: req.method });
      res.on('finish', () => {
        // The matched route pattern, never the raw path: label values stay few.
        const route = (req.route as { path?: string } | undefined)?.path;
        end({ route: route ? `${req.baseUrl}${route}` : 'other', status: String(res.statusCode) });
      });
      next();
    };
  }

  router(): Router {
    const r = express.Router();
    r.get('/metrics', async (_req, res) => {
      res.type(this.registry.contentType).send(await this.registry.metrics());
    });
    return r;
  }
}
