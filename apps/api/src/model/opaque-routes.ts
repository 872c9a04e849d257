import { ref, type CrdObject } from './route-config';

/**
 * The opaque and TLS routes whose parent is a Service (TCPRoute, TLSRoute:
 * the Gateway API's v1alpha2, read by Linkerd from 2.17). Connections the
 * proxy does not read as HTTP take one; without one they take the default
 * route, `route_kind="default"`, `route_name="opaq"` (linkerd2 policy
 * controller `default_outbound_opaq_route`).
 */
export interface OpaqueRouteConfig {
  kind: 'TCPRoute' | 'TLSRoute';
  name: string;
  /** `TCPRoute.gateway.networking.k8s.io/ns/name`, as findings and config pages name route objects. */
  object: string;
  /** The SNI names a TLSRoute matches (none: every name). */
  hostnames: string[];
  /** Its one rule's backends, each with its share of the weights and whether the Service exists. */
  backends: { namespace: string; name: string; weight: number; exists: boolean }[];
  /** Why the policy controller rejects it, if it does: then no proxy takes it. */
  problem: string | null;
}

interface OpaqueRouteSpec {
  parentRefs?: { group?: string; kind?: string; name?: string; namespace?: string }[];
  hostnames?: string[];
  rules?: {
    backendRefs?: {
      group?: string;
      kind?: string;
      name?: string;
      namespace?: string;
      weight?: number;
    }[];
  }[];
}

/**
 * A Service's TCPRoutes and TLSRoutes. The policy controller takes a route
 * with exactly one rule (linkerd2 `outbound/index/tls.rs`: "TLSRoute needs to
 * have one rule"); a backend weighs 1 unless given; a backend naming no
 * Service fails the connections sent to it (`error="invalid_backend"`).
 */
export function opaqueRoutesOf(
  svc: { namespace: string; name: string },
  routes: CrdObject[],
  serviceExists: (namespace: string, name: string) => boolean,
): OpaqueRouteConfig[] {
  const out: OpaqueRouteConfig[] = [];
  for (const r of routes) {
    const kind =
      r.kind === 'TLSRoute' ? 'TLSRoute' : r.kind === 'TCPRoute' ? 'TCPRoute' : undefined;
    const namespace = r.metadata?.namespace ?? '';
    const spec = (r.spec ?? {}) as OpaqueRouteSpec;
    const parented = (spec.parentRefs ?? []).some(
      (p) =>
        (p.kind ?? '') === 'Service' &&
        ['core', ''].includes(p.group ?? 'core') &&
        p.name === svc.name &&
        (p.namespace ?? namespace) === svc.namespace,
    );
    if (!kind || !parented) continue;
    const rules = spec.rules ?? [];
    const refs = (rules[0]?.backendRefs ?? []).filter(
      (b) => (b.kind ?? 'Service') === 'Service' && ['core', ''].includes(b.group ?? 'core'),
    );
    const total = refs.reduce((sum, b) => sum + (b.weight ?? 1), 0);
    out.push({
      kind,
      name: r.metadata?.name ?? '',
      object: ref(r),
      hostnames: kind === 'TLSRoute' ? (spec.hostnames ?? []) : [],
      backends: refs.map((b) => {
        const ns = b.namespace ?? namespace;
        return {
          namespace: ns,
          name: b.name ?? '',
          weight: total > 0 ? (b.weight ?? 1) / total : 0,
          exists: serviceExists(ns, b.name ?? ''),
        };
      }),
      problem:
        rules.length === 1
          ? null
          : `it has ${rules.length} rules, and Linkerd takes a ${kind} with exactly one`,
    });
  }
  return out.sort((a, b) => a.object.localeCompare(b.object));
}
