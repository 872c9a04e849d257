import type { ControlPlaneResponse } from '@meshviz/shared';
import { Answer } from './answer';
import type { MeshDeps } from './deps';

/** The control-plane components (mesh-facts §1), by `linkerd.io/control-plane-component`. */
export const COMPONENTS = ['destination', 'identity', 'proxy-injector'] as const;
const COMPONENT_LABEL = 'linkerd.io/control-plane-component';
/** Groups every Kubernetes cluster serves; the rest are CRDs a cluster may lack. */
const BUILT_IN_GROUPS = new Set(['apps', 'batch', 'discovery.k8s.io']);

/**
 * The control plane's health (pods ready, restarts), its version, and the
 * proxy versions in use. The version is the control-plane pods' proxy
 * version: Linkerd injects its own components with the proxy of its release.
 */
export function controlPlaneView(deps: MeshDeps): ControlPlaneResponse {
  const { snapshot, pods: all } = deps.snapshots.get();
  // Pods only: an external workload's proxy runs on a VM, at whatever version its owner installed.
  const pods = all.filter((p) => p.workload.kind !== 'externalworkloads');
  const answer = new Answer(deps.topology.errors());
  const ns = snapshot.linkerdNamespace;
  const cp = pods.filter((p) => p.namespace === ns);
  const versions = new Map<string, number>();
  for (const p of cp)
    if (p.proxyVersion) versions.set(p.proxyVersion, (versions.get(p.proxyVersion) ?? 0) + 1);
  // linkerd-config names the release; without it, the control-plane pods' proxy version.
  const { linkerd } = snapshot;
  const version = linkerd.version ?? [...versions].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
  const inUse = new Map<string, number>();
  for (const p of pods)
    if (p.meshed && p.proxyVersion) inUse.set(p.proxyVersion, (inUse.get(p.proxyVersion) ?? 0) + 1);
  return {
    namespace: ns,
    version,
    config: {
      found: linkerd.found,
      trustDomain: linkerd.trustDomain,
      clusterDomain: linkerd.clusterDomain,
      issuanceLifetimeSeconds: linkerd.issuanceLifetimeSeconds,
      defaultInboundPolicy: linkerd.defaultInboundPolicy,
      note: linkerd.note,
    },
    resources: deps.topology
      .served()
      .filter((r) => r.group !== '' && !BUILT_IN_GROUPS.has(r.group))
      .map(({ kind, group, apiVersion }) => ({ kind, group, apiVersion })),
    components: COMPONENTS.map((name) => {
      const mine = cp.filter((p) => p.labels[COMPONENT_LABEL] === name);
      return {
        name,
        healthy: mine.length > 0 && mine.every((p) => p.ready),
        pods: mine.map((p) => ({
          name: p.name,
          phase: p.phase,
          ready: p.ready,
          restarts: p.restarts,
        })),
      };
    }),
    meshedPods: pods.filter((p) => p.meshed).length,
    totalPods: pods.length,
    proxyVersions: [...inUse]
      .sort((a, b) => b[1] - a[1])
      .map(([v, n]) => ({ version: v, pods: n, matchesControlPlane: v === version })),
    errors: answer.errors,
  };
}
