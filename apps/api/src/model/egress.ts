import type { EgressNetworkRow } from '@meshviz/shared';
import type { CrdObject, ParentRef } from './route-config';

const POLICY_GROUP = 'policy.linkerd.io';

interface EgressNetworkSpec {
  trafficPolicy?: unknown;
  networks?: { cidr?: unknown; except?: unknown }[];
}

interface AttachableRoute {
  parentRefs?: ParentRef[];
  hostnames?: string[];
}

/** What an EgressNetwork is, without its traffic. */
export type EgressNetworkConfig = Omit<
  EgressNetworkRow,
  | 'requestsPerSecond'
  | 'deniedRequestsPerSecond'
  | 'connectionsPerSecond'
  | 'deniedConnectionsPerSecond'
>;

/**
 * The cluster's EgressNetworks (policy.linkerd.io/v1alpha1, Linkerd 2.17),
 * each with the Gateway-API routes whose parent it is. One in the global
 * egress namespace applies to every client, any other to its own
 * namespace's clients (which it takes before a global one); without
 * `networks` it captures every address outside the cluster's networks.
 */
export function egressNetworksOf(
  networks: CrdObject[],
  routes: CrdObject[],
  globalNamespace: string,
): EgressNetworkConfig[] {
  return networks
    .map((n) => {
      const namespace = n.metadata?.namespace ?? '';
      const name = n.metadata?.name ?? '';
      const spec = (n.spec ?? {}) as EgressNetworkSpec;
      return {
        namespace,
        name,
        trafficPolicy: typeof spec.trafficPolicy === 'string' ? spec.trafficPolicy : null,
        networks: (spec.networks ?? []).flatMap((x) =>
          typeof x.cidr === 'string'
            ? [
                {
                  cidr: x.cidr,
                  except: Array.isArray(x.except)
                    ? x.except.filter((e): e is string => typeof e === 'string')
                    : [],
                },
              ]
            : [],
        ),
        scope: namespace === globalNamespace ? ('cluster' as const) : ('namespace' as const),
        routes: routes
          .flatMap((r) => {
            const routeNs = r.metadata?.namespace ?? '';
            const s = (r.spec ?? {}) as AttachableRoute;
            const ref = (s.parentRefs ?? []).find(
              (p) =>
                p.kind === 'EgressNetwork' &&
                p.group === POLICY_GROUP &&
                p.name === name &&
                (p.namespace ?? routeNs) === namespace,
            );
            return ref
              ? [
                  {
                    kind: r.kind ?? '',
                    namespace: routeNs,
                    name: r.metadata?.name ?? '',
                    hostnames: Array.isArray(s.hostnames) ? s.hostnames : [],
                    port: typeof ref.port === 'number' ? ref.port : null,
                  },
                ]
              : [];
          })
          .sort((a, b) =>
            `${a.kind}/${a.namespace}/${a.name}`.localeCompare(
              `${b.kind}/${b.namespace}/${b.name}`,
            ),
          ),
      };
    })
    .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
}

/**
 * Whether a route refused what took it: an EgressNetwork's default route in
 * Deny mode (linkerd2 `default_outbound_egress_route`: `http-egress-deny`
 * answers 403, `grpc-egress-deny` PERMISSION_DENIED, `tls-egress-deny` and
 * `tcp-egress-deny` close the connection with `error="forbidden"`).
 */
export function egressDenied(routeKind: string, routeName: string): boolean {
  return routeKind === 'default' && routeName.endsWith('-egress-deny');
}
