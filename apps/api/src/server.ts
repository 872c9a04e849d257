import type { Express } from 'express';
import type { Logger } from 'pino';
import { createApp } from './app';
import type { Config } from './config';
import express from 'express';
import { apiRoutes } from './http/api-routes';
import { DEFAULT_TAP_LIMITS, tapRoutes } from './http/tap-routes';
import { SelfMetrics } from './http/self-metrics';
import { noteQuery, untimed } from './http/server-timing';
import { CachingEngine } from './sources/metrics/caching-engine';
import type { MeshDeps } from './mesh/deps';
import { SnapshotCache } from './mesh/snapshot';
import { AppTrafficEngine } from './mesh/app-traffic';
import { PrometheusTargets } from './mesh/prometheus-targets';
import { scrapeTargets } from './model/workloads';
import { EmbeddedEngine } from './sources/metrics/embedded/engine';
import { Scraper, type ScrapeTarget } from './sources/metrics/embedded/scraper';
import { SharedAnswers } from './mesh/shared-answers';
import { SampleStore } from './sources/metrics/embedded/store';
import type { MetricsEngine } from './sources/metrics/engine';
import { PrometheusEngine } from './sources/metrics/prometheus-engine';
import { PrometheusClient } from './sources/prometheus/client';
import { Topology } from './sources/kubernetes/topology';
import { DEFAULT_LAYOUTS, Layouts } from './layout/layouts';

/** Scrape rounds before the startup log projects the engine's memory at full retention. */
const ESTIMATE_AFTER_ROUNDS = 6;

export interface MeshvizServer {
  app: Express;
  topology: Topology;
  engine: MetricsEngine;
  scraper: Scraper | undefined;
  start(): Promise<void>;
  stop(): void;
}

/** Wires the sources (Kubernetes, a metrics engine) to the mesh layer and the HTTP app. */
export function buildServer(config: Config, log: Logger): MeshvizServer {
  const kc = Topology.fromKubeconfig(
    config.kubeconfig,
    config.inCluster,
    config.serviceAccountRoot,
  );
  const topology = new Topology(kc, log.child({ source: 'kubernetes' }), config.linkerdNamespace);
  const snapshots = new SnapshotCache(topology, config.linkerdNamespace, config.clusterDomain);
  const selfMetrics = new SelfMetrics();
  let engine: MetricsEngine;
  let scraper: Scraper | undefined;
  let targets: PrometheusTargets | undefined;
  if (config.prometheusUrl) {
    engine = new PrometheusEngine(
      new PrometheusClient({ baseUrl: config.prometheusUrl, auth: config.prometheusAuth }),
      2 * config.scrapeInterval,
    );
    targets = new PrometheusTargets(engine, snapshots, log.child({ source: 'prometheus' }));
  } else {
    let rounds = 0;
    let targetsOf: { pods: unknown; targets: ScrapeTarget[] } = { pods: undefined, targets: [] };
    const store = new SampleStore(
      Math.ceil(config.retention / config.scrapeInterval) + 2,
      config.retention,
    );
    scraper = new Scraper({
      store,
      intervalSeconds: config.scrapeInterval,
      targets: () => {
        // One list per topology: the scraper asks every tick, and a new list means a change.
        const { pods } = snapshots.get();
        if (pods !== targetsOf.pods)
          targetsOf = { pods, targets: scrapeTargets(pods, config.linkerdNamespace) };
        return targetsOf.targets;
      },
      log: log.child({ source: 'scraper' }),
      onScrape: (ok, ms) => {
        selfMetrics.scrapes.inc({ result: ok ? 'ok' : 'error' });
        if (ok) selfMetrics.scrapeDuration.observe(ms / 1000);
      },
      onRound: () => {
        const stats = store.stats();
        selfMetrics.storedSeries.set(stats.series);
        selfMetrics.storedSamples.set(stats.samples);
        selfMetrics.storedBytes.set(stats.bytes);
        selfMetrics.projectedBytes.set(stats.projectedBytes);
        selfMetrics.bytesPerSample.set(stats.bytesPerSample);
        selfMetrics.scrapeTargets.set(stats.targets);
        // After a minute of scrapes the encoding's bytes per sample is known: project the retention.
        if (++rounds === ESTIMATE_AFTER_ROUNDS && stats.targets > 0) {
          const mib = (n: number) => (n / 1024 / 1024).toFixed(1);
          log.info(
            { ...stats },
            `embedded engine: ${stats.series} series from ${stats.targets} proxies at ${stats.bytesPerSample.toFixed(2)} bytes a sample; ${mib(stats.bytes)} MiB now, about ${mib(stats.projectedBytes)} MiB at ${config.retention} s retention (${store.samplesPerSeries} samples a series)`,
          );
        }
      },
    });
    engine = new EmbeddedEngine(store, config.scrapeInterval);
  }
  // Answers are reused for 2 s: many browsers polling one view cost the upstream one query.
  const kind = engine.kind;
  engine = new CachingEngine(engine, 2000, (query, seconds, ok) => {
    selfMetrics.upstreamDuration.observe({ engine: kind, query }, seconds);
    noteQuery(seconds * 1000);
    if (!ok) selfMetrics.upstreamErrors.inc({ engine: kind, query });
  });
  const deps: MeshDeps = {
    engine: new AppTrafficEngine(engine, () => snapshots.get().adminPorts),
    allTraffic: engine,
    topology,
    snapshots,
    proxyErrors: () => scraper?.errors() ?? targets?.errors() ?? [],
    // Pages share an answer for half a scrape interval (5 s at 10 s, Grafana's shortest
    // dashboard refresh), a slow one longer, up to the scrape interval: no proxy has more
    // than one newer sample by then. Recomputed more often, every whole-mesh answer outlives
    // the young generation each time it is replaced, and under many viewers polling every
    // 2 s that garbage set how far the heap ran between collections.
    answers: new SharedAnswers({
      minTtlMs: 500 * config.scrapeInterval,
      maxTtlMs: 1000 * config.scrapeInterval,
      detached: untimed,
    }),
  };
  const layouts = new Layouts(DEFAULT_LAYOUTS, {
    answered: (reused) => selfMetrics.layouts.inc({ result: reused ? 'kept' : 'laid_out' }),
    engine: (running) => selfMetrics.layoutEngine.set(running ? 1 : 0),
    inProgress: (n) => selfMetrics.layoutsInProgress.set(n),
  });
  const app = createApp({
    log,
    allowedHosts: config.allowedHosts,
    basePath: config.basePath,
    webDist: config.webDist,
    readiness: { notReady: () => topology.notReady() },
    selfMetrics,
    api: express
      .Router()
      .use(
        apiRoutes(
          deps,
          { minSeconds: engine.minWindowSeconds, maxSeconds: config.retention },
          layouts,
        ),
      )
      .use(
        tapRoutes(kc, log.child({ source: 'tap' }), {
          ...DEFAULT_TAP_LIMITS,
          maxStreams: config.tapMaxStreams,
          callsPerSecond: config.tapCallsPerSecond,
        }),
      ),
  });
  return {
    app,
    topology,
    engine,
    scraper,
    async start() {
      await topology.start();
      scraper?.start();
      targets?.start();
    },
    stop() {
      scraper?.stop();
      targets?.stop();
      topology.stop();
      selfMetrics.close();
      void layouts.close();
    },
  };
}
