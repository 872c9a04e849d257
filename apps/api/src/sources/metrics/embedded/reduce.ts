/**
 * What the embedded engine keeps of a scrape: the families meshviz queries,
 * and of their labels only those it groups or filters by. Everything else
 * (target addresses, pod-template hashes, zone locality, ...) is summed away
 * at ingest, which is what keeps it far smaller than a Prometheus holding
 * every raw series.
 */
export const KEPT_FAMILIES = new Set([
  'request_total',
  'response_total',
  'response_latency_ms_bucket',
  'tcp_open_connections',
  'tcp_open_total',
  'tcp_read_bytes_total',
  'tcp_write_bytes_total',
  'route_request_total',
  'route_response_total',
  'route_response_latency_ms_bucket',
  'route_actual_request_total',
  'route_actual_response_total',
  'route_retryable_total',
  'outbound_http_route_request_statuses_total',
  'outbound_http_route_request_duration_seconds_bucket',
  'outbound_http_route_backend_requests_total',
  'outbound_http_route_backend_response_statuses_total',
  'outbound_http_route_backend_response_duration_seconds_bucket',
  'outbound_http_route_retry_requests_total',
  'outbound_http_route_retry_successes_total',
  'outbound_http_route_retry_limit_exceeded_total',
  'outbound_http_route_retry_overflow_total',
  'outbound_grpc_route_retry_requests_total',
  'outbound_grpc_route_retry_successes_total',
  'outbound_grpc_route_retry_limit_exceeded_total',
  'outbound_grpc_route_retry_overflow_total',
  'outbound_grpc_route_request_statuses_total',
  'outbound_grpc_route_request_duration_seconds_bucket',
  'outbound_grpc_route_backend_requests_total',
  'outbound_grpc_route_backend_response_statuses_total',
  'outbound_grpc_route_backend_response_duration_seconds_bucket',
  'outbound_tcp_route_open_total',
  'outbound_tcp_route_close_total',
  'outbound_tls_route_open_total',
  'outbound_tls_route_close_total',
  'inbound_http_authz_allow_total',
  'inbound_http_authz_deny_total',
  'inbound_http_local_ratelimit_total',
  'inbound_http_requests_total',
  'inbound_grpc_requests_total',
  'inbound_http_statuses_total',
  'inbound_grpc_statuses_total',
  'inbound_http_response_duration_seconds_bucket',
  'inbound_grpc_response_duration_seconds_bucket',
  'inbound_tcp_authz_allow_total',
  'inbound_tcp_authz_deny_total',
  'identity_cert_expiration_timestamp_seconds',
  'control_identity_cert_expiration_timestamp_seconds',
  'proxy_build_info',
  'rustls_info',
]);

export const GAUGES = new Set([
  'tcp_open_connections',
  'identity_cert_expiration_timestamp_seconds',
  'control_identity_cert_expiration_timestamp_seconds',
  'proxy_build_info',
  'rustls_info',
]);

export const KEPT_LABELS = new Set([
  // Target labels (mesh-facts §3).
  'namespace',
  'pod',
  'deployment',
  'statefulset',
  'daemonset',
  'replicaset',
  'replicationcontroller',
  'cronjob',
  'k8s_job',
  'external_workload',
  // Traffic. `target_port` tells the proxy's admin traffic from the application's.
  'direction',
  'target_port',
  'authority',
  'peer',
  'tls',
  'client_id',
  'server_id',
  'no_tls_reason',
  'classification',
  'status_code',
  'grpc_status',
  'le',
  'dst_namespace',
  'dst_service',
  'dst_deployment',
  'dst_statefulset',
  'dst_daemonset',
  'dst_replicaset',
  'dst_replicationcontroller',
  'dst_cronjob',
  'dst_k8s_job',
  'dst_external_workload',
  'dst_serviceaccount',
  // Routes and policy.
  'dst',
  'rt_route',
  'skipped',
  'parent_kind',
  'parent_namespace',
  'parent_name',
  'parent_port',
  // Outbound route families: the host asked for, where proxies record it (egress above all).
  'hostname',
  'route_kind',
  'route_namespace',
  'route_name',
  'backend_namespace',
  'backend_name',
  'http_status',
  'status',
  'error',
  'srv_kind',
  'srv_name',
  'authz_kind',
  'authz_name',
  'ratelimit_name',
  'ratelimit_scope',
  'version',
  // rustls_info: the proxy's TLS provider.
  'tls_kx_groups',
  'tls_suites',
  'tls_fips',
  'tls_key_provider',
]);

/** `le` values as numbers in canonical form, so `1.0` and `1` are one bucket. */
export function canonicalLe(le: string): string {
  if (le === '+Inf' || le === 'Inf') return '+Inf';
  const n = Number(le);
  return Number.isFinite(n) ? String(n) : le;
}

/**
 * Labels summed away from histogram buckets as well: meshviz reads latency
 * by workload, peer, route and TLS, never by response status. A busy proxy
 * writes a whole histogram per status it has answered, so this divides its
 * largest families several times over.
 */
export const NOT_ON_BUCKETS = new Set([
  'status_code',
  'classification',
  'grpc_status',
  'http_status',
  'error',
]);

/**
 * Coarser copies of a family, summed at ingest as its series are: a
 * response family writes a series per status code (and gRPC status, and
 * error), so the whole-mesh answers (graph, namespaces, mTLS), which read
 * responses only as success or failure, would otherwise walk several series
 * for every one they use. A query that neither groups nor filters by a
 * dropped label reads the rollup; one that does reads the family itself.
 * A series of the family feeds its rollup's series by the same rules a raw
 * series feeds a reduced one (a series new to a rollup adds no increase).
 */
const ROLLUPS = new Map<string, { name: string; drops: Set<string> }>([
  [
    'response_total',
    { name: 'response_total:by_class', drops: new Set(['status_code', 'grpc_status', 'error']) },
  ],
]);

/** The rollup of `metric` and the labels its series keep, when it has one. */
export function rollupOf(
  metric: string,
  labels: Record<string, string>,
): { name: string; labels: Record<string, string> } | undefined {
  const rollup = ROLLUPS.get(metric);
  if (!rollup) return undefined;
  const kept: Record<string, string> = {};
  for (const k in labels) if (!rollup.drops.has(k)) kept[k] = labels[k] as string;
  return { name: rollup.name, labels: kept };
}

/** The family a query on `metric` reads: its rollup when none of `labels` is one the rollup drops. */
export function familyFor(metric: string, labels: string[]): string {
  const rollup = ROLLUPS.get(metric);
  return rollup && !labels.some((l) => rollup.drops.has(l)) ? rollup.name : metric;
}

/** Whether the embedded engine keeps `label` on the samples of `metric`. */
export function keepsLabel(metric: string, label: string): boolean {
  return KEPT_LABELS.has(label) && !(metric.endsWith('_bucket') && NOT_ON_BUCKETS.has(label));
}

export function reduceLabels(
  metric: string,
  labels: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) {
    if (!keepsLabel(metric, k)) continue;
    out[k] = k === 'le' ? canonicalLe(v) : v;
  }
  return out;
}

/**
 * Series of a kept family that the engine drops all the same: the latency
 * histograms of the kubelet's probes of the app's port (the policy's default
 * route and authorization `probe`). Every view leaves probes out and the
 * workload page shows only how many came and how many failed (from
 * `response_total`), so their buckets, a whole histogram on every probed
 * proxy, would be held for nothing.
 */
export function dropsSeries(name: string, labels: Record<string, string>): boolean {
  if (name === 'response_latency_ms_bucket')
    return labels.direction === 'inbound' && labels.authz_name === 'probe';
  if (name === 'inbound_http_response_duration_seconds_bucket')
    return labels.route_name === 'probe';
  return false;
}

export function seriesKey(name: string, labels: Record<string, string>): string {
  const keys = Object.keys(labels).sort();
  let key = name;
  for (const k of keys) key += `\u0000${k}\u0001${labels[k]}`;
  return key;
}
