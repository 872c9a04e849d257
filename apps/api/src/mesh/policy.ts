import type { PolicyResponse, ServerView, WorkloadAccess } from '@meshviz/shared';
import { NotFoundError } from '../model/errors';
import type { WorkloadKind } from '../model/kinds';
import {
  authorizationsFor,
  describeRequirements,
  describeSelector,
  policyTarget,
  selects,
  type AuthorizationPolicySpec,
  type Crd,
  type PolicyObjects,
  type ServerAuthorizationSpec,
  type ServerSpec,
} from '../model/policy';
import { rateLimitOf, type RateLimitSpec } from '../model/rate-limits';
import type { PodInfo, TopologySnapshot } from '../model/workloads';
import { eq, type Sample } from '../sources/metrics/engine';
import { Answer } from './answer';
import type { MeshDeps } from './deps';

const DEFAULT_POLICY_ANNOTATION = 'config.linkerd.io/default-inbound-policy';

export function policyObjects(deps: MeshDeps, snapshot: TopologySnapshot): PolicyObjects {
  const t = deps.topology;
  return {
    servers: t.list<Crd<ServerSpec>>('servers'),
    policies: t.list<Crd<AuthorizationPolicySpec>>('authorizationpolicies'),
    serverAuthorizations: t.list<Crd<ServerAuthorizationSpec>>('serverauthorizations'),
    meshTls: t.list('meshtlsauthentications'),
    networks: t.list('networkauthentications'),
    // Routes a policy can target, or that can attach to a Server (GRPCRoute from Linkerd 2.16).
    httpRoutes: [
      ...t.list('httproutes.policy'),
      ...t.list('httproutes.gateway'),
      ...t.list('grpcroutes.policy'),
      ...t.list('grpcroutes.gateway'),
    ],
    rateLimits: t.list<Crd<RateLimitSpec>>('httplocalratelimitpolicies'),
    linkerdNamespace: snapshot.linkerdNamespace,
    trustDomain: snapshot.linkerd.trustDomain,
  };
}

export function defaultInboundPolicy(
  snapshot: TopologySnapshot,
  namespace: string,
): PolicyResponse['defaultInboundPolicy'] {
  const value = snapshot.namespaces.find((n) => n.name === namespace)?.annotations[
    DEFAULT_POLICY_ANNOTATION
  ];
  // Else the cluster's, as linkerd-config sets it.
  return value
    ? { value, source: 'namespace' }
    : { value: snapshot.linkerd.defaultInboundPolicy, source: 'cluster' };
}

function podsOf(server: Crd<ServerSpec>, pods: PodInfo[]): PodInfo[] {
  return pods.filter(
    (p) => p.namespace === server.metadata.namespace && selects(server.spec?.podSelector, p.labels),
  );
}

const sum = (samples: Sample[], pick: (l: Record<string, string>) => boolean) => {
  const hits = samples.filter((s) => pick(s.labels));
  return hits.length ? hits.reduce((a, s) => a + s.value, 0) : null;
};

function byClient(samples: Sample[], server: string): { identity: string; rps: number }[] {
  const out = new Map<string, number>();
  for (const s of samples) {
    if (s.labels.srv_name !== server || s.value <= 0) continue;
    const id = s.labels.client_id || 'unauthenticated (no client identity)';
    out.set(id, (out.get(id) ?? 0) + s.value);
  }
  return [...out].map(([identity, rps]) => ({ identity, rps })).sort((a, b) => b.rps - a.rps);
}

/** Observed allow/deny rates per Server of a namespace (the inbound authz families). */
export async function authzRates(
  deps: MeshDeps,
  answer: Answer,
  namespace: string | undefined,
  windowSeconds: number,
) {
  const m = namespace ? [eq('namespace', namespace)] : [];
  const q = (metric: string, by: string[]) =>
    answer.metrics(deps.engine.rate({ metric, matchers: m, by, windowSeconds }));
  const [allow, deny, tcpAllow, tcpDeny, limited, tooMany] = await Promise.all([
    q('inbound_http_authz_allow_total', ['namespace', 'srv_kind', 'srv_name', 'client_id']),
    q('inbound_http_authz_deny_total', ['namespace', 'srv_kind', 'srv_name', 'client_id']),
    q('inbound_tcp_authz_allow_total', ['namespace', 'srv_kind', 'srv_name']),
    q('inbound_tcp_authz_deny_total', ['namespace', 'srv_kind', 'srv_name']),
    q('inbound_http_local_ratelimit_total', [
      'namespace',
      'srv_name',
      'ratelimit_name',
      'ratelimit_scope',
    ]),
    answer.metrics(
      deps.engine.rate({
        metric: 'response_total',
        matchers: [...m, eq('direction', 'inbound'), eq('status_code', '429')],
        by: ['namespace', 'srv_kind', 'srv_name', 'client_id'],
        windowSeconds,
      }),
    ),
  ]);
  return { allow, deny, tcpAllow, tcpDeny, limited, tooMany };
}

/** A Server's HTTPLocalRateLimitPolicy with the requests it refused, and who got 429s. */
function rateLimitView(
  s: Crd<ServerSpec>,
  o: PolicyObjects,
  rates: Awaited<ReturnType<typeof authzRates>>,
): ServerView['rateLimit'] {
  const config = rateLimitOf(s, o.rateLimits ?? [], o);
  if (!config) return null;
  const name = s.metadata.name;
  const scopes = new Map<string, number>();
  for (const x of rates.limited) {
    if (x.labels.srv_name !== name || x.labels.ratelimit_name !== config.name) continue;
    const scope = x.labels.ratelimit_scope || 'unknown';
    scopes.set(scope, (scopes.get(scope) ?? 0) + x.value);
  }
  const limited = [...scopes.values()].reduce((a, b) => a + b, 0);
  return {
    ...config,
    limitedRps: scopes.size ? limited : null,
    limitedByScope: [...scopes]
      .map(([scope, rps]) => ({ scope, rps }))
      .sort((a, b) => a.scope.localeCompare(b.scope)),
    tooManyRequestsClients: byClient(rates.tooMany, name),
  };
}

/**
 * A namespace's authorization: every Server with its pods, port, protocol and
 * access policy, the policies that admit clients to it and what they
 * require, and the allowed and denied rates observed, with denied clients.
 */
export async function policyView(
  deps: MeshDeps,
  namespace: string,
  window: { seconds: number; text: string },
): Promise<PolicyResponse> {
  const { snapshot, pods } = deps.snapshots.get();
  if (!snapshot.namespaces.some((n) => n.name === namespace))
    throw new NotFoundError(`no namespace ${namespace}`);
  const answer = new Answer(deps.topology.errors(), deps.proxyErrors());
  const o = policyObjects(deps, snapshot);
  const rates = await authzRates(deps, answer, namespace, window.seconds);
  const servers: ServerView[] = o.servers
    .filter((s) => s.metadata.namespace === namespace)
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
    .map((s) => {
      const name = s.metadata.name;
      const mine = (l: Record<string, string>) => l.srv_name === name && l.srv_kind !== 'default';
      return {
        name,
        port: s.spec?.port ?? '',
        proxyProtocol: s.spec?.proxyProtocol ?? 'unknown',
        accessPolicy: s.spec?.accessPolicy ?? 'deny',
        podSelector: describeSelector(s.spec?.podSelector),
        pods: podsOf(s, pods).map((p) => ({
          name: p.name,
          workload: `${p.workload.kind}/${p.workload.name}`,
        })),
        authorizations: authorizationsFor(s, o),
        rateLimit: rateLimitView(s, o, rates),
        traffic: {
          allowedRps: sum(rates.allow, mine),
          deniedRps: sum(rates.deny, mine),
          tcpAllowedPerSec: sum(rates.tcpAllow, mine),
          tcpDeniedPerSec: sum(rates.tcpDeny, mine),
          deniedClients: byClient(rates.deny, name),
          allowedClients: byClient(rates.allow, name),
        },
      };
    });
  const nsNames = snapshot.namespaces.map((n) => n.name);
  return {
    window: window.text,
    namespace,
    defaultInboundPolicy: defaultInboundPolicy(snapshot, namespace),
    servers,
    danglingPolicies: o.policies
      .filter((p) => p.metadata.namespace === namespace)
      .map((p) => ({ name: p.metadata.name, target: policyTarget(p, o, nsNames) }))
      .filter((p) => p.target.missing),
    errors: answer.errors,
  };
}

/** Who may call a workload, port by port, from the policy objects alone. */
export function workloadAccessView(
  deps: MeshDeps,
  ref: { namespace: string; kind: WorkloadKind; name: string },
): WorkloadAccess {
  const { snapshot, pods } = deps.snapshots.get();
  const mine = pods.filter(
    (p) =>
      p.namespace === ref.namespace && p.workload.kind === ref.kind && p.workload.name === ref.name,
  );
  if (mine.length === 0)
    throw new NotFoundError(`no pods of ${ref.kind} ${ref.namespace}/${ref.name}`);
  const answer = new Answer(deps.topology.errors());
  const o = policyObjects(deps, snapshot);
  // The pod's own annotation wins over its namespace's and the cluster's.
  const fallback =
    mine.find((p) => p.defaultInboundPolicy)?.defaultInboundPolicy ??
    defaultInboundPolicy(snapshot, ref.namespace).value;
  const servers = o.servers.filter(
    (s) =>
      s.metadata.namespace === ref.namespace &&
      mine.some((p) => selects(s.spec?.podSelector, p.labels)),
  );
  return {
    workload: `${ref.namespace}/${ref.kind}/${ref.name}`,
    ports: servers.map((s) => {
      const auths = authorizationsFor(s, o);
      const requires = auths.flatMap((a) => a.requires);
      const rule =
        auths.length === 0
          ? `no authorization targets Server ${s.metadata.name}: access policy ${s.spec?.accessPolicy ?? 'deny'} applies`
          : `${describeRequirements(requires)} (via ${auths.map((a) => `${a.kind} ${a.name}`).join(', ')})`;
      return { port: s.spec?.port ?? '', server: s.metadata.name, rule, requires };
    }),
    defaultInboundPolicy: fallback,
    errors: answer.errors,
  };
}
