import type { Cluster } from '../cluster/cluster';
import { CONTROL_PLANE_NS } from '../cluster/linkerd';
import { resourceForKind } from '../kube/resources';
import type { KubeObject } from '../kube/types';

export interface SdTargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

interface PodObject extends KubeObject {
  spec?: {
    nodeName?: string;
    containers?: {
      name: string;
      ports?: { name?: string; containerPort: number; protocol?: string }[];
    }[];
  };
  status?: {
    phase?: string;
    podIP?: string;
    hostIP?: string;
    conditions?: { type: string; status: string }[];
  };
}

/** Prometheus turns every character of a label name outside `[a-zA-Z0-9_]` into `_`. */
const labelName = (s: string) => s.replace(/[^a-zA-Z0-9_]/g, '_');

/**
 * What Prometheus's `kubernetes_sd_configs` with `role: pod` discovers: one
 * target per container port of every pod, with the `__meta_kubernetes_pod_*`
 * labels kubernetes_sd sets. Debian's Prometheus lacks kubernetes_sd, so the
 * demo serves the same target groups over http_sd, and the scrape job's own
 * relabel rules (below, from the linkerd-viz chart) decide what is kept.
 */
export function podTargets(pods: PodObject[]): SdTargetGroup[] {
  const groups: SdTargetGroup[] = [];
  for (const pod of pods) {
    const ip = pod.status?.podIP;
    if (!ip) continue;
    const common: Record<string, string> = {
      __meta_kubernetes_namespace: pod.metadata.namespace ?? '',
      __meta_kubernetes_pod_name: pod.metadata.name,
      __meta_kubernetes_pod_uid: pod.metadata.uid ?? '',
      __meta_kubernetes_pod_ip: ip,
      __meta_kubernetes_pod_phase: pod.status?.phase ?? '',
      __meta_kubernetes_pod_node_name: pod.spec?.nodeName ?? '',
      __meta_kubernetes_pod_host_ip: pod.status?.hostIP ?? '',
      __meta_kubernetes_pod_ready: String(
        pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
      ),
    };
    for (const [k, v] of Object.entries(pod.metadata.labels ?? {})) {
      common[`__meta_kubernetes_pod_label_${labelName(k)}`] = v;
      common[`__meta_kubernetes_pod_labelpresent_${labelName(k)}`] = 'true';
    }
    for (const [k, v] of Object.entries(pod.metadata.annotations ?? {})) {
      common[`__meta_kubernetes_pod_annotation_${labelName(k)}`] = v;
      common[`__meta_kubernetes_pod_annotationpresent_${labelName(k)}`] = 'true';
    }
    const controller = pod.metadata.ownerReferences?.find((r) => r.controller);
    if (controller) {
      common.__meta_kubernetes_pod_controller_kind = controller.kind;
      common.__meta_kubernetes_pod_controller_name = controller.name;
    }
    for (const c of pod.spec?.containers ?? []) {
      for (const p of c.ports ?? []) {
        groups.push({
          targets: [`${ip}:${p.containerPort}`],
          labels: {
            ...common,
            __meta_kubernetes_pod_container_name: c.name,
            __meta_kubernetes_pod_container_port_name: p.name ?? '',
            __meta_kubernetes_pod_container_port_number: String(p.containerPort),
            __meta_kubernetes_pod_container_port_protocol: p.protocol ?? 'TCP',
          },
        });
      }
    }
  }
  return groups;
}

export function discoveryBody(cluster: Cluster): SdTargetGroup[] {
  const pods = resourceForKind('v1', 'Pod');
  return pods ? podTargets(cluster.store.list(pods) as PodObject[]) : [];
}

/**
 * The `linkerd-proxy` job's relabel rules as the linkerd-viz chart writes
 * them (`viz/charts/linkerd-viz/templates/prometheus.yaml`), for a control
 * plane in `linkerd` and the proxy container `linkerd-proxy`.
 */
const LINKERD_PROXY_RELABEL = `    relabel_configs:
    - source_labels: [__meta_kubernetes_pod_phase]
      regex: (Pending|Running)
      action: keep
    - source_labels:
      - __meta_kubernetes_pod_container_name
      - __meta_kubernetes_pod_container_port_name
      - __meta_kubernetes_pod_label_linkerd_io_control_plane_ns
      action: keep
      regex: ^linkerd-proxy;linkerd-admin;${CONTROL_PLANE_NS}$
    - source_labels: [__meta_kubernetes_namespace]
      action: replace
      target_label: namespace
    - source_labels: [__meta_kubernetes_pod_name]
      action: replace
      target_label: pod
    - source_labels: [__meta_kubernetes_pod_label_linkerd_io_proxy_job]
      action: replace
      target_label: k8s_job
    - action: labeldrop
      regex: __meta_kubernetes_pod_label_linkerd_io_proxy_job
    - action: labelmap
      regex: __meta_kubernetes_pod_label_linkerd_io_proxy_(.+)
    - action: labeldrop
      regex: __meta_kubernetes_pod_label_linkerd_io_proxy_(.+)
    - action: labelmap
      regex: __meta_kubernetes_pod_label_linkerd_io_(.+)
    - action: labelmap
      regex: __meta_kubernetes_pod_label_(.+)
      replacement: __tmp_pod_label_$1
    - action: labelmap
      regex: __tmp_pod_label_linkerd_io_(.+)
      replacement:  __tmp_pod_label_$1
    - action: labeldrop
      regex: __tmp_pod_label_linkerd_io_(.+)
    - action: labelmap
      regex: __tmp_pod_label_(.+)
`;

/**
 * A Prometheus config that scrapes the demo mesh as linkerd-viz's Prometheus
 * scrapes a cluster, plus the job an operator adds for external workloads'
 * proxies (kubernetes_sd finds no pod for a VM): their admin addresses, labelled
 * with the namespace and the `external_workload` name.
 */
export function prometheusConfig(
  sdUrl: string,
  scrapeIntervalSeconds: number,
  externalWorkloads: { namespace: string; name: string; address: string }[] = [],
): string {
  const external = externalWorkloads.length
    ? [
        '  - job_name: linkerd-external-workloads',
        '    metrics_path: /metrics',
        '    static_configs:',
        ...externalWorkloads.flatMap((w) => [
          `      - targets: ['${w.address}']`,
          `        labels: { namespace: ${w.namespace}, external_workload: ${w.name} }`,
        ]),
      ]
    : [];
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
    LINKERD_PROXY_RELABEL,
    ...external,
  ].join('\n');
}
