import type { SimPod } from '../cluster/cluster';
import { CONTROL_PLANE_NS } from '../cluster/linkerd';
import { labelText } from '../proxy/registry';
import type { ServiceSpec } from '../scenarios/types';
import type { InboundDecision, OutboundRoute } from './policy';

export const CLUSTER_DOMAIN = 'cluster.local';

/** linkerd2 `KindToL5DLabel`: the metric label of a kind (a Job's is `k8s_job`). */
export function ownerLabel(kind: string): string {
  return kind === 'job' ? 'k8s_job' : kind;
}

export function authorityOf(svc: ServiceSpec): string {
  return `${svc.name}.${svc.namespace}.svc.${CLUSTER_DOMAIN}:${svc.port}`;
}

/**
 * Outbound labels of a client's proxy towards one endpoint of `backend`, with
 * the destination metadata service discovery gives for it; `authority` is
 * what the app asked for, the route's parent (the backend itself unless
 * the route splits traffic).
 */
export function outboundLabels(server: SimPod, backend: ServiceSpec, parent = backend): string {
  return labelText(
    endpointLabels(server, backend.targetPort, authorityOf(parent), { dst_service: backend.name }),
  );
}

/**
 * Outbound labels towards one pod's port: TLS from its identity, and the
 * metadata the destination controller gives for the pod (its owner,
 * namespace, name, service account). `dst_service` only comes with a lookup
 * by service name: a client that dials a pod IP (Prometheus scraping) gets none.
 */
export function endpointLabels(
  server: SimPod,
  port: number,
  authority: string,
  service: { dst_service: string } | Record<string, never>,
): Record<string, string> {
  const tls: Record<string, string> = server.meshed
    ? { tls: 'true', server_id: server.identity ?? '' }
    : { tls: 'no_identity', no_tls_reason: 'not_provided_by_service_discovery' };
  return {
    direction: 'outbound',
    authority,
    target_addr: `${server.ip}:${port}`,
    target_ip: server.ip,
    target_port: String(port),
    ...tls,
    ...(server.meshed ? { dst_control_plane_ns: CONTROL_PLANE_NS } : {}),
    [`dst_${ownerLabel(server.ownerKind)}`]: server.ownerName,
    dst_namespace: server.namespace,
    dst_pod: server.name,
    ...(server.labels['pod-template-hash']
      ? { dst_pod_template_hash: server.labels['pod-template-hash'] }
      : {}),
    ...service,
    dst_serviceaccount: server.serviceAccount,
    dst_zone_locality: 'local',
  };
}

/** TLS labels the server's proxy writes for a client. */
export function inboundTls(client: SimPod | undefined): Record<string, string | undefined> {
  return client?.meshed
    ? { tls: 'true', client_id: client.identity }
    : { tls: 'no_identity', no_tls_reason: 'no_tls_from_remote' };
}

export function inboundTarget(
  server: SimPod,
  to: Pick<ServiceSpec, 'targetPort'>,
): Record<string, string> {
  return {
    target_addr: `${server.ip}:${to.targetPort}`,
    target_ip: server.ip,
    target_port: String(to.targetPort),
  };
}

export function srvLabels(d: InboundDecision): Record<string, string> {
  return {
    srv_group: d.srv.group,
    srv_kind: d.srv.kind,
    srv_name: d.srv.name,
    srv_port: d.srv.port,
  };
}

export function routeLabels(d: InboundDecision): Record<string, string> {
  return { route_group: d.route.group, route_kind: d.route.kind, route_name: d.route.name };
}

/**
 * Labels of current proxies' inbound route families (linkerd2-proxy inbound
 * `http/router/metrics.rs`): the Server (parent) and the route, no namespace.
 */
export function inboundRouteLabels(d: InboundDecision): Record<string, string> {
  return {
    parent_group: d.srv.group,
    parent_kind: d.srv.kind === 'server' ? 'Server' : 'default',
    parent_name: d.srv.name,
    parent_port: d.srv.port,
    ...routeLabels(d),
  };
}

export function authzLabels(d: InboundDecision): Record<string, string> {
  return { authz_group: d.authz.group, authz_kind: d.authz.kind, authz_name: d.authz.name };
}

/** Labels of the Gateway-API route families (parent + route). */
export function gatewayRouteLabels(
  svc: ServiceSpec,
  route: Pick<OutboundRoute, 'routeGroup' | 'routeKind' | 'routeNamespace' | 'routeName'>,
): Record<string, string> {
  return {
    parent_group: 'core',
    parent_kind: 'Service',
    parent_namespace: svc.namespace,
    parent_name: svc.name,
    parent_port: String(svc.port),
    parent_section_name: '',
    route_group: route.routeGroup,
    route_kind: route.routeKind,
    route_namespace: route.routeNamespace,
    route_name: route.routeName,
  };
}

export function backendLabels(svc: ServiceSpec): Record<string, string> {
  return {
    backend_group: 'core',
    backend_kind: 'Service',
    backend_namespace: svc.namespace,
    backend_name: svc.name,
    backend_port: String(svc.port),
    backend_section_name: '',
  };
}
