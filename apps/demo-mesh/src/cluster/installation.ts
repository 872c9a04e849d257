import type { KubeObject } from '../kube/types';
import type { WorkloadSpec } from '../scenarios/types';
import { CERT_LIFETIME_SECONDS, CONTROL_PLANE_NS, LINKERD_VERSION, TRUST_DOMAIN } from './linkerd';
import { iso } from './objects';

/** What `linkerd install` (and `linkerd viz install`) put in the cluster. */
export const CONTROL_PLANE: WorkloadSpec[] = ['destination', 'identity', 'proxy-injector'].map(
  (c) => ({
    namespace: CONTROL_PLANE_NS,
    name: `linkerd-${c}`,
    kind: 'Deployment' as const,
    replicas: 1,
    meshed: true,
    serviceAccount: `linkerd-${c}`,
    image: `cr.l5d.io/linkerd/${c === 'proxy-injector' ? 'controller' : c === 'identity' ? 'controller' : 'controller'}:${LINKERD_VERSION}`,
    ports: [
      {
        name: c === 'identity' ? 'grpc' : c === 'destination' ? 'grpc' : 'proxy-injector',
        port: c === 'identity' ? 8080 : c === 'destination' ? 8086 : 8443,
        protocol: 'grpc' as const,
      },
    ],
  }),
);

/** linkerd-viz's namespace and its Prometheus, meshed, as `linkerd viz install` creates them. */
export const VIZ_NS = 'linkerd-viz';
export const VIZ_PROMETHEUS: WorkloadSpec = {
  namespace: VIZ_NS,
  name: 'prometheus',
  kind: 'Deployment',
  replicas: 1,
  meshed: true,
  serviceAccount: 'prometheus',
  image: 'prom/prometheus:v2.55.1',
  ports: [{ name: 'admin-http', port: 9090, protocol: 'http' }],
};

/** The `linkerd-config` ConfigMap, its `values` as the control-plane chart writes them. */
export function linkerdConfigMap(uid: string, created: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'linkerd-config',
      namespace: CONTROL_PLANE_NS,
      uid,
      creationTimestamp: iso(created),
      labels: { 'linkerd.io/control-plane-component': 'controller' },
    },
    data: {
      values: [
        `linkerdVersion: ${LINKERD_VERSION}`,
        `clusterDomain: ${TRUST_DOMAIN}`,
        `identityTrustDomain: ${TRUST_DOMAIN}`,
        'identity:',
        '  issuer:',
        `    issuanceLifetime: ${CERT_LIFETIME_SECONDS / 3600}h0m0s`,
        '    clockSkewAllowance: 20s',
        '    scheme: linkerd.io/tls',
        'proxy:',
        `  image:\n    name: cr.l5d.io/linkerd/proxy\n    version: ${LINKERD_VERSION}`,
        '  defaultInboundPolicy: all-unauthenticated',
        'egress:',
        '  globalEgressNetworkNamespace: linkerd-egress',
      ].join('\n'),
    },
  };
}
