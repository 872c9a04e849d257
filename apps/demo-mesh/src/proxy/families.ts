import type { FamilyMeta } from './registry';

/** response_latency_ms buckets (mesh-facts §2). */
export const LATENCY_MS_BUCKETS = [
  1, 2, 3, 4, 5, 10, 20, 30, 40, 50, 100, 200, 300, 400, 500, 1000, 2000, 3000, 4000, 5000, 10000,
  20000, 30000, 40000, 50000,
] as const;
/** outbound_http_route_request_duration_seconds buckets. */
export const ROUTE_DURATION_BUCKETS = [0.05, 0.5, 1, 10] as const;
/** inbound_{http,grpc}_response_duration_seconds buckets (linkerd2-proxy inbound router metrics). */
export const INBOUND_ROUTE_DURATION_BUCKETS = [0.05, 0.5, 1, 10] as const;
/** outbound_http_route_backend_response_duration_seconds buckets. */
export const BACKEND_DURATION_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 10] as const;

const legacy = (type: FamilyMeta['type'], help: string): FamilyMeta => ({ type, help });
const current = (type: FamilyMeta['type'], help: string, unit?: string): FamilyMeta => ({
  type,
  help,
  openMetricsName: true,
  ...(unit ? { unit } : {}),
});

/** Every family a simulated proxy writes, keyed by sample name. */
export const FAMILIES: Record<string, FamilyMeta> = {
  request_total: legacy('counter', 'Total count of HTTP requests.'),
  response_total: legacy('counter', 'Total count of HTTP responses.'),
  response_latency_ms: legacy(
    'histogram',
    "Elapsed times between a request's headers being received and its response stream completing",
  ),
  route_request_total: legacy('counter', 'Total count of HTTP requests.'),
  route_response_total: legacy('counter', 'Total count of HTTP responses.'),
  route_response_latency_ms: legacy(
    'histogram',
    "Elapsed times between a request's headers being received and its response stream completing",
  ),
  route_actual_request_total: legacy('counter', 'Total count of HTTP requests.'),
  route_actual_response_total: legacy('counter', 'Total count of HTTP responses.'),
  route_retryable_total: legacy('counter', 'Total count of retryable HTTP responses.'),
  tcp_open_total: legacy('counter', 'Total count of opened connections'),
  tcp_open_connections: legacy('gauge', 'Number of currently-open connections'),
  tcp_read_bytes_total: legacy('counter', 'Total count of bytes read from peers'),
  tcp_write_bytes_total: legacy('counter', 'Total count of bytes written to peers'),
  tcp_close_total: legacy('counter', 'Total count of closed connections'),
  inbound_http_authz_allow_total: legacy(
    'counter',
    'The total number of inbound HTTP requests that were authorized',
  ),
  inbound_http_authz_deny_total: legacy(
    'counter',
    'The total number of inbound HTTP requests that could not be processed due to a proxy error.',
  ),
  inbound_http_local_ratelimit_total: legacy(
    'counter',
    'The total number of inbound HTTP requests refused by a local rate limit',
  ),
  inbound_http_route_not_found_total: legacy(
    'counter',
    'The number of inbound requests that did not match a route',
  ),
  inbound_tcp_authz_allow_total: legacy(
    'counter',
    'The total number of inbound TCP connections that were authorized',
  ),
  inbound_tcp_authz_deny_total: legacy(
    'counter',
    'The total number of inbound TCP connections that were denied',
  ),
  inbound_tcp_authz_terminate_total: legacy(
    'counter',
    'The total number of inbound TCP connections that were terminated due to an authorization change',
  ),
  outbound_http_route_request_duration_seconds: current(
    'histogram',
    'The time between request initialization and response completion.',
    'seconds',
  ),
  inbound_http_requests_total: current('counter', 'The total number of requests dispatched'),
  inbound_grpc_requests_total: current('counter', 'The total number of requests dispatched'),
  inbound_http_statuses_total: current('counter', 'Completed responses'),
  inbound_grpc_statuses_total: current('counter', 'Completed responses'),
  inbound_http_response_duration_seconds: current(
    'histogram',
    'The time between request completion and response completion',
    'seconds',
  ),
  inbound_grpc_response_duration_seconds: current(
    'histogram',
    'The time between request completion and response completion',
    'seconds',
  ),
  outbound_tcp_route_open_total: current('counter', 'The number of connections opened'),
  outbound_tcp_route_close_total: current('counter', 'The number of connections closed'),
  outbound_tls_route_open_total: current('counter', 'The number of connections opened'),
  outbound_tls_route_close_total: current('counter', 'The number of connections closed'),
  outbound_http_route_request_statuses_total: current(
    'counter',
    'Completed request-response streams.',
  ),
  outbound_http_route_backend_requests_total: current(
    'counter',
    'The total number of requests dispatched.',
  ),
  outbound_http_route_backend_response_duration_seconds: current(
    'histogram',
    'The time between request completion and response completion.',
    'seconds',
  ),
  outbound_http_route_backend_response_statuses_total: current('counter', 'Completed responses.'),
  outbound_http_route_retry_requests_total: current('counter', 'Retry requests emitted.'),
  outbound_http_route_retry_successes_total: current(
    'counter',
    'Successful responses to retry requests.',
  ),
  outbound_http_route_retry_limit_exceeded_total: current(
    'counter',
    'Retryable requests not sent due to retry limits.',
  ),
  outbound_http_route_retry_overflow_total: current(
    'counter',
    'Retryable requests not sent due to circuit breakers.',
  ),
  outbound_grpc_route_retry_requests_total: current('counter', 'Retry requests emitted.'),
  outbound_grpc_route_retry_successes_total: current(
    'counter',
    'Successful responses to retry requests.',
  ),
  outbound_grpc_route_retry_limit_exceeded_total: current(
    'counter',
    'Retryable requests not sent due to retry limits.',
  ),
  outbound_grpc_route_retry_overflow_total: current(
    'counter',
    'Retryable requests not sent due to circuit breakers.',
  ),
  outbound_grpc_route_request_duration_seconds: current(
    'histogram',
    'The time between request initialization and response completion.',
    'seconds',
  ),
  outbound_grpc_route_request_statuses_total: current(
    'counter',
    'Completed request-response streams.',
  ),
  outbound_grpc_route_backend_requests_total: current(
    'counter',
    'The total number of requests dispatched.',
  ),
  outbound_grpc_route_backend_response_duration_seconds: current(
    'histogram',
    'The time between request completion and response completion.',
    'seconds',
  ),
  outbound_grpc_route_backend_response_statuses_total: current('counter', 'Completed responses.'),
  control_request_total: legacy('counter', 'Total count of HTTP requests.'),
  control_response_total: legacy('counter', 'Total count of HTTP responses.'),
  control_response_latency_ms: legacy(
    'histogram',
    "Elapsed times between a request's headers being received and its response stream completing",
  ),
  process_start_time_seconds: legacy(
    'gauge',
    'Time that the process started (in seconds since the UNIX epoch)',
  ),
  process_cpu_seconds_total: legacy('counter', 'Total user and system CPU time spent in seconds.'),
  process_resident_memory_bytes: legacy('gauge', 'Resident memory size in bytes.'),
  // The proxy's process collector (linkerd2-proxy `linkerd/metrics/src/process.rs`).
  process_virtual_memory_bytes: current('gauge', 'Virtual memory size in bytes', 'bytes'),
  process_uptime_seconds_total: current(
    'counter',
    'Total time since the process started (in seconds)',
    'seconds',
  ),
  process_threads: current('gauge', 'Number of OS threads in the process.'),
  process_open_fds: legacy('gauge', 'Number of open file descriptors.'),
  process_max_fds: legacy('gauge', 'Maximum number of open file descriptors.'),
  proxy_build_info: legacy('gauge', 'Proxy build info'),
  rustls_info: current('gauge', 'Proxy TLS info'),
  identity_cert_expiration_timestamp_seconds: legacy(
    'gauge',
    "Time when the this proxy's current mTLS identity certificate will expire (in seconds since the UNIX epoch)",
  ),
  identity_cert_refresh_timestamp_seconds: legacy(
    'gauge',
    "Time when the this proxy's current mTLS identity certificate was last updated",
  ),
  identity_cert_refreshes_total: current(
    'counter',
    'The total number of identity certificate refreshes.',
  ),
};
