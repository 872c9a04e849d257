import type { Cluster, SimPod } from '../cluster/cluster';
import { identityOf } from '../cluster/linkerd';
import type { InboundDecision } from './policy';

interface RateLimitSpec {
  targetRef?: { group?: string; kind?: string; name?: string };
  total?: { requestsPerSecond?: number };
  identity?: { requestsPerSecond?: number };
  overrides?: {
    requestsPerSecond?: number;
    clientRefs?: { kind?: string; name?: string; namespace?: string }[];
  }[];
}

/** Which limit refused a request (linkerd2-proxy `RateLimitError`: Total, PerIdentity, Override). */
export type RateLimitScope = 'total' | 'identity' | 'override';

/**
 * A bucket of `rps` requests a second that holds at most `rps` (governor's
 * `Quota::per_second`, which the proxy's limiter uses): a burst of `rps`,
 * then one request every 1/rps s.
 */
class Bucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly rps: number,
    now: number,
  ) {
    this.tokens = rps;
    this.at = now;
  }

  take(now: number): boolean {
    this.tokens = Math.min(this.rps, this.tokens + ((now - this.at) / 1000) * this.rps);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * One proxy's HTTPLocalRateLimitPolicy for one Server (each proxy limits on
 * its own: the limits are per pod). Checked as linkerd2-proxy's
 * `LocalRateLimit::check` does: the total limit first (a request it admits
 * takes a token even if a later limit refuses it); then the client's
 * override if its identity has one (and nothing else); else the
 * per-identity limit, which every client without an identity shares.
 */
export class LocalRateLimit {
  private readonly total: Bucket | undefined;
  private readonly perIdentity = new Map<string, Bucket>();
  private readonly overrideBuckets = new Map<number, Bucket>();

  constructor(
    readonly name: string,
    private readonly spec: RateLimitSpec,
    private readonly namespace: string,
    private readonly start: number,
  ) {
    const total = spec.total?.requestsPerSecond;
    this.total = total ? new Bucket(total, start) : undefined;
  }

  /** Undefined when admitted, else the limit that refused it. */
  check(identity: string | undefined, now: number): RateLimitScope | undefined {
    if (this.total && !this.total.take(now)) return 'total';
    const i = identity === undefined ? -1 : this.overrideOf(identity);
    if (i >= 0) {
      const rps = this.spec.overrides?.[i]?.requestsPerSecond ?? 0;
      let b = this.overrideBuckets.get(i);
      if (!b) this.overrideBuckets.set(i, (b = new Bucket(rps, this.start)));
      return b.take(now) ? undefined : 'override';
    }
    const rps = this.spec.identity?.requestsPerSecond;
    if (!rps) return undefined;
    const key = identity ?? '';
    let b = this.perIdentity.get(key);
    if (!b) this.perIdentity.set(key, (b = new Bucket(rps, now)));
    return b.take(now) ? undefined : 'identity';
  }

  private overrideOf(identity: string): number {
    return (this.spec.overrides ?? []).findIndex(
      (o) =>
        (o.requestsPerSecond ?? 0) > 0 &&
        (o.clientRefs ?? []).some(
          (r) =>
            r.kind === 'ServiceAccount' &&
            r.name !== undefined &&
            identityOf(r.name, r.namespace || this.namespace) === identity,
        ),
    );
  }
}

/**
 * The HTTPLocalRateLimitPolicy that targets the Server a request was
 * admitted by, as a new limiter for one server pod's proxy; none for the
 * default policy (a rate limit targets a Server, and one Server takes one).
 */
export function rateLimitFor(
  cluster: Cluster,
  server: SimPod,
  decision: InboundDecision,
  now: number,
): LocalRateLimit | undefined {
  if (decision.srv.kind !== 'server') return undefined;
  const policy = cluster
    .resources('policy.linkerd.io/v1alpha1', 'HTTPLocalRateLimitPolicy', server.namespace)
    .find((p) => {
      const t = (p.spec as RateLimitSpec).targetRef;
      return t?.kind === 'Server' && t.name === decision.srv.name;
    });
  return policy
    ? new LocalRateLimit(policy.metadata.name, policy.spec as RateLimitSpec, server.namespace, now)
    : undefined;
}
