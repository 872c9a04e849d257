import { vizTargetLabels } from './viz-labels';
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { foreignKind, kindOfObject, type WorkloadKind } from './kinds';
import type { LinkerdConfig } from './linkerd-config';
import { identityOf } from './policy';

/** The objects the model reads, as plain lists (no I/O here). */
export interface TopologySnapshot {
  namespaces: { name: string; annotations: Record<string, string> }[];
  pods: V1Pod[];
  /** Owner references of ReplicaSets and Jobs, to resolve pods to their top workload. */
  owners: Map<string, { kind: string; name: string } | undefined>;
  /** Workload objects by `kind/namespace/name`, to list workloads that have no pod right now. */
  workloads: {
    kind: WorkloadKind;
    namespace: string;
    name: string;
    annotations: Record<string, string>;
  }[];
  services: {
    namespace: string;
    name: string;
    selector: Record<string, string> | undefined;
    /** The informer's own object (not a copy): retry and timeout annotations are read from it. */
    annotations?: Record<string, string>;
  }[];
  linkerdNamespace: string;
  clusterDomain: string;
  /** The installation's facts from `linkerd-config` (or Linkerd's defaults, with a note). */
  linkerd: LinkerdConfig;
}

export interface PodInfo {
  name: string;
  namespace: string;
  ip: string | undefined;
  phase: string;
  ready: boolean;
  restarts: number;
  meshed: boolean;
  identity: string | undefined;
  proxyVersion: string | undefined;
  serviceAccount: string;
  workload: { kind: WorkloadKind; name: string };
  labels: Record<string, string>;
  /** Port of the linkerd-admin container port, for scraping. */
  adminPort: number | undefined;
  /** The namespace or pod asks for injection but the pod has no proxy: it needs a restart. */
  injectionPending: boolean;
  /** `config.linkerd.io/default-inbound-policy` on the pod, which wins over its namespace's. */
  defaultInboundPolicy: string | undefined;
}

const key = (kind: string, namespace: string, name: string) => `${kind}/${namespace}/${name}`;

/**
 * Pod -> ReplicaSet -> Deployment, Pod -> Job -> CronJob (mesh-facts §5), and
 * Pod -> ReplicaSet -> any other controller (an Argo Rollout): the top owner,
 * whatever Linkerd labelled the pod with.
 */
export function resolveOwner(
  pod: V1Pod,
  owners: TopologySnapshot['owners'],
): { kind: WorkloadKind; name: string } {
  const ns = pod.metadata?.namespace ?? '';
  const ref =
    pod.metadata?.ownerReferences?.find((r) => r.controller) ?? pod.metadata?.ownerReferences?.[0];
  if (!ref) return { kind: 'pods', name: pod.metadata?.name ?? '' };
  if (ref.kind === 'ReplicaSet' || ref.kind === 'Job') {
    const parent = owners.get(key(ref.kind, ns, ref.name));
    if (parent && (parent.kind === 'Deployment' || parent.kind === 'CronJob')) {
      return { kind: kindOfObject(parent.kind) ?? 'pods', name: parent.name };
    }
    if (parent && ref.kind === 'ReplicaSet')
      return { kind: kindOfObject(parent.kind) ?? foreignKind(parent.kind), name: parent.name };
    // The ReplicaSet is not (yet) known: a Deployment's pods carry its hash.
    const hash = pod.metadata?.labels?.['pod-template-hash'];
    if (
      ref.kind === 'ReplicaSet' &&
      hash &&
      ref.name.endsWith(`-${hash}`) &&
      parent === undefined &&
      !owners.has(key(ref.kind, ns, ref.name))
    ) {
      return { kind: 'deployments', name: ref.name.slice(0, -hash.length - 1) };
    }
  }
  return { kind: kindOfObject(ref.kind) ?? foreignKind(ref.kind), name: ref.name };
}

/** Annotations podInfo reads (`linkerd.io/inject`, `linkerd.io/proxy-version`, `config.linkerd.io/...`). */
const READ_ANNOTATION = /(^|\.)linkerd\.io\//;

/**
 * Cuts a pod down, in place, to what podInfo reads: the proxy container's
 * name, ports and identity variable, the service account, Linkerd's
 * annotations, labels, owners, IP, phase, readiness and restarts. Volumes,
 * probes, other containers' specs and most status go: a real pod is several
 * kilobytes, and the informer keeps one per pod of the cluster.
 */
export function slimPod(pod: V1Pod): void {
  const meta = pod.metadata;
  if (meta?.annotations) {
    for (const k of Object.keys(meta.annotations))
      if (!READ_ANNOTATION.test(k)) delete meta.annotations[k];
  }
  const spec = pod.spec;
  if (spec) {
    const slim = (c: V1Container): V1Container =>
      c.name === 'linkerd-proxy'
        ? {
            name: c.name,
            ...(c.ports ? { ports: c.ports } : {}),
            ...(c.env
              ? { env: c.env.filter((e) => e.name === 'LINKERD2_PROXY_IDENTITY_LOCAL_NAME') }
              : {}),
          }
        : { name: c.name };
    pod.spec = {
      containers: spec.containers.map(slim),
      ...(spec.initContainers ? { initContainers: spec.initContainers.map(slim) } : {}),
      ...(spec.serviceAccountName ? { serviceAccountName: spec.serviceAccountName } : {}),
    };
  }
  const status = pod.status;
  if (status) {
    pod.status = {
      ...(status.podIP ? { podIP: status.podIP } : {}),
      ...(status.phase ? { phase: status.phase } : {}),
      conditions: (status.conditions ?? []).filter((c) => c.type === 'Ready'),
      containerStatuses: (status.containerStatuses ?? []).map((c) => ({
        name: c.name,
        image: '',
        imageID: '',
        ready: c.ready,
        restartCount: c.restartCount,
      })),
    };
  }
}

/**
 * Cuts a workload controller (Deployment, ReplicaSet, Job, ...) down, in
 * place, to what the topology reads: its name, owners and Linkerd's
 * annotations. Its spec goes: every ReplicaSet a rollout leaves behind holds
 * a whole pod template.
 */
export function slimController(obj: {
  metadata?: { annotations?: Record<string, string> };
  spec?: unknown;
  status?: unknown;
}): void {
  const annotations = obj.metadata?.annotations;
  if (annotations) {
    for (const k of Object.keys(annotations)) if (!READ_ANNOTATION.test(k)) delete annotations[k];
  }
  delete obj.spec;
  delete obj.status;
}

export function podInfo(pod: V1Pod, snapshot: TopologySnapshot): PodInfo {
  const ns = pod.metadata?.namespace ?? '';
  const proxy =
    pod.spec?.containers.find((c) => c.name === 'linkerd-proxy') ??
    pod.spec?.initContainers?.find((c) => c.name === 'linkerd-proxy');
  const meshed = Boolean(proxy && pod.metadata?.labels?.['linkerd.io/control-plane-ns']);
  const sa = pod.spec?.serviceAccountName ?? 'default';
  // The identity the injector gave the proxy, with its service account and namespace filled in.
  const localName = proxy?.env
    ?.find((e) => e.name === 'LINKERD2_PROXY_IDENTITY_LOCAL_NAME')
    ?.value?.replace('$(_pod_sa)', sa)
    .replace('$(_pod_ns)', ns);
  const nsAnnotation = snapshot.namespaces.find((n) => n.name === ns)?.annotations[
    'linkerd.io/inject'
  ];
  const podAnnotation = pod.metadata?.annotations?.['linkerd.io/inject'];
  const wantsInjection = podAnnotation ? podAnnotation === 'enabled' : nsAnnotation === 'enabled';
  return {
    name: pod.metadata?.name ?? '',
    namespace: ns,
    ip: pod.status?.podIP,
    phase: pod.status?.phase ?? 'Unknown',
    ready: pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    restarts: (pod.status?.containerStatuses ?? []).reduce((s, c) => s + (c.restartCount ?? 0), 0),
    meshed,
    identity: meshed
      ? localName && !localName.includes('$(')
        ? localName
        : identityOf(sa, ns, snapshot.linkerdNamespace, snapshot.linkerd.trustDomain)
      : undefined,
    // As the injector records it; an image tag may be a digest, or a registry's own tag.
    proxyVersion: meshed ? pod.metadata?.annotations?.['linkerd.io/proxy-version'] : undefined,
    serviceAccount: sa,
    workload: resolveOwner(pod, snapshot.owners),
    labels: pod.metadata?.labels ?? {},
    adminPort: proxy?.ports?.find((p) => p.name === 'linkerd-admin')?.containerPort,
    injectionPending: !meshed && wantsInjection && pod.status?.phase === 'Running',
    defaultInboundPolicy: pod.metadata?.annotations?.['config.linkerd.io/default-inbound-policy'],
  };
}

/** Linkerd's admin port, where an external workload's proxy serves its metrics unless told otherwise. */
const EXTERNAL_ADMIN_PORT = 4191;

interface ExternalWorkloadObject {
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    creationTimestamp?: unknown;
  };
  spec?: {
    meshTLS?: { identity?: string; serverName?: string };
    workloadIPs?: { ip?: string }[];
  };
  status?: { conditions?: { type?: string; status?: string }[] };
}

/**
 * An ExternalWorkload (workload.linkerd.io, mesh expansion) as the one
 * "pod" of its workload: its first workload IP, its URI identity
 * (`meshTLS.identity`), Ready from its status, and its labels, which Services
 * select it by. Its proxy always runs: it is meshed by definition.
 */
export function externalWorkloadInfo(ew: ExternalWorkloadObject): PodInfo {
  const name = ew.metadata?.name ?? '';
  const ready =
    ew.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  return {
    name,
    namespace: ew.metadata?.namespace ?? '',
    ip: ew.spec?.workloadIPs?.find((w) => w.ip)?.ip,
    phase: 'Running',
    ready,
    restarts: 0,
    meshed: true,
    identity: ew.spec?.meshTLS?.identity,
    proxyVersion: undefined,
    serviceAccount: '',
    workload: { kind: 'externalworkloads', name },
    labels: ew.metadata?.labels ?? {},
    adminPort: EXTERNAL_ADMIN_PORT,
    injectionPending: false,
    defaultInboundPolicy: undefined,
  };
}

export interface WorkloadInfo {
  namespace: string;
  kind: WorkloadKind;
  name: string;
  pods: PodInfo[];
  meshedPods: number;
  totalPods: number;
}

/** workloadsOf's answers, by the pod list they were made from (one per topology version). */
const workloadsCache = new WeakMap<PodInfo[], Map<string, readonly WorkloadInfo[]>>();

/**
 * Every workload of a namespace (or all), with its running pods. Most views
 * ask for it on every answer; it is made once per topology version and
 * namespace, and shared, so it comes frozen.
 */
export function workloadsOf(
  snapshot: TopologySnapshot,
  pods: PodInfo[],
  namespace?: string,
): readonly WorkloadInfo[] {
  let byNamespace = workloadsCache.get(pods);
  if (!byNamespace) {
    byNamespace = new Map();
    workloadsCache.set(pods, byNamespace);
  }
  const key = namespace ?? '';
  let made = byNamespace.get(key);
  if (!made) {
    made = Object.freeze(
      buildWorkloads(snapshot, pods, namespace).map((w) => {
        Object.freeze(w.pods);
        return Object.freeze(w);
      }),
    );
    byNamespace.set(key, made);
  }
  return made;
}

function buildWorkloads(
  snapshot: TopologySnapshot,
  pods: PodInfo[],
  namespace?: string,
): WorkloadInfo[] {
  const byKey = new Map<string, WorkloadInfo>();
  for (const w of snapshot.workloads) {
    if (namespace !== undefined && w.namespace !== namespace) continue;
    // ReplicaSets owned by a Deployment and Jobs owned by a CronJob are shown through their owner.
    if (
      (w.kind === 'replicasets' || w.kind === 'jobs') &&
      snapshot.owners.get(key(w.kind === 'replicasets' ? 'ReplicaSet' : 'Job', w.namespace, w.name))
    )
      continue;
    byKey.set(key(w.kind, w.namespace, w.name), {
      namespace: w.namespace,
      kind: w.kind,
      name: w.name,
      pods: [],
      meshedPods: 0,
      totalPods: 0,
    });
  }
  for (const p of pods) {
    if (namespace !== undefined && p.namespace !== namespace) continue;
    if (p.phase !== 'Running' && p.phase !== 'Pending') continue;
    const k = key(p.workload.kind, p.namespace, p.workload.name);
    const w = byKey.get(k) ?? {
      namespace: p.namespace,
      kind: p.workload.kind,
      name: p.workload.name,
      pods: [],
      meshedPods: 0,
      totalPods: 0,
    };
    w.pods.push(p);
    w.totalPods++;
    if (p.meshed) w.meshedPods++;
    byKey.set(k, w);
  }
  return [...byKey.values()].sort(
    (a, b) =>
      a.namespace.localeCompare(b.namespace) ||
      a.kind.localeCompare(b.kind) ||
      a.name.localeCompare(b.name),
  );
}

/** `host:port`, with an IPv6 address in brackets (`[fd00::5]:4191`), as a URL needs it. */
export function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** Scrape targets as linkerd-viz's Prometheus job keeps and labels them (mesh-facts §3). */
export function scrapeTargets(
  pods: PodInfo[],
  linkerdNamespace: string,
): { address: string; labels: Record<string, string> }[] {
  const external = (p: PodInfo) => p.workload.kind === 'externalworkloads';
  return pods
    .filter(
      (p) =>
        p.meshed &&
        p.ip &&
        p.adminPort &&
        (p.phase === 'Running' || p.phase === 'Pending') &&
        (external(p) || p.labels['linkerd.io/control-plane-ns'] === linkerdNamespace),
    )
    .map((p) => {
      // An external workload's proxy: no pod, so the labels an operator's scrape job gives it.
      const labels = external(p)
        ? { namespace: p.namespace, external_workload: p.name }
        : vizTargetLabels(p.namespace, p.name, p.labels);
      return { address: hostPort(p.ip ?? '', p.adminPort ?? 0), labels };
    });
}

/**
 * Whether a Service's selector picks a pod: every selector label matches. A
 * Service without a selector (its endpoints are managed elsewhere) picks none.
 */
export function serviceSelects(
  selector: Record<string, string> | undefined,
  labels: Record<string, string>,
): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/**
 * The service an authority names, when it is a cluster service's DNS name
 * (`books.booksapp.svc.cluster.local:7002`, or without the cluster domain);
 * a short name or an IP says nothing certain.
 */
export function serviceOfAuthority(
  authority: string | undefined,
  clusterDomain: string,
): { name: string; namespace: string } | undefined {
  const host = authority?.replace(/:\d+$/, '');
  if (!host) return undefined;
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(\.(.+))?$/.exec(
    host,
  );
  if (!m?.[1] || !m[3] || (m[6] !== undefined && m[6] !== clusterDomain)) return undefined;
  return { name: m[1], namespace: m[3] };
}
