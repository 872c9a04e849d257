import type { KubeObject } from '../kube/types';
import type { Rng } from '../rng';
import type { WorkloadSpec } from '../scenarios/types';
import type { SimPod, WorkloadRuntime } from './cluster';
import { iso, ownerRef } from './objects';

/**
 * How each controller kind makes its objects and its pods, as its
 * Kubernetes controller would: a Deployment through a ReplicaSet, an Argo
 * Rollout through one ReplicaSet per revision, a StatefulSet with ordinal
 * names, a DaemonSet one pod per node, a Job its parallel pods.
 */
export interface ControllerContext {
  put(obj: KubeObject): KubeObject;
  readonly rng: Rng;
  past(hoursAgo: number): number;
  readonly nodeNames: readonly string[];
  startPod(
    runtime: WorkloadRuntime,
    name: string,
    owner: KubeObject,
    startedAt: number,
    extraLabels?: Record<string, string>,
    node?: string,
  ): SimPod;
}

/** What every controller starts from: its runtime, object skeleton and pod template. */
export interface MadeWorkload {
  runtime: WorkloadRuntime;
  base: KubeObject;
  template: {
    metadata: { labels: Record<string, string>; annotations: Record<string, string> };
    spec: unknown;
  };
  selector: Record<string, string>;
  replicas: number;
  created: number;
}

/** Creates a Deployment and its pods. */
export function startDeployment(ctx: ControllerContext, w: WorkloadSpec, made: MadeWorkload): void {
  const { runtime, base, template, selector, replicas, created } = made;
  runtime.templateHash = ctx.rng.suffix(10);
  runtime.object = ctx.put({
    ...base,
    metadata: { ...base.metadata, annotations: { 'deployment.kubernetes.io/revision': '1' } },
    spec: {
      replicas,
      selector: { matchLabels: selector },
      template,
      strategy: { type: 'RollingUpdate' },
    },
    status: {
      replicas,
      readyReplicas: replicas,
      availableReplicas: replicas,
      updatedReplicas: replicas,
      observedGeneration: 1,
    },
  });
  const rsLabels = { ...selector, 'pod-template-hash': runtime.templateHash };
  runtime.replicaSet = ctx.put({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${w.name}-${runtime.templateHash}`,
      namespace: w.namespace,
      uid: ctx.rng.uid(),
      creationTimestamp: iso(created),
      labels: rsLabels,
      annotations: { 'deployment.kubernetes.io/revision': '1' },
      ownerReferences: [ownerRef(runtime.object)],
    },
    spec: {
      replicas,
      selector: { matchLabels: rsLabels },
      template: { ...template, metadata: { ...template.metadata, labels: rsLabels } },
    },
    status: {
      replicas,
      readyReplicas: replicas,
      availableReplicas: replicas,
      observedGeneration: 1,
    },
  });
  for (let i = 0; i < replicas; i++)
    ctx.startPod(
      runtime,
      `${runtime.replicaSet.metadata.name}-${ctx.rng.suffix(5)}`,
      runtime.replicaSet,
      ctx.past(20),
    );
}

/** Creates a Rollout and its pods. */
export function startRollout(ctx: ControllerContext, w: WorkloadSpec, made: MadeWorkload): void {
  const { runtime, base, template, selector, replicas, created } = made;
  // Argo Rollouts: a Rollout owns one ReplicaSet per revision, labelled with
  // `rollouts-pod-template-hash`; here a stable revision and a canary.
  const canary = w.canaryReplicas ?? 1;
  runtime.object = ctx.put({
    ...base,
    spec: {
      replicas: replicas + canary,
      selector: { matchLabels: selector },
      template,
      strategy: { canary: { steps: [{ setWeight: 20 }, { pause: {} }] } },
    },
    status: {
      replicas: replicas + canary,
      readyReplicas: replicas + canary,
      updatedReplicas: canary,
      phase: 'Paused',
      observedGeneration: '2',
    },
  });
  for (const [revision, count] of [
    [1, replicas],
    [2, canary],
  ] as const) {
    const hash = ctx.rng.suffix(10);
    const rsLabels = { ...selector, 'rollouts-pod-template-hash': hash };
    const rs = ctx.put({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${w.name}-${hash}`,
        namespace: w.namespace,
        uid: ctx.rng.uid(),
        creationTimestamp: iso(created + revision * 3600_000),
        labels: rsLabels,
        annotations: { 'rollout.argoproj.io/revision': String(revision) },
        ownerReferences: [ownerRef(runtime.object)],
      },
      spec: {
        replicas: count,
        selector: { matchLabels: rsLabels },
        template: { ...template, metadata: { ...template.metadata, labels: rsLabels } },
      },
      status: { replicas: count, readyReplicas: count, availableReplicas: count },
    });
    for (let i = 0; i < count; i++)
      ctx.startPod(runtime, `${rs.metadata.name}-${ctx.rng.suffix(5)}`, rs, ctx.past(10), {
        'rollouts-pod-template-hash': hash,
      });
  }
}

/** Creates a StatefulSet and its pods. */
export function startStatefulSet(
  ctx: ControllerContext,
  w: WorkloadSpec,
  made: MadeWorkload,
): void {
  const { runtime, base, template, selector, replicas } = made;
  runtime.object = ctx.put({
    ...base,
    spec: { replicas, serviceName: w.name, selector: { matchLabels: selector }, template },
    status: {
      replicas,
      readyReplicas: replicas,
      currentReplicas: replicas,
      updatedReplicas: replicas,
      observedGeneration: 1,
    },
  });
  for (let i = 0; i < replicas; i++)
    ctx.startPod(runtime, `${w.name}-${i}`, runtime.object, ctx.past(20), {
      'statefulset.kubernetes.io/pod-name': `${w.name}-${i}`,
    });
}

/** Creates a DaemonSet and its pods. */
export function startDaemonSet(ctx: ControllerContext, w: WorkloadSpec, made: MadeWorkload): void {
  const { runtime, base, template, selector } = made;
  const n = ctx.nodeNames.length;
  runtime.object = ctx.put({
    ...base,
    spec: { selector: { matchLabels: selector }, template },
    status: {
      desiredNumberScheduled: n,
      currentNumberScheduled: n,
      numberReady: n,
      numberAvailable: n,
      observedGeneration: 1,
    },
  });
  for (const node of ctx.nodeNames)
    ctx.startPod(runtime, `${w.name}-${ctx.rng.suffix(5)}`, runtime.object, ctx.past(20), {}, node);
}

/** Creates a Job and its pods. */
export function startJob(ctx: ControllerContext, w: WorkloadSpec, made: MadeWorkload): void {
  const { runtime, base, template, replicas } = made;
  runtime.object = ctx.put({
    ...base,
    spec: {
      parallelism: replicas,
      completions: null,
      backoffLimit: 6,
      selector: {
        matchLabels: { 'batch.kubernetes.io/controller-uid': base.metadata.uid ?? '' },
      },
      template,
    },
    status: { active: replicas, startTime: iso(ctx.past(2)) },
  });
  for (let i = 0; i < replicas; i++)
    ctx.startPod(runtime, `${w.name}-${ctx.rng.suffix(5)}`, runtime.object, ctx.past(2), {
      'batch.kubernetes.io/job-name': w.name,
      'job-name': w.name,
    });
}
