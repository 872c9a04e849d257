import type { KubeObject, OwnerReference } from '../kube/types';
import type { PortSpec, ServiceSpec, WorkloadSpec } from '../scenarios/types';
import {
  ADMIN_PORT,
  CONTROL_PLANE_NS,
  INBOUND_PORT,
  LINKERD_VERSION,
  PROXY_IMAGE,
  TRUST_DOMAIN,
} from './linkerd';

export function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function ownerRef(obj: KubeObject): OwnerReference {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name,
    uid: obj.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function namespaceObject(
  name: string,
  uid: string,
  created: number,
  labels: Record<string, string> = {},
  annotations: Record<string, string> = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      uid,
      creationTimestamp: iso(created),
      labels: { 'kubernetes.io/metadata.name': name, ...labels },
      annotations,
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

export function nodeObject(
  name: string,
  uid: string,
  created: number,
  internalIp: string,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      uid,
      creationTimestamp: iso(created),
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'topology.kubernetes.io/zone': 'zone-a',
      },
    },
    spec: {},
    status: {
      addresses: [
        { type: 'InternalIP', address: internalIp },
        { type: 'Hostname', address: name },
      ],
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: iso(created) }],
      nodeInfo: {
        kubeletVersion: 'v1.31.4',
        containerRuntimeVersion: 'containerd://1.7.22',
        osImage: 'Debian GNU/Linux 12',
        architecture: 'amd64',
        operatingSystem: 'linux',
      },
    },
  };
}

export function serviceAccountObject(
  namespace: string,
  name: string,
  uid: string,
  created: number,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, namespace, uid, creationTimestamp: iso(created) },
  };
}

/** Annotations the proxy injector writes on a pod it injected. */
export function injectedAnnotations(
  proxyVersion: string,
  opaquePorts?: number[],
): Record<string, string> {
  return {
    'linkerd.io/created-by': `linkerd/proxy-injector ${LINKERD_VERSION}`,
    'linkerd.io/proxy-version': proxyVersion,
    'linkerd.io/identity-mode': 'default',
    'linkerd.io/trust-root-sha256':
      '2b5e6b3e5c0f1c3b9e7d4a7f2f1d0c9b8a7e6d5c4b3a29181716151413121110',
    ...(opaquePorts?.length ? { 'config.linkerd.io/opaque-ports': opaquePorts.join(',') } : {}),
  };
}

/** Kubernetes' default `periodSeconds` for a probe. */
export const PROBE_PERIOD_SECONDS = 10;
/** The app container's probes, as `appProbes` declares them on the pod. */
export const APP_PROBE_PATHS = { liveness: '/healthz', readiness: '/readyz' } as const;

/**
 * The port the kubelet probes on a workload's app container: its first HTTP
 * port. A workload without one (gRPC or TCP only) declares no HTTP probe.
 */
export function probedPort(ports: PortSpec[] | undefined): PortSpec | undefined {
  return ports?.find((p) => p.protocol === 'http');
}

/** The probes the app container declares (`httpGet` on its first HTTP port), as a pod spec has them. */
export function appProbes(ports: PortSpec[] | undefined): Record<string, unknown> {
  const port = probedPort(ports);
  if (!port) return {};
  const probe = (path: string) => ({
    httpGet: { path, port: port.port, scheme: 'HTTP' },
    periodSeconds: PROBE_PERIOD_SECONDS,
  });
  return {
    livenessProbe: probe(APP_PROBE_PATHS.liveness),
    readinessProbe: probe(APP_PROBE_PATHS.readiness),
  };
}

function appContainer(w: WorkloadSpec) {
  return {
    name: w.name,
    image: w.image ?? `ghcr.io/meshviz/demo/${w.name}:v1`,
    ports: (w.ports ?? []).map((p: PortSpec) => ({
      name: p.name,
      containerPort: p.port,
      protocol: 'TCP',
    })),
    ...appProbes(w.ports),
    resources: { requests: { cpu: '10m', memory: '32Mi' } },
  };
}

/** The `linkerd-proxy` container as the injector adds it. */
const proxyContainers = new Map<string, ReturnType<typeof buildProxyContainer>>();

/** The `linkerd-proxy` container as the injector adds it (one shared object per version). */
export function proxyContainer(proxyVersion: string) {
  let c = proxyContainers.get(proxyVersion);
  if (!c) {
    c = buildProxyContainer(proxyVersion);
    proxyContainers.set(proxyVersion, c);
  }
  return c;
}

function buildProxyContainer(proxyVersion: string) {
  return {
    name: 'linkerd-proxy',
    image: `${PROXY_IMAGE}:${proxyVersion}`,
    ports: [
      { name: 'linkerd-proxy', containerPort: INBOUND_PORT, protocol: 'TCP' },
      { name: 'linkerd-admin', containerPort: ADMIN_PORT, protocol: 'TCP' },
    ],
    env: [
      { name: '_pod_name', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: '_pod_ns', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: '_pod_sa', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
      { name: 'LINKERD2_PROXY_ADMIN_LISTEN_ADDR', value: `0.0.0.0:${ADMIN_PORT}` },
      { name: 'LINKERD2_PROXY_INBOUND_LISTEN_ADDR', value: `0.0.0.0:${INBOUND_PORT}` },
      {
        name: 'LINKERD2_PROXY_DESTINATION_SVC_ADDR',
        value: `linkerd-dst-headless.${CONTROL_PLANE_NS}.svc.${TRUST_DOMAIN}.:8086`,
      },
      {
        name: 'LINKERD2_PROXY_IDENTITY_LOCAL_NAME',
        value: `$(_pod_sa).$(_pod_ns).serviceaccount.identity.${CONTROL_PLANE_NS}.${TRUST_DOMAIN}`,
      },
      {
        name: 'LINKERD2_PROXY_IDENTITY_SVC_NAME',
        value: `linkerd-identity.${CONTROL_PLANE_NS}.serviceaccount.identity.${CONTROL_PLANE_NS}.${TRUST_DOMAIN}`,
      },
    ],
    readinessProbe: { httpGet: { path: '/ready', port: ADMIN_PORT } },
    livenessProbe: { httpGet: { path: '/live', port: ADMIN_PORT } },
    securityContext: {
      runAsUser: 2102,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    },
  };
}

const LINKERD_INIT = {
  name: 'linkerd-init',
  image: 'cr.l5d.io/linkerd/proxy-init:v2.4.1',
  args: [
    '--incoming-proxy-port',
    String(INBOUND_PORT),
    '--outgoing-proxy-port',
    '4140',
    '--proxy-uid',
    '2102',
    '--inbound-ports-to-ignore',
    `4190,${ADMIN_PORT}`,
  ],
};

export interface PodTemplateInput {
  workload: WorkloadSpec;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  meshed: boolean;
  proxyVersion: string;
}

export function podSpec(input: PodTemplateInput) {
  const { workload, meshed, proxyVersion } = input;
  return {
    serviceAccountName: workload.serviceAccount ?? workload.name,
    containers: meshed
      ? [appContainer(workload), proxyContainer(proxyVersion)]
      : [appContainer(workload)],
    ...(meshed ? { initContainers: [LINKERD_INIT] } : {}),
    restartPolicy: workload.kind === 'CronJob' || workload.kind === 'Job' ? 'Never' : 'Always',
  };
}

export function serviceObject(
  s: ServiceSpec,
  uid: string,
  created: number,
  clusterIp: string,
  selector: Record<string, string>,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: s.name,
      namespace: s.namespace,
      uid,
      creationTimestamp: iso(created),
      labels: { app: s.workload },
      ...(s.annotations ? { annotations: s.annotations } : {}),
    },
    spec: {
      type: 'ClusterIP',
      clusterIP: clusterIp,
      clusterIPs: [clusterIp],
      selector,
      ports: [
        {
          name:
            s.portName ?? (s.protocol === 'grpc' ? 'grpc' : s.protocol === 'tcp' ? 'tcp' : 'http'),
          port: s.port,
          targetPort: s.targetPort,
          protocol: 'TCP',
          ...(s.protocol === 'grpc' ? { appProtocol: 'kubernetes.io/h2c' } : {}),
        },
      ],
    },
    status: { loadBalancer: {} },
  };
}

export interface EndpointInput {
  ip: string;
  ready: boolean;
  podName: string;
  podUid: string;
  nodeName: string;
}

export function endpointSliceObject(
  s: ServiceSpec,
  service: KubeObject,
  uid: string,
  endpoints: EndpointInput[],
): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: `${s.name}-${(service.metadata.uid ?? 'xxxxx').slice(0, 5)}`,
      namespace: s.namespace,
      uid,
      creationTimestamp: service.metadata.creationTimestamp,
      labels: {
        'kubernetes.io/service-name': s.name,
        'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
      },
      ownerReferences: [
        {
          apiVersion: 'v1',
          kind: 'Service',
          name: s.name,
          uid: service.metadata.uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    addressType: 'IPv4',
    endpoints: endpoints.map((e) => ({
      addresses: [e.ip],
      conditions: { ready: e.ready, serving: e.ready, terminating: false },
      nodeName: e.nodeName,
      targetRef: { kind: 'Pod', namespace: s.namespace, name: e.podName, uid: e.podUid },
    })),
    ports: [
      {
        name:
          s.portName ?? (s.protocol === 'grpc' ? 'grpc' : s.protocol === 'tcp' ? 'tcp' : 'http'),
        port: s.targetPort,
        protocol: 'TCP',
      },
    ],
  };
}
