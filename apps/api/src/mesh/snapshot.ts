import type { KubernetesObject, V1ConfigMap, V1Pod } from '@kubernetes/client-node';
import { load } from 'js-yaml';
import { linkerdConfigOf } from '../model/linkerd-config';
import { LINKERD_CONFIGMAPS } from '../sources/kubernetes/resources';
import { foreignKind, kindOfObject, WORKLOAD_KINDS } from '../model/kinds';
import { WorkloadNames } from './workload-names';
import {
  externalWorkloadInfo,
  podInfo,
  serviceSelects,
  type PodInfo,
  type TopologySnapshot,
} from '../model/workloads';

/** What the mesh layer needs of the topology source. */
export interface TopologyReader {
  list<T extends KubernetesObject>(key: string, namespace?: string): T[];
  errors(): string[];
  version: number;
  /** Each watched resource and the version serving it, null where the cluster lacks it. */
  served(): { key: string; kind: string; group: string; apiVersion: string | null }[];
}

/** Workload kinds the topology watches (all but pods, listed separately, and replication controllers). */
const WORKLOAD_KEYS = WORKLOAD_KINDS.filter((k) => k !== 'pods' && k !== 'replicationcontrollers');

/** The chart values `linkerd-config` holds, parsed; undefined when missing or unreadable. */
function readValues(configMaps: V1ConfigMap[]): Record<string, unknown> | undefined {
  const text = configMaps.find((c) => c.metadata?.name === 'linkerd-config')?.data?.values;
  if (!text) return undefined;
  try {
    const values = load(text);
    return values && typeof values === 'object' ? (values as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The workloads behind each service: those whose running pods its selector picks. Pods are
 * grouped by namespace first, so the work grows with each namespace's services times its
 * pods, not with the cluster's services times the cluster's pods.
 */
function serviceBackends(
  snapshot: TopologySnapshot,
  pods: PodInfo[],
): Map<string, { kind: string; name: string }[]> {
  const running = new Map<string, PodInfo[]>();
  for (const p of pods) {
    if (p.phase !== 'Running') continue;
    let list = running.get(p.namespace);
    if (!list) running.set(p.namespace, (list = []));
    list.push(p);
  }
  const out = new Map<string, { kind: string; name: string }[]>();
  for (const s of snapshot.services) {
    const seen = new Map<string, { kind: string; name: string }>();
    for (const p of running.get(s.namespace) ?? [])
      if (serviceSelects(s.selector, p.labels))
        seen.set(`${p.workload.kind}/${p.workload.name}`, p.workload);
    out.set(`${s.namespace}/${s.name}`, [...seen.values()]);
  }
  return out;
}

/** Linkerd's default admin port: every proxy serves its admin server there unless configured otherwise. */
const DEFAULT_ADMIN_PORT = 4191;

/** The ports the proxies' admin servers listen on: what their `linkerd-admin` container ports say. */
function adminPorts(pods: PodInfo[]): string[] {
  const ports = new Set([DEFAULT_ADMIN_PORT]);
  for (const p of pods) if (p.adminPort) ports.add(p.adminPort);
  return [...ports].sort((a, b) => a - b).map(String);
}

/** Builds the model's plain view of the topology; cached until the topology changes. */
export class SnapshotCache {
  private cached:
    | {
        version: number;
        snapshot: TopologySnapshot;
        pods: PodInfo[];
        adminPorts: string[];
        names: WorkloadNames;
      }
    | undefined;

  constructor(
    private readonly topology: TopologyReader,
    private readonly linkerdNamespace: string,
    private readonly clusterDomain: string,
  ) {}

  get(): {
    snapshot: TopologySnapshot;
    pods: PodInfo[];
    adminPorts: string[];
    names: WorkloadNames;
  } {
    if (this.cached && this.cached.version === this.topology.version) return this.cached;
    const t = this.topology;
    const owners = new Map<string, { kind: string; name: string } | undefined>();
    for (const key of ['replicasets', 'jobs'] as const) {
      for (const o of t.list(key)) {
        const ref =
          o.metadata?.ownerReferences?.find((r) => r.controller) ??
          o.metadata?.ownerReferences?.[0];
        owners.set(
          `${o.kind ?? (key === 'jobs' ? 'Job' : 'ReplicaSet')}/${o.metadata?.namespace}/${o.metadata?.name}`,
          ref ? { kind: ref.kind, name: ref.name } : undefined,
        );
      }
    }
    const snapshot: TopologySnapshot = {
      namespaces: t
        .list('namespaces')
        .map((n) => ({ name: n.metadata?.name ?? '', annotations: n.metadata?.annotations ?? {} })),
      pods: t.list<V1Pod>('pods'),
      owners,
      workloads: WORKLOAD_KEYS.flatMap((key) =>
        t.list(key).map((o) => ({
          kind: kindOfObject(o.kind ?? '') ?? key,
          namespace: o.metadata?.namespace ?? '',
          name: o.metadata?.name ?? '',
          annotations: o.metadata?.annotations ?? {},
        })),
      ),
      services: t
        .list<KubernetesObject & { spec?: { selector?: Record<string, string> } }>('services')
        .map((s) => ({
          namespace: s.metadata?.namespace ?? '',
          name: s.metadata?.name ?? '',
          selector: s.spec?.selector,
          ...(s.metadata?.annotations ? { annotations: s.metadata.annotations } : {}),
        })),
      linkerdNamespace: this.linkerdNamespace,
      clusterDomain: this.clusterDomain,
      linkerd: linkerdConfigOf(
        readValues(t.list<V1ConfigMap>(LINKERD_CONFIGMAPS, this.linkerdNamespace)),
        this.linkerdNamespace,
        this.clusterDomain,
      ),
    };
    const pods = [
      ...snapshot.pods.map((p) => podInfo(p, snapshot)),
      // VMs joined to the mesh: each ExternalWorkload is its workload's one proxy.
      ...t.list('externalworkloads').map(externalWorkloadInfo),
    ];
    this.cached = {
      version: t.version,
      snapshot,
      pods,
      adminPorts: adminPorts(pods),
      names: new WorkloadNames(
        owners,
        foreignKind,
        serviceBackends(snapshot, pods),
        this.clusterDomain,
      ),
    };
    return this.cached;
  }
}
