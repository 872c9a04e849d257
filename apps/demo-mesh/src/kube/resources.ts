/** The resources the simulated API server serves, each at exactly one group/version. */
export interface ResourceType {
  group: string; // '' for the core group
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
}

export const RESOURCES: readonly ResourceType[] = [
  {
    group: '',
    version: 'v1',
    kind: 'Namespace',
    plural: 'namespaces',
    singular: 'namespace',
    namespaced: false,
    shortNames: ['ns'],
  },
  {
    group: '',
    version: 'v1',
    kind: 'Node',
    plural: 'nodes',
    singular: 'node',
    namespaced: false,
    shortNames: ['no'],
  },
  {
    group: '',
    version: 'v1',
    kind: 'Pod',
    plural: 'pods',
    singular: 'pod',
    namespaced: true,
    shortNames: ['po'],
  },
  {
    group: '',
    version: 'v1',
    kind: 'Service',
    plural: 'services',
    singular: 'service',
    namespaced: true,
    shortNames: ['svc'],
  },
  {
    group: '',
    version: 'v1',
    kind: 'ServiceAccount',
    plural: 'serviceaccounts',
    singular: 'serviceaccount',
    namespaced: true,
    shortNames: ['sa'],
  },
  {
    group: '',
    version: 'v1',
    kind: 'ConfigMap',
    plural: 'configmaps',
    singular: 'configmap',
    namespaced: true,
    shortNames: ['cm'],
  },
  {
    group: 'apps',
    version: 'v1',
    kind: 'Deployment',
    plural: 'deployments',
    singular: 'deployment',
    namespaced: true,
    shortNames: ['deploy'],
  },
  {
    group: 'apps',
    version: 'v1',
    kind: 'ReplicaSet',
    plural: 'replicasets',
    singular: 'replicaset',
    namespaced: true,
    shortNames: ['rs'],
  },
  {
    group: 'apps',
    version: 'v1',
    kind: 'StatefulSet',
    plural: 'statefulsets',
    singular: 'statefulset',
    namespaced: true,
    shortNames: ['sts'],
  },
  {
    group: 'apps',
    version: 'v1',
    kind: 'DaemonSet',
    plural: 'daemonsets',
    singular: 'daemonset',
    namespaced: true,
    shortNames: ['ds'],
  },
  { group: 'batch', version: 'v1', kind: 'Job', plural: 'jobs', singular: 'job', namespaced: true },
  {
    group: 'batch',
    version: 'v1',
    kind: 'CronJob',
    plural: 'cronjobs',
    singular: 'cronjob',
    namespaced: true,
    shortNames: ['cj'],
  },
  {
    group: 'discovery.k8s.io',
    version: 'v1',
    kind: 'EndpointSlice',
    plural: 'endpointslices',
    singular: 'endpointslice',
    namespaced: true,
  },
  {
    group: 'linkerd.io',
    version: 'v1alpha2',
    kind: 'ServiceProfile',
    plural: 'serviceprofiles',
    singular: 'serviceprofile',
    namespaced: true,
    shortNames: ['sp'],
  },
  {
    group: 'policy.linkerd.io',
    version: 'v1beta3',
    kind: 'Server',
    plural: 'servers',
    singular: 'server',
    namespaced: true,
    shortNames: ['srv'],
  },
  {
    group: 'policy.linkerd.io',
    version: 'v1beta3',
    kind: 'HTTPRoute',
    plural: 'httproutes',
    singular: 'httproute',
    namespaced: true,
  },
  {
    group: 'policy.linkerd.io',
    version: 'v1beta1',
    kind: 'ServerAuthorization',
    plural: 'serverauthorizations',
    singular: 'serverauthorization',
    namespaced: true,
    shortNames: ['saz'],
  },
  {
    group: 'policy.linkerd.io',
    version: 'v1alpha1',
    kind: 'AuthorizationPolicy',
    plural: 'authorizationpolicies',
    singular: 'authorizationpolicy',
    namespaced: true,
  },
  {
    group: 'policy.linkerd.io',
    version: 'v1alpha1',
    kind: 'MeshTLSAuthentication',
    plural: 'meshtlsauthentications',
    singular: 'meshtlsauthentication',
    namespaced: true,
  },
  {
    group: 'policy.linkerd.io',
    version: 'v1alpha1',
    kind: 'NetworkAuthentication',
    plural: 'networkauthentications',
    singular: 'networkauthentication',
    namespaced: true,
  },
  {
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    kind: 'HTTPRoute',
    plural: 'httproutes',
    singular: 'httproute',
    namespaced: true,
  },
  {
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    kind: 'GRPCRoute',
    plural: 'grpcroutes',
    singular: 'grpcroute',
    namespaced: true,
  },
  // Opaque and TLS routes (2.17): the Gateway API's experimental channel, v1alpha2.
  {
    group: 'gateway.networking.k8s.io',
    version: 'v1alpha2',
    kind: 'TCPRoute',
    plural: 'tcproutes',
    singular: 'tcproute',
    namespaced: true,
  },
  {
    group: 'gateway.networking.k8s.io',
    version: 'v1alpha2',
    kind: 'TLSRoute',
    plural: 'tlsroutes',
    singular: 'tlsroute',
    namespaced: true,
  },
  // Mesh expansion: VMs joined to the mesh (2.15).
  {
    group: 'workload.linkerd.io',
    version: 'v1beta1',
    kind: 'ExternalWorkload',
    plural: 'externalworkloads',
    singular: 'externalworkload',
    namespaced: true,
  },
  // Rate limits on a Server (2.17).
  {
    group: 'policy.linkerd.io',
    version: 'v1alpha1',
    kind: 'HTTPLocalRateLimitPolicy',
    plural: 'httplocalratelimitpolicies',
    singular: 'httplocalratelimitpolicy',
    namespaced: true,
  },
  // Traffic leaving the cluster (2.17).
  {
    group: 'policy.linkerd.io',
    version: 'v1alpha1',
    kind: 'EgressNetwork',
    plural: 'egressnetworks',
    singular: 'egressnetwork',
    namespaced: true,
  },
  // A controller Linkerd has no special code for: Argo Rollouts.
  {
    group: 'argoproj.io',
    version: 'v1alpha1',
    kind: 'Rollout',
    plural: 'rollouts',
    singular: 'rollout',
    namespaced: true,
    shortNames: ['ro'],
  },
];

export function apiVersionOf(r: ResourceType): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** Key of a resource type in the store: `pods`, `apps/deployments`, `policy.linkerd.io/httproutes`. */
export function resourceKey(r: Pick<ResourceType, 'group' | 'plural'>): string {
  return r.group ? `${r.group}/${r.plural}` : r.plural;
}

export function findResource(
  group: string,
  version: string,
  plural: string,
  versionOf: (r: ResourceType) => string = (r) => r.version,
): ResourceType | undefined {
  return RESOURCES.find(
    (r) => r.group === group && versionOf(r) === version && r.plural === plural,
  );
}

export function resourceForKind(apiVersion: string, kind: string): ResourceType | undefined {
  return RESOURCES.find((r) => apiVersionOf(r) === apiVersion && r.kind === kind);
}
