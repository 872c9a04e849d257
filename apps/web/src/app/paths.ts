/** URLs of the views, mirroring Linkerd viz (`/namespaces/emojivoto/deployments/web`). */
export const paths = {
  namespaces: () => '/namespaces',
  namespace: (ns: string) => `/namespaces/${encodeURIComponent(ns)}`,
  workload: (ns: string, kind: string, name: string) =>
    `/namespaces/${encodeURIComponent(ns)}/${encodeURIComponent(kind)}/${encodeURIComponent(name)}`,
  graph: (namespaces?: string) =>
    namespaces ? `/graph?ns=${encodeURIComponent(namespaces)}` : '/graph',
  routes: (ns: string, kind: string, name: string, to?: string) =>
    `/routes?namespace=${encodeURIComponent(ns)}&kind=${encodeURIComponent(kind)}&name=${encodeURIComponent(name)}${to ? `&to=${encodeURIComponent(to)}` : ''}`,
  mtls: () => '/mtls',
  egress: () => '/egress',
  policy: (ns: string) => `/namespaces/${encodeURIComponent(ns)}/policy`,
  service: (ns: string, name: string) =>
    `/namespaces/${encodeURIComponent(ns)}/services/${encodeURIComponent(name)}`,
  findings: () => '/findings',
  controlPlane: () => '/control-plane',
  tap: (ns: string, resource: string, name: string) =>
    `/tap?ns=${encodeURIComponent(ns)}&resource=${encodeURIComponent(resource)}&name=${encodeURIComponent(name)}`,
  top: (ns: string, resource: string, name: string) =>
    `/top?ns=${encodeURIComponent(ns)}&resource=${encodeURIComponent(resource)}&name=${encodeURIComponent(name)}`,
};

/** Singular, human kind names for headers (`deployments` -> `Deployment`). */
export function kindTitle(kind: string): string {
  const special: Record<string, string> = {
    statefulsets: 'StatefulSet',
    daemonsets: 'DaemonSet',
    cronjobs: 'CronJob',
    replicasets: 'ReplicaSet',
    replicationcontrollers: 'ReplicationController',
    egressnetworks: 'EgressNetwork',
    externalworkloads: 'ExternalWorkload',
  };
  if (special[kind]) return special[kind];
  const one = kind.endsWith('s') ? kind.slice(0, -1) : kind;
  return one.charAt(0).toUpperCase() + one.slice(1);
}
