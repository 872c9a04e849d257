import { NotFoundError } from '../model/errors';
import type { WorkloadKind } from '../model/kinds';
import { serviceRouteConfig, type CrdObject } from '../model/route-config';
import { serviceSelects } from '../model/workloads';
import { eq, re, type Matcher } from '../sources/metrics/engine';
import { regexLiteral } from '../sources/metrics/promql';
import { Answer } from './answer';
import type { MeshDeps } from './deps';

/** mesh-facts §2: an empty `rt_route` is the requests no profile route matched. */
export const DEFAULT_SP_ROUTE = '[DEFAULT]';
/**
 * `outbound_{http,grpc}_route_request_duration_seconds` buckets (mesh-facts §2:
 * 0.05, 0.5, 1, 10 s): a p95 interpolated between 50 ms and 500 ms says little more than the range.
 */
const GATEWAY_ROUTE_BUCKETS_MS = [50, 500, 1000, 10_000];
/** `outbound_{http,grpc}_route_backend_response_duration_seconds` buckets (mesh-facts §2). */
const GATEWAY_BACKEND_BUCKETS_MS = [25, 50, 100, 250, 500, 1000, 10_000];
/** Inbound requests no route label names (older proxies, or no route policy). */
const DEFAULT_INBOUND_ROUTE = 'default';
/** `inbound_{http,grpc}_response_duration_seconds` buckets (linkerd2-proxy inbound router). */
const INBOUND_ROUTE_BUCKETS_MS = [50, 500, 1000, 10_000];
const INBOUND_ROUTE_FAMILIES = ['inbound_http', 'inbound_grpc'];
/** How both inbound sources name a route: `route_name`, empty or `default` for no route policy. */
const INBOUND_ROUTE_NAMES: Pick<RouteFamilies, 'routeLabel' | 'displayName' | 'routeMatcher'> = {
  routeLabel: 'route_name',
  displayName: (raw) => raw || DEFAULT_INBOUND_ROUTE,
  routeMatcher: (name) =>
    name === DEFAULT_INBOUND_ROUTE
      ? re('route_name', `(${DEFAULT_INBOUND_ROUTE})?`)
      : eq('route_name', name),
};

/**
 * Whether a workload's proxies write the inbound route families of current
 * proxies (2.19+: `inbound_{http,grpc}_requests_total` by parent_* and
 * route_*, linkerd2-proxy inbound `http/router/metrics.rs`), once per refresh.
 */
export function writesInboundRouteFamilies(
  deps: MeshDeps,
  workload: { namespace: string; kind: WorkloadKind; name: string },
  windowSeconds: number,
): Promise<boolean> {
  return deps.answers.get('inbound-route-families', [workload, windowSeconds], async () => {
    const self = deps.snapshots.get().names.self(workload.namespace, workload.kind, workload.name);
    const found = await Promise.all(
      INBOUND_ROUTE_FAMILIES.map((f) =>
        deps.engine
          .rate({ metric: `${f}_requests_total`, matchers: self, by: [], windowSeconds })
          .catch(() => []),
      ),
    );
    return found.some((samples) => samples.length > 0);
  });
}

/**
 * A workload's own route figures, read by `read` from the current inbound families and from
 * the older ones at once, beside the question of which its proxies write: the answer waits
 * for one round of queries, not two. `answer` takes on the errors of the branch chosen only.
 */
export async function fromInboundFamilies<T>(
  deps: MeshDeps,
  workload: { namespace: string; kind: WorkloadKind; name: string },
  windowSeconds: number,
  answer: Answer,
  read: (current: boolean, into: Answer) => Promise<T>,
): Promise<T> {
  const [ofCurrent, ofOlder] = [new Answer([]), new Answer([])];
  // The figures' queries leave first: the question of the families is the quickest.
  const [inbound, older, current] = await Promise.all([
    read(true, ofCurrent),
    read(false, ofOlder),
    writesInboundRouteFamilies(deps, workload, windowSeconds),
  ]);
  answer.adopt((current ? ofCurrent : ofOlder).errors);
  return current ? inbound : older;
}

/** Where one workload's route numbers live, for one direction. */
export interface RouteFamilies {
  source: 'serviceprofile' | 'gateway' | 'inbound';
  /** Responses as the calling app saw them (after retries). */
  responses: string[];
  /** Latency histograms, names without `_bucket`. */
  histograms: string[];
  /** Every attempt, retries included, where the proxy records them apart. */
  attempts: string[];
  /** Prefixes of the retry counters (`<prefix>_requests_total`, ...), where proxies write them. */
  retries: string[];
  /** Prefixes of the per-backend families (`<prefix>_requests_total`, ...), where proxies write them. */
  backends: string[];
  matchers: Matcher[];
  /** The label that names the route. */
  routeLabel: string;
  /** The labels that tell success from failure (`responseFails`). */
  statusLabels: string[];
  /** Factor from the histograms' unit to milliseconds. */
  toMs: number;
  /** Bucket bounds in ms when too coarse for quantiles to be read as exact, else null. */
  latencyBucketsMs: number[] | null;
  /** The same for the backend families' histogram. */
  backendLatencyBucketsMs: number[] | null;
  /** A route's name as shown, from its label value. */
  displayName(raw: string): string;
  /** The label value of a route shown under `name`. */
  routeMatcher(name: string): Matcher;
}

/**
 * The one choice of route families, used by the routes table and by every
 * route chart: the ServiceProfile's `route_*` families when the service has
 * a profile (proxies then ignore HTTPRoutes, mesh-facts §5), the Gateway-API
 * `outbound_{http,grpc}_route_*` families for outbound calls without one, and
 * the server's own `route_name` on the legacy families otherwise.
 */
export function routeFamilies(
  deps: MeshDeps,
  workload: { namespace: string; kind: WorkloadKind; name: string },
  to: { namespace: string; name: string } | undefined,
  /** The workload's proxies write the 2.19+ inbound route families (`writesInboundRouteFamilies`). */
  currentInbound = false,
): ReturnType<typeof routeContext> & { families: RouteFamilies } {
  const context = routeContext(deps, workload, to);
  const { service, config, dstMatch } = context;
  const self = deps.snapshots.get().names.self(workload.namespace, workload.kind, workload.name);
  const direction = to ? 'outbound' : 'inbound';
  if (config?.profile && dstMatch) {
    return {
      ...context,
      families: {
        source: 'serviceprofile',
        responses: ['route_response_total'],
        histograms: ['route_response_latency_ms'],
        attempts: to ? ['route_actual_response_total'] : [],
        retries: [],
        backends: [],
        matchers: [eq('direction', direction), ...self, dstMatch],
        routeLabel: 'rt_route',
        statusLabels: ['classification'],
        toMs: 1,
        latencyBucketsMs: null,
        backendLatencyBucketsMs: null,
        displayName: (raw) => raw || DEFAULT_SP_ROUTE,
        routeMatcher: (name) => eq('rt_route', name === DEFAULT_SP_ROUTE ? '' : name),
      },
    };
  }
  if (to && service) {
    const fams = ['outbound_http_route', 'outbound_grpc_route'];
    return {
      ...context,
      families: {
        source: 'gateway',
        responses: fams.map((f) => `${f}_request_statuses_total`),
        histograms: fams.map((f) => `${f}_request_duration_seconds`),
        attempts: fams.map((f) => `${f}_backend_response_statuses_total`),
        retries: fams.map((f) => `${f}_retry`),
        backends: fams.map((f) => `${f}_backend`),
        matchers: [
          ...self,
          eq('parent_namespace', service.namespace),
          eq('parent_name', service.name),
        ],
        routeLabel: 'route_name',
        statusLabels: ['http_status', 'grpc_status', 'error'],
        // Seconds in the Gateway-API families; the contract speaks milliseconds.
        toMs: 1000,
        latencyBucketsMs: GATEWAY_ROUTE_BUCKETS_MS,
        backendLatencyBucketsMs: GATEWAY_BACKEND_BUCKETS_MS,
        displayName: (raw) => raw,
        routeMatcher: (name) => eq('route_name', name),
      },
    };
  }
  if (currentInbound) {
    // Requests the policy admitted, by the route that admitted them: not those it refused
    // (403) or rate-limited (429), which never reach the app.
    return {
      ...context,
      families: {
        source: 'inbound',
        responses: INBOUND_ROUTE_FAMILIES.map((f) => `${f}_statuses_total`),
        histograms: INBOUND_ROUTE_FAMILIES.map((f) => `${f}_response_duration_seconds`),
        attempts: [],
        retries: [],
        backends: [],
        matchers: self,
        statusLabels: ['status'],
        toMs: 1000,
        latencyBucketsMs: INBOUND_ROUTE_BUCKETS_MS,
        backendLatencyBucketsMs: null,
        ...INBOUND_ROUTE_NAMES,
      },
    };
  }
  return {
    ...context,
    families: {
      source: 'inbound',
      responses: ['response_total'],
      histograms: ['response_latency_ms'],
      attempts: [],
      retries: [],
      backends: [],
      matchers: [eq('direction', 'inbound'), ...self],
      statusLabels: ['classification'],
      toMs: 1,
      latencyBucketsMs: null,
      backendLatencyBucketsMs: null,
      ...INBOUND_ROUTE_NAMES,
    },
  };
}

/** The cluster's Gateway-API routes a Service can be the parent of: HTTPRoutes of both groups, GRPCRoutes. */
export function gatewayRoutes(deps: Pick<MeshDeps, 'topology'>): CrdObject[] {
  return [
    ...deps.topology.list<CrdObject>('httproutes.policy'),
    ...deps.topology.list<CrdObject>('httproutes.gateway'),
    ...deps.topology.list<CrdObject>('grpcroutes.gateway'),
  ];
}

/** The service whose routes apply to a workload, and that service's route configuration. */
export function routeContext(
  deps: MeshDeps,
  workload: { namespace: string; kind: WorkloadKind; name: string },
  to: { namespace: string; name: string } | undefined,
): {
  service: { namespace: string; name: string } | undefined;
  config: ReturnType<typeof serviceRouteConfig> | undefined;
  dstMatch: Matcher | undefined;
} {
  const { snapshot, pods } = deps.snapshots.get();
  const profiles = deps.topology.list<CrdObject & { kind: string; metadata: { name: string } }>(
    'serviceprofiles',
  );
  const domain = snapshot.clusterDomain;

  // The service whose routes apply: the one called, or (inbound) the one backed by this
  // workload. Its retry and timeout annotations configure the routes no object names.
  let svc: (typeof snapshot.services)[number] | undefined;
  if (to) {
    svc = snapshot.services.find((s) => s.namespace === to.namespace && s.name === to.name);
    if (!svc) throw new NotFoundError(`no service ${to.namespace}/${to.name}`);
  } else {
    const backing = pods.find(
      (p) =>
        p.namespace === workload.namespace &&
        p.workload.kind === workload.kind &&
        p.workload.name === workload.name,
    );
    svc =
      backing &&
      snapshot.services.find(
        (s) => s.namespace === workload.namespace && serviceSelects(s.selector, backing.labels),
      );
  }
  const service = svc && { namespace: svc.namespace, name: svc.name };
  const config = svc ? serviceRouteConfig(svc, profiles, gatewayRoutes(deps), domain) : undefined;
  const dstMatch = service
    ? re('dst', `${regexLiteral(`${service.name}.${service.namespace}.svc.${domain}`)}:\\d+`)
    : undefined;
  return { service, config, dstMatch };
}
