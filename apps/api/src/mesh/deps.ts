import type { MetricsEngine } from '../sources/metrics/engine';
import type { SharedAnswers } from './shared-answers';
import type { SnapshotCache, TopologyReader } from './snapshot';

export interface MeshDeps {
  /** The application's traffic: what the proxies count of their admin servers is left out. */
  engine: MetricsEngine;
  /** Every series as the proxies wrote it, admin traffic included: for views about scrapes. */
  allTraffic: MetricsEngine;
  topology: TopologyReader;
  snapshots: SnapshotCache;
  /** Proxies the embedded engine could not scrape (empty in Prometheus mode). */
  proxyErrors: () => string[];
  /** Answers shared by pages and viewers within one refresh. */
  answers: SharedAnswers;
}

export const QUANTILES = [0.5, 0.95, 0.99];
