import type { MetricsEngine } from '../sources/metrics/engine';
import type { SnapshotCache, TopologyReader } from './snapshot';

export interface MeshDeps {
  engine: MetricsEngine;
  topology: TopologyReader;
  snapshots: SnapshotCache;
  /** Proxies the embedded engine could not scrape (empty in Prometheus mode). */
  proxyErrors: () => string[];
}

export const QUANTILES = [0.5, 0.95, 0.99];
