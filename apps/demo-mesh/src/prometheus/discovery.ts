import type { Cluster, SimPod } from '../cluster/cluster';
import { CONTROL_PLANE_NS } from '../cluster/linkerd';

export interface SdTargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

/** Prometheus label name from a pod label suffix (`control-plane-ns` -> `control_plane_ns`). */
function promLabel(name: string): string {
  return name.replace(/[-./]/g, '_');
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
      const labels: Record<string, string> = { namespace: p.namespace, pod: p.name };
      for (const [k, v] of Object.entries(p.labels)) {
        if (!k.startsWith('linkerd.io/')) continue;
        const rest = k.slice('linkerd.io/'.length);
        if (rest.startsWith('proxy-')) {
          const kind = rest.slice('proxy-'.length);
          labels[kind === 'job' ? 'k8s_job' : promLabel(kind)] = v;
        } else {
          labels[promLabel(rest)] = v;
        }
      }
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
