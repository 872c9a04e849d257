import { WORKLOAD_KINDS } from '@meshviz/shared';

export { WORKLOAD_KINDS };
export type KnownWorkloadKind = (typeof WORKLOAD_KINDS)[number];
/**
 * A workload kind in URLs and answers: one Linkerd knows, or the lowercase
 * plural of another controller's kind (`rollouts` for an Argo Rollout).
 */
export type WorkloadKind = KnownWorkloadKind | (string & {});

export function isKnownKind(kind: string): kind is KnownWorkloadKind {
  return (WORKLOAD_KINDS as readonly string[]).includes(kind);
}

/** The URL kind of another controller's Kubernetes kind: `Rollout` -> `rollouts`. */
export function foreignKind(objectKind: string): string {
  return `${objectKind.toLowerCase()}s`;
}

/** The Prometheus label naming a pod's workload (mesh-facts §3: jobs are `k8s_job`). */
export const KIND_LABEL: Record<KnownWorkloadKind, string> = {
  deployments: 'deployment',
  statefulsets: 'statefulset',
  daemonsets: 'daemonset',
  jobs: 'k8s_job',
  cronjobs: 'cronjob',
  replicasets: 'replicaset',
  replicationcontrollers: 'replicationcontroller',
  pods: 'pod',
  // Not a pod label: the label a scrape job for external workloads' proxies gives them.
  externalworkloads: 'external_workload',
};

/** The outbound destination label for a workload kind (`dst_deployment`, `dst_k8s_job`, ...). */
export const DST_LABEL: Record<Exclude<KnownWorkloadKind, 'pods'>, string> = {
  deployments: 'dst_deployment',
  statefulsets: 'dst_statefulset',
  daemonsets: 'dst_daemonset',
  jobs: 'dst_k8s_job',
  cronjobs: 'dst_cronjob',
  replicasets: 'dst_replicaset',
  replicationcontrollers: 'dst_replicationcontroller',
  // The destination controller's `external_workload` metric label (linkerd2 endpoint translator).
  externalworkloads: 'dst_external_workload',
};

export const OWNER_KINDS = WORKLOAD_KINDS.filter(
  (k): k is Exclude<KnownWorkloadKind, 'pods'> => k !== 'pods',
);
export const SOURCE_LABELS = OWNER_KINDS.map((k) => KIND_LABEL[k]);
export const DST_LABELS = OWNER_KINDS.map((k) => DST_LABEL[k]);

const FROM_OBJECT_KIND: Record<string, KnownWorkloadKind> = {
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
  Job: 'jobs',
  CronJob: 'cronjobs',
  ReplicaSet: 'replicasets',
  ReplicationController: 'replicationcontrollers',
  Pod: 'pods',
  ExternalWorkload: 'externalworkloads',
};

export function kindOfObject(kind: string): KnownWorkloadKind | undefined {
  return FROM_OBJECT_KIND[kind];
}

/** The workload label a series of a pod's own proxy carries (before owners are resolved). */
export function sourceWorkload(
  labels: Record<string, string>,
): { kind: KnownWorkloadKind; name: string } | undefined {
  for (const kind of OWNER_KINDS) {
    const name = labels[KIND_LABEL[kind]];
    if (name) return { kind, name };
  }
  return undefined;
}

/** The destination workload label of an outbound series, from its `dst_<kind>` label. */
export function dstWorkload(
  labels: Record<string, string>,
): { kind: KnownWorkloadKind; name: string } | undefined {
  for (const kind of OWNER_KINDS) {
    const name = labels[DST_LABEL[kind]];
    if (name) return { kind, name };
  }
  return undefined;
}

/** The Kubernetes kind of a URL kind (`deployments` -> `Deployment`), for messages. */
const KNOWN_OBJECT_KIND: Record<KnownWorkloadKind, string> = {
  deployments: 'Deployment',
  statefulsets: 'StatefulSet',
  daemonsets: 'DaemonSet',
  jobs: 'Job',
  cronjobs: 'CronJob',
  replicasets: 'ReplicaSet',
  replicationcontrollers: 'ReplicationController',
  pods: 'Pod',
  externalworkloads: 'ExternalWorkload',
};

/** The Kubernetes kind of a URL kind (`deployments` -> `Deployment`, `rollouts` -> `Rollout`), for messages. */
export function objectKind(kind: WorkloadKind): string {
  if (isKnownKind(kind)) return KNOWN_OBJECT_KIND[kind];
  const singular = kind.endsWith('s') ? kind.slice(0, -1) : kind;
  return singular.charAt(0).toUpperCase() + singular.slice(1);
}
