import type { KubeObject } from '../kube/types';

/** Latency of a request class, as two quantiles of a log-normal distribution. */
export interface LatencySpec {
  p50Ms: number;
  p95Ms: number;
}

export type AppProtocol = 'http' | 'grpc' | 'tcp';

export interface NamespaceSpec {
  name: string;
  /** `linkerd.io/inject: enabled` on the namespace. */
  inject?: boolean;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
}

export type WorkloadKind =
  | 'Deployment'
  | 'StatefulSet'
  | 'DaemonSet'
  | 'CronJob'
  | 'Job'
  | 'Rollout'
  /** A VM joined to the mesh (mesh expansion): its proxy, its ExternalWorkload object, no pod. */
  | 'ExternalWorkload';

export interface PortSpec {
  name: string;
  port: number;
  protocol: AppProtocol;
}

export interface WorkloadSpec {
  namespace: string;
  name: string;
  kind: WorkloadKind;
  /** Pods per workload (DaemonSet: one per node; CronJob: pods per Job). */
  replicas?: number;
  /** Has the proxy. A pod in an inject-enabled namespace without it was created before the annotation. */
  meshed: boolean;
  /** Opt out with `linkerd.io/inject: disabled` on the pod template. */
  injectDisabled?: boolean;
  serviceAccount?: string;
  ports?: PortSpec[];
  image?: string;
  /** Proxy version when it differs from the control plane's (a pod not restarted after an upgrade). */
  proxyVersion?: string;
  /** Runs a FIPS build of the proxy (its `rustls_info` says `tls_fips="true"`). */
  fipsProxy?: boolean;
  /** Ports the proxy treats as opaque (`config.linkerd.io/opaque-ports`). */
  opaquePorts?: number[];
  /** CronJob: seconds between Jobs, and how long each Job's pods run. */
  schedule?: { everySeconds: number; runSeconds: number };
  /** Identity certificate that failed to refresh and expires this many seconds after start. */
  certExpiresInSeconds?: number;
  /** Container restarts already seen (status.containerStatuses[].restartCount). */
  restarts?: number;
  /** Rollout: pods of the canary revision, beside `replicas` of the stable one. */
  canaryReplicas?: number;
}

export interface ServiceSpec {
  namespace: string;
  name: string;
  /** Workload whose pods back the service (same namespace). */
  workload: string;
  port: number;
  targetPort: number;
  protocol: AppProtocol;
  portName?: string;
  /** On the Service object: `retry.linkerd.io/*`, `timeout.linkerd.io/*`, ... */
  annotations?: Record<string, string>;
}

/** One kind of request a client sends to a service. */
export interface RequestClass {
  method?: string;
  path: string;
  rps: number;
  /** Share of requests that succeed, 0..1. */
  successRate: number;
  latency: LatencySpec;
  /** HTTP status of a failed response (default 500; gRPC failures answer 200 with a grpc-status). */
  failureStatus?: number;
  /**
   * Statuses other than 200 among the responses that are not failures, with
   * their shares of all responses (201, 304, 404, ...), as real services answer.
   */
  statusMix?: { status: number; share: number }[];
  /** gRPC status code of a failure (default 2, Unknown). */
  failureGrpcStatus?: number;
  requestBytes?: number;
  responseBytes?: number;
}

export interface CallSpec {
  /** `namespace/workload` of the client. */
  from: string;
  /** `namespace/service` called. */
  to: string;
  protocol: AppProtocol;
  /** HTTP/gRPC request classes. */
  requests?: RequestClass[];
  /** Opaque TCP: concurrent connections and byte rates per client pod. */
  tcp?: {
    connections: number;
    readBytesPerSec: number;
    writeBytesPerSec: number;
    /** Connections each client pod replaces a minute per server pod (1 unless given). */
    reconnectsPerMinute?: number;
  };
}

/**
 * A call from a workload to a host outside the cluster, which the client's
 * proxy routes through the EgressNetwork that captures the host's address
 * (mesh-facts §7), or lets through on its fallback when none does.
 */
export interface EgressCallSpec {
  /** `namespace/workload` of the client. */
  from: string;
  /** The host the app dials (the HTTP authority, or the TLS SNI). */
  host: string;
  /** The address the host resolves to, outside the cluster's networks. */
  ip: string;
  port: number;
  /** `http`: plaintext requests the proxy sees whole; `tls`: connections it routes by SNI. */
  protocol: 'http' | 'tls';
  /** Requests (http) or connections (tls) per second, over all the client's pods. */
  rate: number;
  method?: string;
  path?: string;
  /** Share of allowed requests the host answers without failing (default 1). */
  successRate?: number;
  /** Status of a failed answer (default 503). */
  failureStatus?: number;
  latency?: LatencySpec;
  /** TLS: seconds an allowed connection stays open (default 5). */
  connectionSeconds?: number;
}

/** A scheduled change in behaviour, so charts show change. */
export interface IncidentSpec {
  /** `namespace/service` whose callers see the incident. */
  service: string;
  /** Seconds after the mesh starts; repeats every `everySeconds` when given. */
  startSeconds: number;
  durationSeconds: number;
  everySeconds?: number;
  /** Failure probability added to every request class. */
  extraFailure?: number;
  /** Latency multiplier. */
  latencyFactor?: number;
}

/** A pod that is deleted and replaced (rollout, eviction) at a set time. */
export interface PodReplacementSpec {
  workload: string; // namespace/name
  everySeconds: number;
}

export interface Scenario {
  name: string;
  description: string;
  namespaces: NamespaceSpec[];
  workloads: WorkloadSpec[];
  services: ServiceSpec[];
  calls: CallSpec[];
  /** Calls to hosts outside the cluster. */
  egress?: EgressCallSpec[];
  /** Linkerd CRD objects (ServiceProfile, HTTPRoute, Server, ...), applied as written. */
  resources: KubeObject[];
  incidents?: IncidentSpec[];
  replacements?: PodReplacementSpec[];
  /** Simulated nodes (DaemonSets run one pod on each). */
  nodes?: number;
  /** Installs linkerd-viz: a meshed Prometheus that scrapes every proxy every 10 s. */
  linkerdViz?: boolean;
}
