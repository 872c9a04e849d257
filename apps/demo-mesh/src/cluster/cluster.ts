import { EventEmitter } from 'node:events';
import { resourceForKind } from '../kube/resources';
import { ObjectStore } from '../kube/store';
import type { KubeObject } from '../kube/types';
import { FAMILIES } from '../proxy/families';
import { ProxyRegistry } from '../proxy/registry';
import { rngFor, type Rng } from '../rng';
import type { Scenario, ServiceSpec, WorkloadSpec } from '../scenarios/types';
import {
  CERT_LIFETIME_SECONDS,
  CERT_REFRESH_FRACTION,
  CONTROL_PLANE_NS,
  externalIdentityOf,
  identityOf,
  LINKERD_VERSION,
  type OwnerLabelKind,
} from './linkerd';
import { CONTROL_PLANE, linkerdConfigMap, VIZ_NS, VIZ_PROMETHEUS } from './installation';
import {
  startDaemonSet,
  startDeployment,
  startJob,
  startRollout,
  startStatefulSet,
  type ControllerContext,
  type MadeWorkload,
} from './controllers';
import {
  endpointSliceObject,
  injectedAnnotations,
  iso,
  namespaceObject,
  nodeObject,
  ownerRef,
  podSpec,
  serviceAccountObject,
  serviceObject,
} from './objects';

/** A pod of the simulated cluster, with its proxy's metrics when meshed. */
export interface SimPod {
  uid: string;
  name: string;
  namespace: string;
  ip: string;
  node: string;
  workload: WorkloadSpec;
  /** Top owner, as the injector labels it (`linkerd.io/proxy-<kind>`). */
  ownerKind: OwnerLabelKind;
  ownerName: string;
  meshed: boolean;
  serviceAccount: string;
  identity: string | undefined;
  proxyVersion: string | undefined;
  startedAt: number;
  phase: 'Running' | 'Succeeded';
  labels: Record<string, string>;
  proxy: ProxyRegistry | undefined;
  /** When the proxy's identity certificate expires (ms). */
  certExpiresAt: number;
  certRefreshedAt: number;
}

export interface ClusterOptions {
  seed: number;
  /** Second octet of the 127.X.0.0/16 block pod IPs are drawn from. */
  podSubnetOctet: number;
  adminPort: number;
  now?: () => number;
}

interface ServiceRuntime {
  spec: ServiceSpec;
  object: KubeObject;
  sliceUid: string;
}

export interface WorkloadRuntime {
  spec: WorkloadSpec;
  object: KubeObject;
  /** ReplicaSet of a Deployment. */
  replicaSet?: KubeObject;
  templateHash?: string;
  pods: SimPod[];
  /** CronJob: its Jobs, oldest first, each with its pods and end time. */
  jobs?: { job: KubeObject; pods: SimPod[]; endsAt: number }[];
  nextJobAt?: number;
  podSpec?: ReturnType<typeof podSpec>;
}

/**
 * The simulated cluster: Kubernetes objects in the store, and the pods
 * behind them with their proxies. Pods come and go (CronJob runs, pod
 * replacements); listeners hear of it through `pods` events.
 */
export class Cluster {
  readonly store: ObjectStore;
  readonly pods = new Map<string, SimPod>();
  /** Emits `added` and `removed` with a SimPod. */
  readonly podEvents = new EventEmitter();
  readonly startedAt: number;
  private readonly now: () => number;
  private readonly rng: Rng;
  private readonly workloads = new Map<string, WorkloadRuntime>();
  private readonly services = new Map<string, ServiceRuntime>();
  private readonly servicesByWorkload = new Map<string, ServiceRuntime[]>();
  private readonly namespaces = new Map<string, KubeObject>();
  private readonly nodeNames: string[] = [];
  private nextIp = 2;
  private readonly replacementsDone = new Map<string, number>();
  private nextClusterIp = 10;

  constructor(
    readonly scenario: Scenario,
    private readonly options: ClusterOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.store = new ObjectStore(this.now);
    this.rng = rngFor(options.seed, `cluster:${scenario.name}`);
    this.startedAt = this.now();
    this.podEvents.setMaxListeners(0);
    this.build();
  }

  /** What the controllers (`controllers.ts`) may do to the cluster. */
  private get controllerContext(): ControllerContext {
    return {
      put: (obj) => this.put(obj),
      rng: this.rng,
      past: (h) => this.past(h),
      nodeNames: this.nodeNames,
      startPod: (runtime, name, owner, startedAt, extraLabels, node) =>
        this.startPod(runtime, name, owner, startedAt, extraLabels, node),
    };
  }

  private put(obj: KubeObject): KubeObject {
    return this.store.put(obj);
  }

  /** Creation time for objects that existed before the demo started. */
  private past(hoursAgo: number): number {
    return this.startedAt - hoursAgo * 3600_000;
  }

  private build(): void {
    const nodes = this.scenario.nodes ?? 2;
    for (let i = 0; i < nodes; i++) {
      const name = `demo-node-${i + 1}`;
      this.nodeNames.push(name);
      this.put(nodeObject(name, this.rng.uid(), this.past(240), `10.0.0.${i + 10}`));
    }
    const namespaces = [
      {
        name: CONTROL_PLANE_NS,
        labels: {
          'linkerd.io/is-control-plane': 'true',
          'linkerd.io/control-plane-ns': CONTROL_PLANE_NS,
        },
        annotations: { 'linkerd.io/inject': 'disabled' },
      },
      ...(this.scenario.linkerdViz
        ? [
            {
              name: VIZ_NS,
              labels: { 'linkerd.io/extension': 'viz' },
              annotations: { 'linkerd.io/inject': 'enabled' },
            },
          ]
        : []),
      ...this.scenario.namespaces.map((n) => ({
        name: n.name,
        labels: n.labels ?? {},
        annotations: {
          ...(n.inject ? { 'linkerd.io/inject': 'enabled' } : {}),
          ...(n.annotations ?? {}),
        },
      })),
    ];
    for (const n of namespaces) {
      const obj = this.put(
        namespaceObject(n.name, this.rng.uid(), this.past(200), n.labels, n.annotations),
      );
      this.namespaces.set(n.name, obj);
      this.put(serviceAccountObject(n.name, 'default', this.rng.uid(), this.past(200)));
    }
    this.put(linkerdConfigMap(this.rng.uid(), this.past(200)));
    const serviceAccounts = new Set<string>();
    const installed = [...CONTROL_PLANE, ...(this.scenario.linkerdViz ? [VIZ_PROMETHEUS] : [])];
    for (const w of [...installed, ...this.scenario.workloads]) {
      const sa = w.serviceAccount ?? w.name;
      if (sa !== 'default' && !serviceAccounts.has(`${w.namespace}/${sa}`)) {
        serviceAccounts.add(`${w.namespace}/${sa}`);
        this.put(serviceAccountObject(w.namespace, sa, this.rng.uid(), this.past(100)));
      }
      this.addWorkload(w);
    }
    for (const s of this.scenario.services) this.addService(s);
    for (const r of this.scenario.resources) {
      if (!resourceForKind(r.apiVersion, r.kind))
        throw new Error(
          `scenario ${this.scenario.name}: no resource serves ${r.apiVersion} ${r.kind}`,
        );
      this.put({
        ...r,
        metadata: { uid: this.rng.uid(), creationTimestamp: iso(this.past(24)), ...r.metadata },
      });
    }
  }

  private allocateIp(): string {
    const n = this.nextIp++;
    if (n >= 65_534) throw new Error('pod IP block exhausted');
    return `127.${this.options.podSubnetOctet}.${n >> 8}.${n & 255}`;
  }

  private labelsFor(w: WorkloadSpec): Record<string, string> {
    return { app: w.name };
  }

  private addWorkload(w: WorkloadSpec): void {
    if (w.kind === 'ExternalWorkload') {
      this.addExternalWorkload(w);
      return;
    }
    const created = this.past(48);
    const apiVersion =
      w.kind === 'CronJob' || w.kind === 'Job'
        ? 'batch/v1'
        : w.kind === 'Rollout'
          ? 'argoproj.io/v1alpha1'
          : 'apps/v1';
    const selector = this.labelsFor(w);
    const annotations: Record<string, string> = w.injectDisabled
      ? { 'linkerd.io/inject': 'disabled' }
      : {};
    const template = {
      metadata: { labels: selector, annotations },
      spec: podSpec({
        workload: w,
        labels: selector,
        annotations: {},
        meshed: false,
        proxyVersion: LINKERD_VERSION,
      }),
    };
    const replicas = w.replicas ?? 1;
    const base: KubeObject = {
      apiVersion,
      kind: w.kind,
      metadata: {
        name: w.name,
        namespace: w.namespace,
        uid: this.rng.uid(),
        creationTimestamp: iso(created),
        labels: selector,
        annotations: {},
      },
    };
    const runtime: WorkloadRuntime = { spec: w, object: base, pods: [] };
    this.workloads.set(`${w.namespace}/${w.name}`, runtime);
    const made: MadeWorkload = { runtime, base, template, selector, replicas, created };
    switch (w.kind) {
      case 'Deployment':
        startDeployment(this.controllerContext, w, made);
        break;
      case 'Rollout':
        startRollout(this.controllerContext, w, made);
        break;
      case 'StatefulSet':
        startStatefulSet(this.controllerContext, w, made);
        break;
      case 'DaemonSet':
        startDaemonSet(this.controllerContext, w, made);
        break;
      case 'Job':
        startJob(this.controllerContext, w, made);
        break;
      case 'CronJob': {
        const every = w.schedule?.everySeconds ?? 60;
        runtime.object = this.put({
          ...base,
          spec: {
            schedule:
              every % 60 === 0 ? `*/${Math.max(1, every / 60)} * * * *` : `@every ${every}s`,
            concurrencyPolicy: 'Forbid',
            successfulJobsHistoryLimit: 3,
            failedJobsHistoryLimit: 1,
            jobTemplate: { spec: { parallelism: replicas, template } },
          },
          status: {},
        });
        runtime.jobs = [];
        runtime.nextJobAt = this.startedAt;
        this.advanceCronJob(runtime, this.startedAt);
        break;
      }
    }
  }

  /**
   * A VM joined to the mesh: its ExternalWorkload object (workload.linkerd.io/v1beta1, as
   * the mesh expansion guide writes one: a URI identity, its IP, its ports, Ready) and its
   * proxy at that IP, with a certificate for that identity. No pod: nothing a pod watch or
   * kubernetes_sd sees.
   */
  private addExternalWorkload(w: WorkloadSpec): void {
    const created = this.past(48);
    const runtime: WorkloadRuntime = {
      spec: w,
      object: {
        apiVersion: 'workload.linkerd.io/v1beta1',
        kind: 'ExternalWorkload',
        metadata: { name: w.name, namespace: w.namespace },
      },
      pods: [],
    };
    this.workloads.set(`${w.namespace}/${w.name}`, runtime);
    const ip = this.allocateIp();
    const { identity, serverName } = externalIdentityOf(w.name);
    const labels = this.labelsFor(w);
    const startedAt = this.past(2);
    const lifetimeMs = CERT_LIFETIME_SECONDS * 1000;
    const certRefreshedAt =
      startedAt +
      Math.floor((this.now() - startedAt) / (lifetimeMs * CERT_REFRESH_FRACTION)) *
        lifetimeMs *
        CERT_REFRESH_FRACTION;
    const pod: SimPod = {
      uid: this.rng.uid(),
      name: w.name,
      namespace: w.namespace,
      ip,
      node: '',
      workload: w,
      ownerKind: 'external_workload',
      ownerName: w.name,
      meshed: true,
      serviceAccount: '',
      identity,
      proxyVersion: w.proxyVersion ?? LINKERD_VERSION,
      startedAt,
      phase: 'Running',
      labels,
      proxy: new ProxyRegistry(FAMILIES),
      certExpiresAt: certRefreshedAt + lifetimeMs,
      certRefreshedAt,
    };
    runtime.object = this.put({
      apiVersion: 'workload.linkerd.io/v1beta1',
      kind: 'ExternalWorkload',
      metadata: {
        name: w.name,
        namespace: w.namespace,
        uid: pod.uid,
        creationTimestamp: iso(created),
        labels,
      },
      spec: {
        meshTLS: { identity, serverName },
        workloadIPs: [{ ip }],
        ports: (w.ports ?? []).map((p) => ({ name: p.name, port: p.port, protocol: 'TCP' })),
      },
      status: {
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            lastTransitionTime: iso(startedAt),
            reason: 'Ready',
            message: '',
          },
        ],
      },
    });
    runtime.pods.push(pod);
    this.pods.set(pod.uid, pod);
    this.podEvents.emit('added', pod);
  }

  private startPod(
    runtime: WorkloadRuntime,
    name: string,
    owner: KubeObject,
    startedAt: number,
    extraLabels: Record<string, string> = {},
    node?: string,
  ): SimPod {
    const w = runtime.spec;
    const ns = this.namespaces.get(w.namespace);
    const meshed = w.meshed && !w.injectDisabled;
    const proxyVersion = meshed ? (w.proxyVersion ?? LINKERD_VERSION) : undefined;
    const ownerKind = this.ownerKindOf(w);
    const sa = w.serviceAccount ?? w.name;
    const labels: Record<string, string> = {
      ...this.labelsFor(w),
      ...(runtime.templateHash && w.kind === 'Deployment'
        ? { 'pod-template-hash': runtime.templateHash }
        : {}),
      ...extraLabels,
      ...(meshed
        ? {
            'linkerd.io/control-plane-ns': CONTROL_PLANE_NS,
            [`linkerd.io/proxy-${ownerKind}`]: this.topOwnerName(w, owner),
            'linkerd.io/workload-ns': w.namespace,
          }
        : {}),
      ...(w.namespace === CONTROL_PLANE_NS
        ? { 'linkerd.io/control-plane-component': w.name.replace(/^linkerd-/, '') }
        : {}),
    };
    const annotations: Record<string, string> = {
      ...(w.injectDisabled ? { 'linkerd.io/inject': 'disabled' } : {}),
      ...(meshed ? injectedAnnotations(proxyVersion ?? LINKERD_VERSION, w.opaquePorts) : {}),
    };
    const ip = this.allocateIp();
    const nodeName = node ?? this.nodeNames[this.rng.int(this.nodeNames.length)] ?? 'demo-node-1';
    const uid = this.rng.uid();
    // Certificates: issued at start, renewed at 70% of their life; one that failed to refresh expires soon.
    const lifetimeMs = CERT_LIFETIME_SECONDS * 1000;
    const now = this.now();
    let certRefreshedAt =
      startedAt +
      Math.floor((now - startedAt) / (lifetimeMs * CERT_REFRESH_FRACTION)) *
        lifetimeMs *
        CERT_REFRESH_FRACTION;
    let certExpiresAt = certRefreshedAt + lifetimeMs;
    if (w.certExpiresInSeconds !== undefined) {
      certExpiresAt = now + w.certExpiresInSeconds * 1000;
      certRefreshedAt = certExpiresAt - lifetimeMs;
    }
    const pod: SimPod = {
      uid,
      name,
      namespace: w.namespace,
      ip,
      node: nodeName,
      workload: w,
      ownerKind,
      ownerName: this.topOwnerName(w, owner),
      meshed,
      serviceAccount: sa,
      identity: meshed ? identityOf(sa, w.namespace) : undefined,
      proxyVersion,
      startedAt,
      phase: 'Running',
      labels,
      proxy: meshed ? new ProxyRegistry(FAMILIES) : undefined,
      certExpiresAt,
      certRefreshedAt,
    };
    // Pods of a workload share one spec object: stored objects are never mutated, and
    // sharing keeps a 2,000-pod cluster's memory small.
    let spec = runtime.podSpec;
    if (!spec) {
      spec = podSpec({
        workload: w,
        labels,
        annotations,
        meshed,
        proxyVersion: proxyVersion ?? LINKERD_VERSION,
      });
      runtime.podSpec = spec;
    }
    const restarts = w.restarts ?? 0;
    this.put({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: w.namespace,
        uid,
        creationTimestamp: iso(startedAt),
        labels,
        annotations,
        ownerReferences: [ownerRef(owner)],
        ...(w.kind === 'Deployment' ||
        w.kind === 'Job' ||
        w.kind === 'CronJob' ||
        w.kind === 'DaemonSet'
          ? { generateName: `${name.replace(/[^-]+$/, '')}` }
          : {}),
      },
      spec: { ...spec, nodeName },
      status: this.podStatus(
        pod,
        spec.containers.map((c) => ({ name: c.name, image: c.image })),
        restarts,
      ),
    });
    runtime.pods.push(pod);
    this.pods.set(uid, pod);
    if (ns) this.podEvents.emit('added', pod);
    this.refreshEndpoints(w.namespace, w.name);
    return pod;
  }

  private podStatus(
    pod: SimPod,
    containers: { name: string; image: string }[],
    restarts: number,
    phase = pod.phase,
  ) {
    const running = phase === 'Running';
    const t = iso(pod.startedAt);
    return {
      phase,
      podIP: pod.ip,
      podIPs: [{ ip: pod.ip }],
      hostIP: `10.0.0.${10 + Math.max(0, this.nodeNames.indexOf(pod.node))}`,
      startTime: t,
      qosClass: 'Burstable',
      conditions: [
        { type: 'Initialized', status: 'True', lastTransitionTime: t },
        {
          type: 'Ready',
          status: running ? 'True' : 'False',
          lastTransitionTime: t,
          ...(running ? {} : { reason: 'PodCompleted' }),
        },
        { type: 'ContainersReady', status: running ? 'True' : 'False', lastTransitionTime: t },
        { type: 'PodScheduled', status: 'True', lastTransitionTime: t },
      ],
      containerStatuses: containers.map((c) => ({
        name: c.name,
        image: c.image,
        imageID: `${c.image.split(':')[0]}@sha256:${'0'.repeat(64)}`,
        ready: running,
        started: running,
        // Restarts are app-container crashes; the proxy keeps running.
        restartCount: c.name === 'linkerd-proxy' ? 0 : restarts,
        state: running
          ? { running: { startedAt: t } }
          : {
              terminated: {
                exitCode: 0,
                reason: 'Completed',
                startedAt: t,
                finishedAt: iso(this.now()),
              },
            },
      })),
    };
  }

  private ownerKindOf(w: WorkloadSpec): OwnerLabelKind {
    switch (w.kind) {
      case 'Deployment':
        return 'deployment';
      case 'StatefulSet':
        return 'statefulset';
      case 'DaemonSet':
        return 'daemonset';
      case 'Job':
        return 'job';
      case 'CronJob':
        return 'cronjob';
      case 'ExternalWorkload':
        return 'external_workload';
      case 'Rollout':
        // linkerd2's GetOwnerKindAndName climbs from a ReplicaSet only to the kinds it
        // knows (isValidRSParent: Job, StatefulSet, DaemonSet, Deployment); a Rollout's
        // pods are labelled with their ReplicaSet (linkerd2 #6429, PR #6458).
        return 'replicaset';
    }
  }

  private topOwnerName(w: WorkloadSpec, owner: KubeObject): string {
    return w.kind === 'Rollout' ? owner.metadata.name : w.name;
  }

  private stopPod(runtime: WorkloadRuntime, pod: SimPod, how: 'delete' | 'complete'): void {
    this.pods.delete(pod.uid);
    this.podEvents.emit('removed', pod);
    const r = resourceForKind('v1', 'Pod');
    if (!r) return;
    if (how === 'delete') {
      this.store.delete(r, pod.namespace, pod.name);
      runtime.pods = runtime.pods.filter((p) => p !== pod);
    } else {
      pod.phase = 'Succeeded';
      const obj = this.store.get(r, pod.namespace, pod.name);
      if (obj) {
        const spec = obj.spec as { containers: { name: string; image: string }[] };
        this.put({ ...obj, status: this.podStatus(pod, spec.containers, 0, 'Succeeded') });
      }
    }
    this.refreshEndpoints(pod.namespace, pod.workload.name);
  }

  /** Advances time-driven behaviour: CronJob runs and pod replacements. */
  tick(now = this.now()): void {
    for (const runtime of this.workloads.values()) {
      if (runtime.spec.kind === 'CronJob') this.advanceCronJob(runtime, now);
    }
    for (const r of this.scenario.replacements ?? []) {
      const due = this.replacementsDone.get(r.workload) ?? 0;
      if (now - this.startedAt >= (due + 1) * r.everySeconds * 1000) {
        this.replacementsDone.set(r.workload, due + 1);
        const [ns = '', name = ''] = r.workload.split('/');
        this.replacePod(ns, name);
      }
    }
  }

  private advanceCronJob(runtime: WorkloadRuntime, now: number): void {
    const w = runtime.spec;
    const every = (w.schedule?.everySeconds ?? 60) * 1000;
    const run = (w.schedule?.runSeconds ?? 20) * 1000;
    const jobs = runtime.jobs ?? [];
    for (const j of jobs) {
      if (j.endsAt <= now && j.pods.some((p) => p.phase === 'Running')) {
        for (const p of j.pods) this.stopPod(runtime, p, 'complete');
        this.put({
          ...j.job,
          status: {
            succeeded: j.pods.length,
            startTime: (j.job.status as { startTime?: string }).startTime,
            completionTime: iso(j.endsAt),
            conditions: [{ type: 'Complete', status: 'True' }],
          },
        });
      }
    }
    while ((runtime.nextJobAt ?? now) <= now) {
      const at = runtime.nextJobAt ?? now;
      runtime.nextJobAt = at + every;
      // Jobs are named after the scheduled minute, as the CronJob controller does.
      const jobName = `${w.name}-${Math.floor(at / 60_000)}${at % 60_000 ? `-${Math.floor((at % 60_000) / 1000)}` : ''}`;
      const job = this.put({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: {
          name: jobName,
          namespace: w.namespace,
          uid: this.rng.uid(),
          creationTimestamp: iso(at),
          labels: { ...this.labelsFor(w) },
          ownerReferences: [ownerRef(runtime.object)],
        },
        spec: {
          parallelism: w.replicas ?? 1,
          completions: w.replicas ?? 1,
          backoffLimit: 6,
          template: (runtime.object.spec as { jobTemplate: { spec: { template: unknown } } })
            .jobTemplate.spec.template,
        },
        status: { active: w.replicas ?? 1, startTime: iso(at) },
      });
      const pods: SimPod[] = [];
      for (let i = 0; i < (w.replicas ?? 1); i++) {
        pods.push(
          this.startPod(runtime, `${jobName}-${this.rng.suffix(5)}`, job, at, {
            'batch.kubernetes.io/job-name': jobName,
            'job-name': jobName,
          }),
        );
      }
      jobs.push({ job, pods, endsAt: at + run });
      this.put({
        ...runtime.object,
        status: {
          lastScheduleTime: iso(at),
          active: [
            {
              kind: 'Job',
              name: jobName,
              namespace: w.namespace,
              apiVersion: 'batch/v1',
              uid: job.metadata.uid,
            },
          ],
        },
      });
    }
    // successfulJobsHistoryLimit: 3
    while (jobs.length > 4) {
      const old = jobs.shift();
      if (!old) break;
      for (const p of old.pods) if (this.pods.has(p.uid)) this.stopPod(runtime, p, 'delete');
      const podRes = resourceForKind('v1', 'Pod');
      for (const p of old.pods) if (podRes) this.store.delete(podRes, p.namespace, p.name);
      runtime.pods = runtime.pods.filter((p) => !old.pods.includes(p));
      const jobRes = resourceForKind('batch/v1', 'Job');
      if (jobRes) this.store.delete(jobRes, old.job.metadata.namespace, old.job.metadata.name);
    }
    runtime.jobs = jobs;
  }

  /** Deletes one pod of a Deployment and starts its replacement under a new name. */
  replacePod(namespace: string, workload: string): { removed: SimPod; added: SimPod } | undefined {
    const runtime = this.workloads.get(`${namespace}/${workload}`);
    if (!runtime?.replicaSet) return undefined;
    const oldest = runtime.pods
      .filter((p) => p.phase === 'Running')
      .sort((a, b) => a.startedAt - b.startedAt)[0];
    if (!oldest) return undefined;
    const added = this.startPod(
      runtime,
      `${runtime.replicaSet.metadata.name}-${this.rng.suffix(5)}`,
      runtime.replicaSet,
      this.now(),
    );
    this.stopPod(runtime, oldest, 'delete');
    return { removed: oldest, added };
  }

  private addService(s: ServiceSpec): void {
    const runtime = this.workloads.get(`${s.namespace}/${s.workload}`);
    if (!runtime) throw new Error(`service ${s.namespace}/${s.name}: no workload ${s.workload}`);
    const n = this.nextClusterIp++;
    const object = this.put(
      serviceObject(
        s,
        this.rng.uid(),
        this.past(48),
        `10.96.${n >> 8}.${n & 255}`,
        this.labelsFor(runtime.spec),
      ),
    );
    const runtimeSvc = { spec: s, object, sliceUid: this.rng.uid() };
    this.services.set(`${s.namespace}/${s.name}`, runtimeSvc);
    const byWorkload = this.servicesByWorkload.get(`${s.namespace}/${s.workload}`) ?? [];
    byWorkload.push(runtimeSvc);
    this.servicesByWorkload.set(`${s.namespace}/${s.workload}`, byWorkload);
    this.refreshEndpoints(s.namespace, s.workload);
  }

  /** Rewrites the EndpointSlices of the services backed by a workload whose pods changed. */
  private refreshEndpoints(namespace: string, workload: string): void {
    for (const svc of this.servicesByWorkload.get(`${namespace}/${workload}`) ?? []) {
      const pods = this.podsOf(namespace, svc.spec.workload);
      this.put(
        endpointSliceObject(
          svc.spec,
          svc.object,
          svc.sliceUid,
          pods.map((p) => ({
            ip: p.ip,
            ready: true,
            podName: p.name,
            podUid: p.uid,
            nodeName: p.node,
          })),
        ),
      );
    }
  }

  /** Running pods of a workload. */
  podsOf(namespace: string, workload: string): SimPod[] {
    return (this.workloads.get(`${namespace}/${workload}`)?.pods ?? []).filter(
      (p) => p.phase === 'Running',
    );
  }

  service(namespace: string, name: string): ServiceRuntime | undefined {
    return this.services.get(`${namespace}/${name}`);
  }

  /** Running pods behind a service (its ready endpoints). */
  endpointsOf(namespace: string, service: string): SimPod[] {
    const svc = this.services.get(`${namespace}/${service}`);
    return svc ? this.podsOf(namespace, svc.spec.workload) : [];
  }

  /** linkerd-viz's Prometheus pod, when the scenario installs linkerd-viz. */
  vizPrometheus(): SimPod | undefined {
    return this.podsOf(VIZ_NS, VIZ_PROMETHEUS.name)[0];
  }

  /** The proxies of the VMs joined to the mesh (ExternalWorkloads). */
  externalWorkloads(): SimPod[] {
    return this.runningPods().filter((p) => p.workload.kind === 'ExternalWorkload');
  }

  runningPods(): SimPod[] {
    return [...this.pods.values()].filter((p) => p.phase === 'Running');
  }

  /** A Linkerd CRD object from the store. */
  resource(
    apiVersion: string,
    kind: string,
    namespace: string,
    name: string,
  ): KubeObject | undefined {
    const r = resourceForKind(apiVersion, kind);
    return r ? this.store.get(r, namespace, name) : undefined;
  }

  resources(apiVersion: string, kind: string, namespace?: string): KubeObject[] {
    const r = resourceForKind(apiVersion, kind);
    return r ? this.store.list(r, namespace) : [];
  }
}
