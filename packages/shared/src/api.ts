import { z } from 'zod';

/** A rate or ratio that has no value when there was no traffic (never 0 or 1 for "nothing"). */
const maybe = z.number().nullable();

export const latencySchema = z.object({ p50: maybe, p95: maybe, p99: maybe });

export const goldenSchema = z.object({
  /** Share of requests classified success, 0..1; null without traffic. */
  successRate: maybe,
  /** Requests per second; null without traffic. */
  rps: maybe,
  latencyMs: latencySchema,
});
export type Golden = z.infer<typeof goldenSchema>;

export const tcpSchema = z.object({
  openConnections: maybe,
  readBytesPerSec: maybe,
  writeBytesPerSec: maybe,
});

export const mtlsStateSchema = z.enum(['all', 'some', 'none']);
export const mtlsSchema = z.object({
  /** Share of requests sent over mTLS, 0..1; null without traffic. */
  securedShare: maybe,
  state: mtlsStateSchema.nullable(),
  /** Why the rest was plaintext: reason -> share of all requests. */
  reasons: z.array(z.object({ reason: z.string(), share: z.number() })),
});
export type Mtls = z.infer<typeof mtlsSchema>;

/** Workload kinds as URL path segments (plural resource names), as Linkerd viz's URLs use them. */
export const WORKLOAD_KINDS = [
  'deployments',
  'statefulsets',
  'daemonsets',
  'jobs',
  'cronjobs',
  'replicasets',
  'replicationcontrollers',
  'pods',
  // Mesh expansion (Linkerd 2.15): a VM's proxy, an ExternalWorkload object, no pod.
  'externalworkloads',
] as const;
/**
 * A kind in URLs and answers: one of `WORKLOAD_KINDS`, `services`, or the
 * lowercase plural of a controller Linkerd has no special code for
 * (`rollouts` for Argo Rollouts), whose pods appear under it.
 */
export const workloadKindSchema = z.string().regex(/^[a-z][a-z0-9]{0,62}$/);

/** A failing upstream is reported, not fatal: answers carry what could be computed plus these. */
export const errorsSchema = z.array(
  z.object({ source: z.enum(['kubernetes', 'metrics', 'proxy']), message: z.string() }),
);

export const namespaceRowSchema = z.object({
  name: z.string(),
  meshedPods: z.number(),
  totalPods: z.number(),
  ...goldenSchema.shape,
  mtls: mtlsSchema,
});
export const namespacesResponseSchema = z.object({
  window: z.string(),
  engine: z.enum(['prometheus', 'embedded']),
  namespaces: z.array(namespaceRowSchema),
  errors: errorsSchema,
});
export type NamespacesResponse = z.infer<typeof namespacesResponseSchema>;

export const workloadRowSchema = z.object({
  namespace: z.string(),
  kind: workloadKindSchema,
  name: z.string(),
  meshedPods: z.number(),
  totalPods: z.number(),
  ...goldenSchema.shape,
  tcp: tcpSchema,
  mtls: mtlsSchema,
});
export type WorkloadRow = z.infer<typeof workloadRowSchema>;
export const workloadsResponseSchema = z.object({
  window: z.string(),
  namespace: z.string(),
  workloads: z.array(workloadRowSchema),
  errors: errorsSchema,
});
export type WorkloadsResponse = z.infer<typeof workloadsResponseSchema>;

/** The kind of a graph node that stands for an EgressNetwork: the destinations outside the cluster it captures. */
export const EGRESS_NETWORK_KIND = 'egressnetworks';

export const graphNodeSchema = z.object({
  id: z.string(),
  namespace: z.string(),
  kind: workloadKindSchema.or(z.literal('unknown')),
  name: z.string(),
  meshed: z.boolean(),
  ...goldenSchema.shape,
});
export const graphEdgeSchema = z.object({
  id: z.string(),
  source: z.string(),
  target: z.string(),
  protocol: z.enum(['http', 'tcp']),
  rps: maybe,
  successRate: maybe,
  latencyMs: z.object({ p95: maybe }),
  mtls: mtlsSchema.extend({
    clientIdentity: z.string().nullable(),
    serverIdentities: z.array(z.string()),
  }),
});
export const graphResponseSchema = z.object({
  window: z.string(),
  namespaces: z.array(z.string()),
  nodes: z.array(graphNodeSchema),
  edges: z.array(graphEdgeSchema),
  errors: errorsSchema,
});
export type GraphResponse = z.infer<typeof graphResponseSchema>;
export type GraphNode = z.infer<typeof graphNodeSchema>;
export type GraphEdge = z.infer<typeof graphEdgeSchema>;

/** Kubernetes names: DNS-1123 labels, at most 63 characters. */
export const k8sNameSchema = z
  .string()
  .max(253)
  .regex(
    /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/,
    'must be a Kubernetes name (lowercase letters, digits, - and .)',
  );

export const podRowSchema = z.object({
  name: z.string(),
  phase: z.string(),
  ready: z.boolean(),
  restarts: z.number(),
  meshed: z.boolean(),
  identity: z.string().nullable(),
  proxyVersion: z.string().nullable(),
  ...goldenSchema.shape,
});

export const neighbourSchema = z.object({
  node: graphNodeSchema,
  edge: graphEdgeSchema,
});

export const workloadDetailSchema = z.object({
  window: z.string(),
  workload: workloadRowSchema.extend({
    /** The namespace or pod asks for injection but some pods have no proxy: they need a restart. */
    injectionPending: z.boolean(),
    identity: z.string().nullable(),
  }),
  pods: z.array(podRowSchema),
  inbound: z.array(neighbourSchema),
  outbound: z.array(neighbourSchema),
  /**
   * Who reads the proxies' admin servers (Prometheus, meshviz, probes): kept
   * out of every number above, shown here. `identity` is null for plaintext.
   */
  scrapers: z.array(
    z.object({ identity: z.string().nullable(), reason: z.string().nullable(), rps: z.number() }),
  ),
  /**
   * The kubelet's probes of the app's port (plaintext, admitted by the policy's default
   * `probe` route and authorization): kept out of every number above; null when none came.
   */
  probes: z.object({ rps: z.number(), successRate: z.number() }).nullable(),
  errors: errorsSchema,
});

export const routeConfigSchema = z.object({
  source: z.enum(['ServiceProfile', 'HTTPRoute', 'GRPCRoute', 'default']),
  /** The object that defines the route: `namespace/name` (and API group for HTTPRoutes). */
  object: z.string().nullable(),
  /**
   * Where the retries and timeouts in effect come from, in plain words (the route's own
   * annotations, its Service's, a ServiceProfile); null when none is configured.
   */
  configuredBy: z.string().nullable(),
  retries: z.string().nullable(),
  timeout: z.string().nullable(),
});

export const routeRowSchema = z.object({
  name: z.string(),
  config: routeConfigSchema,
  /** What the calling app saw, after retries. */
  effective: goldenSchema,
  /** Every attempt sent, retries included; null where the proxy does not report it (inbound). */
  actual: z.object({ successRate: maybe, rps: maybe }).nullable(),
  /**
   * What the retry metrics of current proxies say (`outbound_{http,grpc}_route_retry_*`):
   * retries sent per second, the share of them that ended the request well, and requests
   * per second left failed because the limit was reached or a circuit breaker was open.
   * Null where the proxy has no such metrics (ServiceProfile and inbound routes).
   */
  retries: z
    .object({
      rps: z.number(),
      successRate: maybe,
      limitExceededRps: z.number(),
      overflowRps: z.number(),
    })
    .nullable(),
  /**
   * Where the route sends its attempts (`outbound_{http,grpc}_route_backend_*`): each
   * backend Service with its configured weight (its share of the rule's weights; null
   * when no rule lists it, or the rules split differently), its observed share of the
   * attempts, and its attempts' rate, success and latency. A traffic split when more than
   * one; null where proxies report no backends (ServiceProfile and inbound routes).
   */
  backends: z
    .array(
      z.object({
        namespace: z.string(),
        name: z.string(),
        weight: maybe,
        share: maybe,
        rps: z.number(),
        successRate: maybe,
        latencyMs: latencySchema,
      }),
    )
    .nullable(),
});
export type RouteRow = z.infer<typeof routeRowSchema>;
export type RouteBackend = NonNullable<RouteRow['backends']>[number];

/**
 * A route the client's opaque or TLS connections to the service take (TCPRoute,
 * TLSRoute, or the default `opaq` route), from its proxy's `outbound_{tcp,tls}_route_*`
 * families and the route object.
 */
export const opaqueRouteRowSchema = z.object({
  /** `TCPRoute`, `TLSRoute`, or `default`. */
  kind: z.string(),
  name: z.string(),
  /** `TCPRoute.gateway.networking.k8s.io/ns/name`; null for the default route. */
  object: z.string().nullable(),
  protocol: z.enum(['tcp', 'tls']),
  /** The SNI names a TLSRoute matches. */
  hostnames: z.array(z.string()),
  /** Connections opened and closed per second, and those closed with an error. */
  openedPerSecond: z.number(),
  closedPerSecond: z.number(),
  failedPerSecond: z.number(),
  /** Closes with an error, by the proxy's `error` label. */
  errors: z.array(z.object({ error: z.string(), perSecond: z.number() })),
  /** The route's backends with their configured shares; `exists` false names no Service. */
  backends: z.array(
    z.object({ namespace: z.string(), name: z.string(), weight: z.number(), exists: z.boolean() }),
  ),
  /** Why the policy controller rejects the route object, if it does. */
  problem: z.string().nullable(),
});
export type OpaqueRouteRow = z.infer<typeof opaqueRouteRowSchema>;

/**
 * Traffic leaving the cluster (Linkerd 2.17+): each EgressNetwork with the
 * routes attached to it, and each external destination of each workload,
 * from the client proxies' outbound route families (`parent_kind="EgressNetwork"`;
 * `parent_name="egress-fallback"` where no EgressNetwork captures the address).
 */
export const egressNetworkRowSchema = z.object({
  namespace: z.string(),
  name: z.string(),
  /** `Allow` or `Deny`: what happens to traffic no route matches. */
  trafficPolicy: z.string().nullable(),
  /** The address space it captures; empty: everything outside the cluster's networks. */
  networks: z.array(z.object({ cidr: z.string(), except: z.array(z.string()) })),
  /** `cluster` in the global egress namespace (every client), else `namespace` (its own clients). */
  scope: z.enum(['cluster', 'namespace']),
  /** Gateway-API routes attached to it, each with the hosts and port it names. */
  routes: z.array(
    z.object({
      kind: z.string(),
      namespace: z.string(),
      name: z.string(),
      hostnames: z.array(z.string()),
      port: z.number().nullable(),
    }),
  ),
  /** HTTP and gRPC requests through it per second, and those its policy refused. */
  requestsPerSecond: z.number(),
  deniedRequestsPerSecond: z.number(),
  /** TLS and TCP connections opened through it per second, and those its policy refused. */
  connectionsPerSecond: z.number(),
  deniedConnectionsPerSecond: z.number(),
});
export type EgressNetworkRow = z.infer<typeof egressNetworkRowSchema>;

export const egressDestinationSchema = z.object({
  client: z.object({ namespace: z.string(), kind: workloadKindSchema, name: z.string() }),
  /** The EgressNetwork that captured it; null: none did (the proxy's fallback let it through). */
  network: z.object({ namespace: z.string(), name: z.string() }).nullable(),
  /** The host asked for (HTTP authority or TLS SNI); null where proxies do not record it. */
  hostname: z.string().nullable(),
  port: z.number().nullable(),
  protocol: z.enum(['http', 'grpc', 'tls', 'tcp']),
  /** The route taken: a Gateway-API route, or the network's default (`http-egress-deny`, ...). */
  route: z.object({ kind: z.string(), namespace: z.string(), name: z.string() }),
  /** `denied` when the network's policy refused it (its default route in Deny mode). */
  verdict: z.enum(['allowed', 'denied']),
  /** Requests (http, grpc) or connections opened (tls, tcp) per second. */
  perSecond: z.number(),
  /** Requests answered without failure, 0..1 (null for connections or without traffic). */
  successRate: maybe,
  /** Failed requests, or connections closed with an error, per second. */
  failedPerSecond: z.number(),
  /** Per status (HTTP status, gRPC status name) or connection error. */
  outcomes: z.array(z.object({ outcome: z.string(), perSecond: z.number() })),
  latencyMs: latencySchema,
});
export type EgressDestination = z.infer<typeof egressDestinationSchema>;

export const egressResponseSchema = z.object({
  window: z.string(),
  /** The namespace whose EgressNetworks apply to every client. */
  globalNamespace: z.string(),
  networks: z.array(egressNetworkRowSchema),
  destinations: z.array(egressDestinationSchema),
  /** Whether any proxy recorded host names (`config.linkerd.io/proxy-metrics-hostname-labels`). */
  hostnamesRecorded: z.boolean(),
  /** Bucket bounds (ms) of the route histograms the latencies come from (coarse: 50 ms, 500 ms, 1 s, 10 s). */
  latencyBucketsMs: z.array(z.number()),
  errors: errorsSchema,
});
export type EgressResponse = z.infer<typeof egressResponseSchema>;

export const routesResponseSchema = z.object({
  window: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  /** The service whose routes these are (`namespace/name`). */
  service: z.string().nullable(),
  routes: z.array(routeRowSchema),
  /** HTTPRoutes attached to the service that proxies ignore because a ServiceProfile exists. */
  shadowedHttpRoutes: z.array(z.object({ object: z.string(), reason: z.string() })),
  /**
   * Bucket bounds (ms) of the histogram the latencies come from, when it is
   * too coarse for a quantile to be read as exact (the Gateway-API route
   * families: 50 ms, 500 ms, 1 s, 10 s); null for the fine legacy buckets.
   */
  latencyBucketsMs: z.array(z.number()).nullable(),
  /**
   * Bucket bounds (ms) of the backends' latency histogram (`_backend_response_duration_seconds`:
   * 25 ms to 10 s), whose quantiles are ranges too; null where routes have no backends.
   */
  backendLatencyBucketsMs: z.array(z.number()).nullable(),
  /** Outbound to a service: the routes its opaque and TLS connections take. */
  opaqueRoutes: z.array(opaqueRouteRowSchema),
  errors: errorsSchema,
});
export type RoutesResponse = z.infer<typeof routesResponseSchema>;

export const timeseriesPointSchema = z.object({
  /** Unix seconds. */
  t: z.number(),
  successRate: maybe,
  rps: maybe,
  p50: maybe,
  p95: maybe,
  p99: maybe,
});
export const timeseriesResponseSchema = z.object({
  window: z.string(),
  stepSeconds: z.number(),
  /** The lookback each point's rate is computed over. */
  rateWindowSeconds: z.number(),
  subject: z.string(),
  points: z.array(timeseriesPointSchema),
  /** As in the routes answer: the coarse bucket bounds (ms) latency is estimated within, or null. */
  latencyBucketsMs: z.array(z.number()).nullable(),
  errors: errorsSchema,
});
export type TimeseriesResponse = z.infer<typeof timeseriesResponseSchema>;
export type TimeseriesPoint = z.infer<typeof timeseriesPointSchema>;

/** A key-exchange group with ML-KEM in it: a hybrid post-quantum one, or ML-KEM alone. */
export const isPostQuantumGroup = (group: string): boolean => /MLKEM/i.test(group);

export const mtlsResponseSchema = z.object({
  window: z.string(),
  mesh: mtlsSchema,
  namespaces: z.array(z.object({ name: z.string(), mtls: mtlsSchema })),
  /** Edges with any plaintext traffic, with the reasons. */
  plaintextEdges: z.array(graphEdgeSchema),
  unmeshedWorkloads: z.array(
    z.object({
      namespace: z.string(),
      kind: workloadKindSchema,
      name: z.string(),
      meshedPods: z.number(),
      totalPods: z.number(),
      injectionPending: z.boolean(),
    }),
  ),
  /** `linkerd-config`'s certificate lifetime, and the time left under which renewal is failing. */
  certificateLifetimeSeconds: z.number(),
  certificateWarningSeconds: z.number(),
  /** Proxies' identity certificates, soonest expiry first. */
  certificates: z.array(
    z.object({
      namespace: z.string(),
      pod: z.string(),
      expiresAt: z.number(),
      secondsLeft: z.number(),
    }),
  ),
  /**
   * The TLS providers proxies report (`rustls_info`): each distinct set of key-exchange
   * groups (in preference order), cipher suites and FIPS mode, with who runs it.
   */
  tlsProviders: z.array(
    z.object({
      kxGroups: z.array(z.string()),
      suites: z.array(z.string()),
      fips: z.boolean(),
      keyProvider: z.string(),
      /** The first group offered is a post-quantum (ML-KEM) one. */
      postQuantumPreferred: z.boolean(),
      /** An ML-KEM group is offered at all. */
      postQuantumOffered: z.boolean(),
      proxies: z.number(),
      workloads: z.array(
        z.object({ namespace: z.string(), kind: workloadKindSchema, name: z.string() }),
      ),
    }),
  ),
  /**
   * Running meshed proxies, those that report `rustls_info`, those not scraped yet
   * (neither metric nor an identity certificate from them: started since the last scrape,
   * or their admin port does not answer), and of the reporting ones those
   * preferring ML-KEM and in FIPS mode.
   */
  tlsInfo: z.object({
    proxies: z.number(),
    reporting: z.number(),
    unscraped: z.number(),
    postQuantumPreferred: z.number(),
    fips: z.number(),
  }),
  errors: errorsSchema,
});
export type MtlsResponse = z.infer<typeof mtlsResponseSchema>;

/** The detail view with the workload's inbound routes (declared after the route schemas it uses). */
export const workloadDetailWithRoutesSchema = workloadDetailSchema.extend({
  routes: z.array(routeRowSchema),
});
export type WorkloadDetail = z.infer<typeof workloadDetailWithRoutesSchema>;

export type NamespaceRow = z.infer<typeof namespaceRowSchema>;
export type PodRow = z.infer<typeof podRowSchema>;
export type Neighbour = z.infer<typeof neighbourSchema>;
export type ApiErrors = z.infer<typeof errorsSchema>;

const layoutId = z.string().min(1).max(600);

/** `POST /api/v1/layout`: a graph to lay out, as the browser builds it from a graph answer. */
export const layoutInputSchema = z
  .object({
    nodes: z.array(z.object({ id: layoutId, group: layoutId.optional() })).max(20_000),
    edges: z.array(z.object({ id: layoutId, source: layoutId, target: layoutId })).max(100_000),
    groups: z.array(layoutId).max(5_000),
  })
  .superRefine((g, ctx) => {
    const nodes = new Set(g.nodes.map((n) => n.id));
    const groups = new Set(g.groups);
    const problem = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (nodes.size !== g.nodes.length) problem('nodes: ids must be unique');
    if (groups.size !== g.groups.length) problem('groups: ids must be unique');
    const node = g.nodes.find((n) => n.group !== undefined && !groups.has(n.group));
    if (node) problem(`nodes: ${JSON.stringify(node.id.slice(0, 80))} is in an unlisted group`);
    const edge = g.edges.find((e) => !nodes.has(e.source) || !nodes.has(e.target));
    if (edge) problem(`edges: ${JSON.stringify(edge.id.slice(0, 80))} joins an unlisted node`);
  });

export const layoutResponseSchema = z.object({
  /** Positions by node id and group boxes by group id; a child's position is relative to its group. */
  boxes: z.record(
    z.string(),
    z.object({
      x: z.number(),
      y: z.number(),
      width: z.number(),
      height: z.number(),
      parent: z.string().optional(),
    }),
  ),
  /** Kept from an earlier request for the same graph (by any viewer), not laid out afresh. */
  reused: z.boolean(),
});

/** Resources a tap can target, as the tap APIService serves them (plural). */
export const TAP_RESOURCES = [
  'namespaces',
  'pods',
  'deployments',
  'statefulsets',
  'daemonsets',
  'replicasets',
  'replicationcontrollers',
  'jobs',
  'cronjobs',
  'services',
] as const;
export type TapResource = (typeof TAP_RESOURCES)[number];

/** One end of a tapped request: its address and, where the tap component knows it, its pod. */
export const tapPeerSchema = z.object({
  address: z.string(),
  namespace: z.string().nullable(),
  /** The workload as the tap labels name it (`deployment`, `statefulset`, ...) and its name. */
  kind: z.string().nullable(),
  name: z.string().nullable(),
  pod: z.string().nullable(),
});
export type TapPeer = z.infer<typeof tapPeerSchema>;

/** One request a proxy reported through tap, once its response ended (or it was given up on). */
export const tapCallSchema = z.object({
  id: z.string(),
  /** When the API received the request's start, ms since the epoch. */
  at: z.number(),
  direction: z.enum(['inbound', 'outbound', 'unknown']),
  source: tapPeerSchema,
  destination: tapPeerSchema,
  method: z.string(),
  authority: z.string(),
  path: z.string(),
  /** HTTP status of the response; null when none came (reset, or no answer seen). */
  status: z.number().nullable(),
  /** The gRPC status of the end of the stream, where it had one. */
  grpcStatus: z.number().nullable(),
  /** An HTTP/2 reset's error code, where the stream was reset. */
  resetError: z.number().nullable(),
  /** From the request's start to the response's end, as the reporting proxy saw it. */
  latencyMs: z.number().nullable(),
  responseBytes: z.number(),
  /** As Linkerd viz counts it: a status below 500, gRPC OK where gRPC, and no reset. */
  success: z.boolean(),
  /** `true` when the connection was mTLS, else the proxy's reason (`no_tls_from_remote`, ...). */
  tls: z.string(),
  clientId: z.string().nullable(),
  serverId: z.string().nullable(),
});
export type TapCall = z.infer<typeof tapCallSchema>;

/** How a tap stream is going: calls the API received, and dropped past the viewer's cap. */
export const tapStatsSchema = z.object({
  received: z.number(),
  dropped: z.number(),
  /** The most calls a second the API relays to one viewer. */
  capPerSecond: z.number(),
});
export type TapStats = z.infer<typeof tapStatsSchema>;
