import { z } from 'zod';
import { errorsSchema } from './api';

const maybe = z.number().nullable();

/** A reference to a Kubernetes object, and whether it exists. */
export const objectRefSchema = z.object({
  kind: z.string(),
  namespace: z.string(),
  name: z.string(),
  missing: z.boolean(),
});

/** What an authorization requires of a client: identities, networks, or both. */
export const requirementSchema = z.object({
  kind: z.enum(['MeshTLSAuthentication', 'NetworkAuthentication', 'ServiceAccount', 'client']),
  name: z.string(),
  missing: z.boolean(),
  /** Identities admitted (`*` = any meshed client); empty for network rules. */
  identities: z.array(z.string()),
  /** CIDRs admitted (with exceptions written `!cidr`). */
  networks: z.array(z.string()),
  /** Plaintext (unauthenticated) clients admitted. */
  unauthenticated: z.boolean(),
});
export type Requirement = z.infer<typeof requirementSchema>;

export const authorizationSchema = z.object({
  kind: z.enum(['AuthorizationPolicy', 'ServerAuthorization']),
  name: z.string(),
  /**
   * What the policy targets: the Server itself, every Server of its
   * Namespace, or one route (HTTPRoute / GRPCRoute) whose parent is the Server
   * (the policy then covers that route's requests only).
   */
  scope: z.string(),
  requires: z.array(requirementSchema),
});

export const clientRateSchema = z.object({ identity: z.string(), rps: z.number() });

/**
 * The HTTPLocalRateLimitPolicy on a Server (Linkerd 2.17): its limits, each
 * enforced by every server proxy on its own, and the requests refused.
 */
export const rateLimitSchema = z.object({
  name: z.string(),
  /** Requests per second a proxy admits in all, and from each client identity; null: no such limit. */
  totalRps: maybe,
  identityRps: maybe,
  /** Limits of their own for some clients (ServiceAccounts, as identities). */
  overrides: z.array(z.object({ requestsPerSecond: z.number(), identities: z.array(z.string()) })),
  /** Requests refused per second (`inbound_http_local_ratelimit_total`); null without any. */
  limitedRps: maybe,
  /** ... by the limit that refused them: `total` or `identity` (an override's included). */
  limitedByScope: z.array(z.object({ scope: z.string(), rps: z.number() })),
  /** 429 responses per second by client identity (the limit's, and any the app itself sent). */
  tooManyRequestsClients: z.array(clientRateSchema),
});
export type RateLimitView = z.infer<typeof rateLimitSchema>;

export const serverSchema = z.object({
  name: z.string(),
  port: z.union([z.string(), z.number()]),
  proxyProtocol: z.string(),
  /** `spec.accessPolicy`: what applies when no authorization matches (default deny). */
  accessPolicy: z.string(),
  podSelector: z.string(),
  pods: z.array(z.object({ name: z.string(), workload: z.string() })),
  authorizations: z.array(authorizationSchema),
  traffic: z.object({
    allowedRps: maybe,
    deniedRps: maybe,
    tcpAllowedPerSec: maybe,
    tcpDeniedPerSec: maybe,
    deniedClients: z.array(clientRateSchema),
    allowedClients: z.array(clientRateSchema),
  }),
  /** The HTTPLocalRateLimitPolicy targeting it, if one does. */
  rateLimit: rateLimitSchema.nullable(),
});
export type ServerView = z.infer<typeof serverSchema>;

export const policyResponseSchema = z.object({
  window: z.string(),
  namespace: z.string(),
  /** `config.linkerd.io/default-inbound-policy` for ports without a Server. */
  defaultInboundPolicy: z.object({ value: z.string(), source: z.enum(['namespace', 'cluster']) }),
  servers: z.array(serverSchema),
  /** Policies whose target does not exist. */
  danglingPolicies: z.array(z.object({ name: z.string(), target: objectRefSchema })),
  errors: errorsSchema,
});
export type PolicyResponse = z.infer<typeof policyResponseSchema>;

/** "Who may call this": per port of a workload, from the policy objects. */
export const workloadAccessSchema = z.object({
  workload: z.string(),
  ports: z.array(
    z.object({
      port: z.union([z.string(), z.number()]),
      server: z.string().nullable(),
      /** Plain words: who is admitted, and by which object. */
      rule: z.string(),
      requires: z.array(requirementSchema),
    }),
  ),
  defaultInboundPolicy: z.string(),
  errors: errorsSchema,
});
export type WorkloadAccess = z.infer<typeof workloadAccessSchema>;

export const serviceConfigSchema = z.object({
  service: z.string(),
  profile: z
    .object({
      name: z.string(),
      routes: z.array(
        z.object({
          name: z.string(),
          condition: z.string(),
          responseClasses: z.array(z.string()),
          isRetryable: z.boolean(),
          timeout: z.string().nullable(),
        }),
      ),
      retryBudget: z.string().nullable(),
    })
    .nullable(),
  /** Gateway-API routes attached to the Service: HTTPRoutes of either group, GRPCRoutes. */
  routes: z.array(
    z.object({
      kind: z.enum(['HTTPRoute', 'GRPCRoute']),
      group: z.string(),
      name: z.string(),
      parents: z.array(z.string()),
      hostnames: z.array(z.string()),
      rules: z.array(
        z.object({
          matches: z.array(z.string()),
          timeouts: z.string().nullable(),
          backends: z.array(
            z.object({ name: z.string(), port: z.number().nullable(), weight: z.number() }),
          ),
        }),
      ),
      /** `retry.linkerd.io/*` and `timeout.linkerd.io/*` annotations on the route. */
      annotations: z.array(z.object({ key: z.string(), value: z.string() })),
      /** Ignored by the proxies while a ServiceProfile for the Service exists. */
      shadowed: z.boolean(),
    }),
  ),
  annotations: z.array(z.object({ key: z.string(), value: z.string() })),
  /** Which mechanism the proxies use for this Service, and why. */
  precedence: z.string(),
  errors: errorsSchema,
});
export type ServiceConfig = z.infer<typeof serviceConfigSchema>;

export const findingSchema = z.object({
  severity: z.enum(['critical', 'warning', 'info']),
  code: z.string(),
  message: z.string(),
  /** Objects involved, `Kind namespace/name`. */
  objects: z.array(z.string()),
  fix: z.string(),
});
export type Finding = z.infer<typeof findingSchema>;

export const findingsResponseSchema = z.object({
  window: z.string(),
  findings: z.array(findingSchema),
  errors: errorsSchema,
});
export type FindingsResponse = z.infer<typeof findingsResponseSchema>;

export const controlPlaneResponseSchema = z.object({
  namespace: z.string(),
  version: z.string().nullable(),
  /** What `linkerd-config` says (or Linkerd's defaults, with `note` saying why). */
  config: z.object({
    found: z.boolean(),
    trustDomain: z.string(),
    clusterDomain: z.string(),
    issuanceLifetimeSeconds: z.number(),
    defaultInboundPolicy: z.string(),
    note: z.string().nullable(),
  }),
  components: z.array(
    z.object({
      name: z.string(),
      healthy: z.boolean(),
      pods: z.array(
        z.object({ name: z.string(), phase: z.string(), ready: z.boolean(), restarts: z.number() }),
      ),
    }),
  ),
  meshedPods: z.number(),
  totalPods: z.number(),
  proxyVersions: z.array(
    z.object({ version: z.string(), pods: z.number(), matchesControlPlane: z.boolean() }),
  ),
  /**
   * The resources meshviz reads and the version this cluster serves each at,
   * or null where it is not installed (no Gateway API CRDs, an older Linkerd).
   */
  resources: z.array(
    z.object({
      kind: z.string(),
      group: z.string(),
      apiVersion: z.string().nullable(),
    }),
  ),
  errors: errorsSchema,
});
export type ControlPlaneResponse = z.infer<typeof controlPlaneResponseSchema>;
