import {
  DST_LABEL,
  dstWorkload,
  isKnownKind,
  KIND_LABEL,
  sourceWorkload,
  type WorkloadKind,
} from '../model/kinds';
import { serviceOfAuthority, type TopologySnapshot } from '../model/workloads';
import { eq, re, type Matcher } from '../sources/metrics/engine';
import { regexLiteral } from '../sources/metrics/promql';

export interface WorkloadRef {
  kind: WorkloadKind;
  name: string;
}

const at = (namespace: string, name: string) => `${namespace}/${name}`;

/**
 * How series name workloads in this cluster. Linkerd labels a pod with its
 * owner only for the controllers it knows (linkerd2 `GetOwnerKindAndName`):
 * a ReplicaSet owned by anything else (an Argo Rollout) is the pod's
 * `replicaset` label, and callers see `dst_replicaset`. This maps such
 * ReplicaSets to their top owner, and a workload to the label values its
 * series carry, so a Rollout and all its revisions are one workload.
 */
export class WorkloadNames {
  /** `namespace/replicaset` -> the foreign controller owning it. */
  private readonly ownerOf = new Map<string, WorkloadRef>();
  /** `namespace/kind/name` of a foreign controller -> its ReplicaSets. */
  private readonly replicaSetsOf = new Map<string, string[]>();

  constructor(
    owners: TopologySnapshot['owners'],
    foreignKind: (kind: string) => string,
    /** `namespace/service` -> the workloads whose running pods its selector picks. */
    private readonly serviceBackends: Map<string, WorkloadRef[]> = new Map(),
    private readonly clusterDomain = 'cluster.local',
  ) {
    for (const [key, owner] of owners) {
      const [kind, namespace = '', name = ''] = key.split('/');
      if (kind !== 'ReplicaSet' || !owner || owner.kind === 'Deployment') continue;
      const ref = { kind: foreignKind(owner.kind), name: owner.name };
      this.ownerOf.set(at(namespace, name), ref);
      const k = `${namespace}/${ref.kind}/${ref.name}`;
      this.replicaSetsOf.set(k, [...(this.replicaSetsOf.get(k) ?? []), name].sort());
    }
  }

  private resolve(
    namespace: string | undefined,
    w: WorkloadRef | undefined,
  ): WorkloadRef | undefined {
    if (w?.kind === 'replicasets' && namespace !== undefined)
      return this.ownerOf.get(at(namespace, w.name)) ?? w;
    return w;
  }

  /**
   * The workload of a series of a pod's own proxy, from its workload label and
   * `namespace` (or the namespace the query was limited to, when not grouped by it).
   */
  source(labels: Record<string, string>, namespace = labels.namespace): WorkloadRef | undefined {
    return this.resolve(namespace, sourceWorkload(labels));
  }

  /** The destination workload of an outbound series (`dst_<kind>` and `dst_namespace`, or the one given). */
  destination(
    labels: Record<string, string>,
    namespace = labels.dst_namespace,
  ): WorkloadRef | undefined {
    return this.resolve(namespace, dstWorkload(labels));
  }

  /**
   * The destination of an outbound series that lacks every `dst_<kind>`
   * label (an endpoint that is no pod, metadata the destination controller
   * did not give): the one workload behind its service, found from
   * `dst_service` or else the `authority` it was called by, or the service
   * itself when no single workload backs it.
   */
  destinationByService(
    labels: Record<string, string>,
  ): { namespace: string; ref: WorkloadRef } | undefined {
    const svc = labels.dst_service
      ? { name: labels.dst_service, namespace: labels.dst_namespace }
      : serviceOfAuthority(labels.authority, this.clusterDomain);
    if (!svc?.name || !svc.namespace) return undefined;
    const backends = this.serviceBackends.get(`${svc.namespace}/${svc.name}`) ?? [];
    const only = backends.length === 1 ? backends[0] : undefined;
    return {
      namespace: svc.namespace,
      ref: only ?? { kind: 'services', name: svc.name },
    };
  }

  /** The ReplicaSets whose labels stand for a foreign controller, or undefined for a known kind. */
  private replicaSets(namespace: string, kind: WorkloadKind, name: string): string[] | undefined {
    if (isKnownKind(kind)) return undefined;
    return this.replicaSetsOf.get(`${namespace}/${kind}/${name}`) ?? [];
  }

  /** Matchers selecting the series of a workload's own proxies. */
  self(namespace: string, kind: WorkloadKind, name: string): Matcher[] {
    const rs = this.replicaSets(namespace, kind, name);
    if (rs) return [eq('namespace', namespace), oneOf('replicaset', rs)];
    return [eq('namespace', namespace), eq(KIND_LABEL[kind as keyof typeof KIND_LABEL], name)];
  }

  /** Matchers selecting outbound series to a workload. */
  destinationOf(namespace: string, kind: WorkloadKind, name: string): Matcher[] {
    const rs = this.replicaSets(namespace, kind, name);
    if (rs) return [eq('dst_namespace', namespace), oneOf('dst_replicaset', rs)];
    const label = DST_LABEL[kind as keyof typeof DST_LABEL] as string | undefined;
    return [eq('dst_namespace', namespace), eq(label ?? 'dst_pod', name)];
  }

  /**
   * The series that count the requests a workload serves: its own proxies'
   * inbound where it has them, else its meshed clients' outbound to it
   * (mesh-facts §4). The workloads table groups by the same rule.
   */
  served(namespace: string, kind: WorkloadKind, name: string, meshed: boolean): Matcher[] {
    return meshed
      ? [eq('direction', 'inbound'), ...this.self(namespace, kind, name)]
      : [eq('direction', 'outbound'), ...this.destinationOf(namespace, kind, name)];
  }

  /** Foreign controllers whose series span several ReplicaSets: their quantiles need queries of their own. */
  spanning(): { namespace: string; kind: WorkloadKind; name: string }[] {
    return [...this.replicaSetsOf]
      .filter(([, rs]) => rs.length > 1)
      .map(([k]) => {
        const [namespace = '', kind = '', name = ''] = k.split('/');
        return { namespace, kind, name };
      });
  }
}

function oneOf(label: string, values: string[]): Matcher {
  // No value must match nothing: `-` cannot start a Kubernetes name. (An empty
  // regex would match every series that lacks the label.)
  if (values.length === 0) return eq(label, '-');
  return values.length === 1
    ? eq(label, values[0] ?? '')
    : re(label, values.map(regexLiteral).join('|'));
}
