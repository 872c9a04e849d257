/** The Kubernetes resources meshviz watches (mesh-facts §5), with their API paths. */
export interface WatchedResource {
  key: string;
  apiVersion: string;
  kind: string;
  plural: string;
  /** A Linkerd or Gateway API CRD that a cluster may not have installed. */
  optional?: boolean;
  /** Watched in this namespace only (least privilege: a Role there, not a ClusterRole). */
  namespace?: string;
}

/** The key of the ConfigMaps of Linkerd's namespace, where `linkerd-config` lives. */
export const LINKERD_CONFIGMAPS = 'linkerd-configmaps';

/** Everything meshviz watches, given the namespace Linkerd's control plane runs in. */
export function watchedResources(linkerdNamespace: string): WatchedResource[] {
  return [
    ...WATCHED,
    {
      key: LINKERD_CONFIGMAPS,
      apiVersion: 'v1',
      kind: 'ConfigMap',
      plural: 'configmaps',
      namespace: linkerdNamespace,
    },
  ];
}

const WATCHED: readonly WatchedResource[] = [
  { key: 'namespaces', apiVersion: 'v1', kind: 'Namespace', plural: 'namespaces' },
  { key: 'pods', apiVersion: 'v1', kind: 'Pod', plural: 'pods' },
  { key: 'services', apiVersion: 'v1', kind: 'Service', plural: 'services' },
  { key: 'deployments', apiVersion: 'apps/v1', kind: 'Deployment', plural: 'deployments' },
  { key: 'replicasets', apiVersion: 'apps/v1', kind: 'ReplicaSet', plural: 'replicasets' },
  { key: 'statefulsets', apiVersion: 'apps/v1', kind: 'StatefulSet', plural: 'statefulsets' },
  { key: 'daemonsets', apiVersion: 'apps/v1', kind: 'DaemonSet', plural: 'daemonsets' },
  { key: 'jobs', apiVersion: 'batch/v1', kind: 'Job', plural: 'jobs' },
  { key: 'cronjobs', apiVersion: 'batch/v1', kind: 'CronJob', plural: 'cronjobs' },
  {
    key: 'serviceprofiles',
    apiVersion: 'linkerd.io/v1alpha2',
    kind: 'ServiceProfile',
    plural: 'serviceprofiles',
    optional: true,
  },
  {
    key: 'servers',
    apiVersion: 'policy.linkerd.io/v1beta3',
    kind: 'Server',
    plural: 'servers',
    optional: true,
  },
  {
    key: 'serverauthorizations',
    apiVersion: 'policy.linkerd.io/v1beta1',
    kind: 'ServerAuthorization',
    plural: 'serverauthorizations',
    optional: true,
  },
  {
    key: 'authorizationpolicies',
    apiVersion: 'policy.linkerd.io/v1alpha1',
    kind: 'AuthorizationPolicy',
    plural: 'authorizationpolicies',
    optional: true,
  },
  {
    key: 'meshtlsauthentications',
    apiVersion: 'policy.linkerd.io/v1alpha1',
    kind: 'MeshTLSAuthentication',
    plural: 'meshtlsauthentications',
    optional: true,
  },
  {
    key: 'networkauthentications',
    apiVersion: 'policy.linkerd.io/v1alpha1',
    kind: 'NetworkAuthentication',
    plural: 'networkauthentications',
    optional: true,
  },
  {
    key: 'httproutes.policy',
    apiVersion: 'policy.linkerd.io/v1beta3',
    kind: 'HTTPRoute',
    plural: 'httproutes',
    optional: true,
  },
  {
    key: 'httproutes.gateway',
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    plural: 'httproutes',
    optional: true,
  },
  {
    key: 'grpcroutes.policy',
    apiVersion: 'policy.linkerd.io/v1alpha1',
    kind: 'GRPCRoute',
    plural: 'grpcroutes',
    optional: true,
  },
  {
    key: 'grpcroutes.gateway',
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GRPCRoute',
    plural: 'grpcroutes',
    optional: true,
  },
  // Opaque and TLS routes: the Gateway API's experimental channel (Linkerd 2.17).
  {
    key: 'tcproutes.gateway',
    apiVersion: 'gateway.networking.k8s.io/v1alpha2',
    kind: 'TCPRoute',
    plural: 'tcproutes',
    optional: true,
  },
  {
    key: 'tlsroutes.gateway',
    apiVersion: 'gateway.networking.k8s.io/v1alpha2',
    kind: 'TLSRoute',
    plural: 'tlsroutes',
    optional: true,
  },
  // Mesh expansion: VMs joined to the mesh (Linkerd 2.15).
  {
    key: 'externalworkloads',
    apiVersion: 'workload.linkerd.io/v1beta1',
    kind: 'ExternalWorkload',
    plural: 'externalworkloads',
    optional: true,
  },
  // Rate limits on a Server (Linkerd 2.17).
  {
    key: 'httplocalratelimitpolicies',
    apiVersion: 'policy.linkerd.io/v1alpha1',
    kind: 'HTTPLocalRateLimitPolicy',
    plural: 'httplocalratelimitpolicies',
    optional: true,
  },
  // Traffic leaving the cluster (Linkerd 2.17).
  {
    key: 'egressnetworks',
    apiVersion: 'policy.linkerd.io/v1alpha1',
    kind: 'EgressNetwork',
    plural: 'egressnetworks',
    optional: true,
  },
];

export function listPath(r: WatchedResource): string {
  const ns = r.namespace ? `/namespaces/${r.namespace}` : '';
  return r.apiVersion.includes('/')
    ? `/apis/${r.apiVersion}${ns}/${r.plural}`
    : `/api/${r.apiVersion}${ns}/${r.plural}`;
}
