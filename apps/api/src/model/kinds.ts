import { WORKLOAD_KINDS } from '@meshviz/shared';

export { WORKLOAD_KINDS };
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** The Prometheus label naming a pod's workload (mesh-facts §3: jobs are `k8s_job`). */
export const KIND_LABEL: Record<WorkloadKind, string> = {
  deployments: 'deployment',
  statefulsets: 'statefulset',
  daemonsets: 'daemonset',
  jobs: 'k8s_job',
  cronjobs: 'cronjob',
  replicasets: 'replicaset',
  replicationcontrollers: 'replicationcontroller',
  pods: 'pod',
};

/** The outbound destination label for a workload kind (`dst_deployment`, `dst_k8s_job`, ...). */
export const DST_LABEL: Record<Exclude<WorkloadKind, 'pods'>, string> = {
  deployments: 'dst_deployment',
  statefulsets: 'dst_statefulset',
  daemonsets: 'dst_daemonset',
  jobs: 'dst_k8s_job',
  cronjobs: 'dst_cronjob',
  replicasets: 'dst_replicaset',
  replicationcontrollers: 'dst_replicationcontroller',
};

export const OWNER_KINDS = WORKLOAD_KINDS.filter(
  (k): k is Exclude<WorkloadKind, 'pods'> => k !== 'pods',
);
export const SOURCE_LABELS = OWNER_KINDS.map((k) => KIND_LABEL[k]);
export const DST_LABELS = OWNER_KINDS.map((k) => DST_LABEL[k]);

const FROM_OBJECT_KIND: Record<string, WorkloadKind> = {
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
  Job: 'jobs',
  CronJob: 'cronjobs',
  ReplicaSet: 'replicasets',
  ReplicationController: 'replicationcontrollers',
  Pod: 'pods',
};

export function kindOfObject(kind: string): WorkloadKind | undefined {
  return FROM_OBJECT_KIND[kind];
}

/** The workload a series of a pod's own proxy belongs to, from its one workload label. */
export function sourceWorkload(
  labels: Record<string, string>,
): { kind: WorkloadKind; name: string } | undefined {
  for (const kind of OWNER_KINDS) {
    const name = labels[KIND_LABEL[kind]];
    if (name) return { kind, name };
  }
  return undefined;
}

/** The destination workload of an outbound series, from its `dst_<kind>` label. */
export function dstWorkload(
  labels: Record<string, string>,
): { kind: WorkloadKind; name: string } | undefined {
  for (const kind of OWNER_KINDS) {
    const name = labels[DST_LABEL[kind]];
    if (name) return { kind, name };
  }
  return undefined;
}

/** The Kubernetes kind of a URL kind (`deployments` -> `Deployment`), for messages. */
export const OBJECT_KIND: Record<WorkloadKind, string> = {
  deployments: 'Deployment',
  statefulsets: 'StatefulSet',
  daemonsets: 'DaemonSet',
  jobs: 'Job',
  cronjobs: 'CronJob',
  replicasets: 'ReplicaSet',
  replicationcontrollers: 'ReplicationController',
  pods: 'Pod',
};
