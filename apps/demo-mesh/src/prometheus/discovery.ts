import { vizTargetLabels } from '@meshviz/shared';
import type { Cluster, SimPod } from '../cluster/cluster';
import { CONTROL_PLANE_NS } from '../cluster/linkerd';

export interface SdTargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

/**
 * The targets linkerd-viz's `linkerd-proxy` scrape job keeps (Running or
 * Pending pods with a linkerd-admin port in the linkerd-proxy container and
 * `linkerd.io/control-plane-ns`), with the labels its relabelling produces
 * (mesh-facts §3): namespace, pod, the workload label from
 * `linkerd.io/proxy-<kind>` (`k8s_job` for jobs), and every other
 * `linkerd.io/<x>` label as `<x>`.
 */
export function targetsOf(pods: SimPod[], adminPort: number): SdTargetGroup[] {
  return pods
    .filter(
      (p) =>
        p.meshed &&
        p.phase === 'Running' &&
        p.labels['linkerd.io/control-plane-ns'] === CONTROL_PLANE_NS,
    )
    .map((p) => {
      const labels = vizTargetLabels(p.namespace, p.name, p.labels);
      return { targets: [`${p.ip}:${adminPort}`], labels };
    });
}

export function discoveryBody(cluster: Cluster, adminPort: number): SdTargetGroup[] {
  return targetsOf(cluster.runningPods(), adminPort);
}

/** A Prometheus config that scrapes the demo mesh as linkerd-viz's Prometheus scrapes a cluster. */
export function prometheusConfig(sdUrl: string, scrapeIntervalSeconds: number): string {
  return [
    'global:',
    `  scrape_interval: ${scrapeIntervalSeconds}s`,
    `  scrape_timeout: ${Math.max(1, Math.min(10, scrapeIntervalSeconds - 1))}s`,
    `  evaluation_interval: ${scrapeIntervalSeconds}s`,
    'scrape_configs:',
    '  - job_name: linkerd-proxy',
    '    metrics_path: /metrics',
    '    http_sd_configs:',
    `      - url: ${sdUrl}`,
    `        refresh_interval: ${scrapeIntervalSeconds}s`,
    '',
  ].join('\n');
}
