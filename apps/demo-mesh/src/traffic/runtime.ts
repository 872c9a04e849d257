import type { Counter, Histogram } from '../proxy/registry';
import type { CallSpec, RequestClass, ServiceSpec } from '../scenarios/types';
import type { LogNormal, Sequence } from './distributions';
import type { InboundDecision, OpaqueRoute, OutboundRoute } from './policy';

/** What the traffic engine and the recorder share about calls in flight. */
export interface Outcome {
  status: number;
  grpcStatus: number | undefined;
  failure: boolean;
  error: string;
  latencyMs: number;
}

/** One backend of a route: the Service requests go to, its weight, its backend labels. */
export interface BackendRuntime {
  svc: ServiceSpec;
  weight: number;
  /** Parent + route + backend labels (backend families). */
  gwBackend: string;
}

export interface ClassRuntime {
  call: CallSpec;
  cls: RequestClass;
  /** The Service the app calls: the route's parent. */
  svc: ServiceSpec;
  /** Where its route sends requests: the parent itself, or the rule's weighted backends. */
  backends: BackendRuntime[];
  /** Picks a backend per attempt, so shares over any window match the weights. */
  backendSeq: Sequence;
  clientNs: string;
  clientWorkload: string;
  route: OutboundRoute;
  dist: LogNormal;
  due: number;
  rotation: number;
  latencySeq: Sequence;
  failureSeq: Sequence;
  grpc: boolean;
  /** Label texts of the route families, built once. */
  labels: {
    spOut: string;
    spIn: string;
    /** Gateway-API parent + route labels. */
    gwRoute: string;
    /** ...plus `hostname` (request families). */
    gwRequest: string;
    family: 'outbound_http_route' | 'outbound_grpc_route';
  };
}

export type Series = Counter | Histogram;

export interface PairHandle {
  outRequest?: Counter;
  outResponse: Map<string, Counter>;
  outLatency: Map<string, Histogram>;
  inRequest?: Counter;
  inResponse: Map<string, Counter>;
  inLatency: Map<string, Histogram>;
  inAllow?: Counter;
  inDeny?: Counter;
  outTcp?: TcpHandle;
  inTcp?: TcpHandle;
  decision: InboundDecision;
  outBase: string;
  inBase: string;
  /** Inbound TLS labels for this client (`tls`, `client_id` / `no_tls_reason`). */
  inTls: string;
  /** parent_* and route_* labels of the inbound route families, made on first use. */
  inRoute?: string;
  /** The server pod's address and port the requests arrive at. */
  inTarget: Record<'target_addr' | 'target_ip' | 'target_port', string>;
  /** Outbound TCP labels: the outbound base without `authority`. */
  outTcpBase: string;
}

export interface TcpHandle {
  open: Counter;
  connections: Counter;
  read: Counter;
  write: Counter;
  close: Counter;
}

export interface TcpCallRuntime {
  call: CallSpec;
  svc: ServiceSpec;
  due: number;
  pairs: Set<PairHandle>;
  /** The route its connections take, and the draws that pick each connection's backend. */
  route: OpaqueRoute;
  /** The route's parent_* and route_* labels, as its families write them. */
  routeLabels: string;
  backendSeq: Sequence;
}
