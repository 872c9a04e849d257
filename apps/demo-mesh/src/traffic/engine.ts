import type { Cluster, SimPod } from '../cluster/cluster';
import { AdminTraffic } from '../proxy/admin-traffic';
import { labelText } from '../proxy/registry';
import { rngFor, type Rng } from '../rng';
import type { IncidentSpec, RequestClass, ServiceSpec } from '../scenarios/types';
import { BRONZE, drawByWeight, GOLDEN, LogNormal, Sequence, SILVER } from './distributions';
import {
  authorityOf,
  authzLabels,
  backendLabels,
  CLUSTER_DOMAIN,
  gatewayRouteLabels,
  inboundTarget,
  inboundTls,
  outboundLabels,
  routeLabels,
  srvLabels,
} from './labels';
import { resolveInbound, resolveOpaque, resolveOutbound, type OutboundRoute } from './policy';
import { EgressTraffic, recordsHostnames } from './egress';
import { rateLimitFor, type LocalRateLimit } from './rate-limit';
import { ProxyRecorder } from './recorder';
import { RetryBudget } from './retry-budget';
import type { BackendRuntime, ClassRuntime, Outcome, PairHandle, TcpCallRuntime } from './runtime';
import { KubeletProbes } from './kubelet-probes';
import { VizScrapes } from './viz-scrapes';
import { TapHub } from '../tap/tap-hub';

/** Proxy overhead added to what the client sees. */
const PROXY_OVERHEAD_MS = 0.3;
/** Requests per tick are jittered by up to this fraction, so charts are not flat lines. */
const RATE_JITTER = 0.05;
/** Attempts per request at most, whatever the budget allows. */
const MAX_ATTEMPTS = 10;

/** One request of a tick, at its instant. */
interface RequestJob {
  at: number;
  c: ClassRuntime;
  client: SimPod;
  servers: SimPod[][];
  incident: { extraFailure: number; latencyFactor: number };
  rotation: number;
}

/** Drives every call of the scenario, tick by tick, into the proxies' counters. */
export class TrafficEngine {
  private readonly classes: ClassRuntime[] = [];
  private readonly tcpCalls: TcpCallRuntime[] = [];
  /** Client pod -> server pod -> target port -> handle. */
  private readonly pairs = new Map<SimPod, Map<SimPod, Map<number, PairHandle>>>();
  private readonly budgets = new Map<string, RetryBudget>();
  /** Each server proxy's rate limit for a Server (`uid|server`), none where no policy targets it. */
  private readonly rateLimits = new Map<string, LocalRateLimit | null>();
  private readonly recorder = new ProxyRecorder();
  private readonly rng: Rng;
  private lastTick: number;
  /** When the request being simulated arrives (ms). */
  private requestAt: number;
  /** Requests served so far, by call, for the process CPU model. */
  requests = 0;
  /** What proxies count of requests to their admin servers. */
  readonly admin: AdminTraffic;
  private readonly vizScrapes: VizScrapes;
  private readonly probes: KubeletProbes;
  private readonly egress: EgressTraffic;
  /** The proxies' tap servers, fed with every request attempt while a tap is open. */
  readonly tap = new TapHub();

  constructor(
    private readonly cluster: Cluster,
    private readonly options: {
      seed: number;
      incidents: boolean;
      adminPort: number;
      now?: () => number;
    },
  ) {
    this.admin = new AdminTraffic(options.adminPort);
    this.vizScrapes = new VizScrapes(cluster, this.admin, options.adminPort);
    this.probes = new KubeletProbes(cluster, this.admin);
    this.rng = rngFor(options.seed, `traffic:${cluster.scenario.name}`);
    this.egress = new EgressTraffic(cluster, options.seed, this.recorder);
    this.lastTick = this.now();
    this.requestAt = this.lastTick;
    for (const call of cluster.scenario.calls) {
      const [clientNs = '', clientWorkload = ''] = call.from.split('/');
      const [svcNs = '', svcName = ''] = call.to.split('/');
      const svc = cluster.service(svcNs, svcName)?.spec;
      if (!svc) throw new Error(`call ${call.from} -> ${call.to}: no such service`);
      if (call.protocol === 'tcp') {
        const route = resolveOpaque(cluster, svc);
        this.tcpCalls.push({
          call,
          svc,
          due: 0,
          pairs: new Set(),
          route,
          routeLabels: labelText(gatewayRouteLabels(svc, route)),
          backendSeq: new Sequence(rngFor(options.seed, `${call.from}>${call.to}`).next(), BRONZE),
        });
        continue;
      }
      for (const cls of call.requests ?? []) {
        const seq = rngFor(options.seed, `${call.from}>${call.to}${cls.path}`);
        const route = resolveOutbound(cluster, svc, cls);
        const spBase = (direction: string) =>
          labelText({ direction, dst: authorityOf(svc), rt_route: route.rtRoute ?? '' });
        const backends: BackendRuntime[] = (
          route.backends ?? [{ namespace: svc.namespace, name: svc.name, weight: 1 }]
        ).flatMap((b) => {
          const spec = cluster.service(b.namespace, b.name)?.spec;
          return spec && b.weight > 0
            ? [
                {
                  svc: spec,
                  weight: b.weight,
                  gwBackend: labelText({
                    ...gatewayRouteLabels(svc, route),
                    ...backendLabels(spec),
                  }),
                },
              ]
            : [];
        });
        if (backends.length === 0)
          throw new Error(`call ${call.from} -> ${call.to}: its route has no existing backend`);
        this.classes.push({
          call,
          cls,
          svc,
          backends,
          backendSeq: new Sequence(seq.next(), BRONZE),
          clientNs,
          clientWorkload,
          route,
          labels: {
            spOut: spBase('outbound'),
            spIn: spBase('inbound'),
            gwRoute: labelText(gatewayRouteLabels(svc, route)),
            // The host the app asked for, where the client's namespace has proxies record it.
            gwRequest: labelText({
              ...gatewayRouteLabels(svc, route),
              hostname: recordsHostnames(cluster, clientNs)
                ? `${svc.name}.${svc.namespace}.svc.${CLUSTER_DOMAIN}`
                : '',
            }),
            family: call.protocol === 'grpc' ? 'outbound_grpc_route' : 'outbound_http_route',
          },
          dist: new LogNormal(cls.latency),
          due: seq.next(),
          rotation: seq.int(1000),
          latencySeq: new Sequence(seq.next(), GOLDEN),
          failureSeq: new Sequence(seq.next(), SILVER),
          grpc: call.protocol === 'grpc',
        });
      }
    }
    // Forget handles of pods that are gone, so their series are not kept alive.
    cluster.podEvents.on('removed', (pod: SimPod) => {
      const forget = (byPort: Map<number, PairHandle> | undefined) => {
        for (const pair of byPort?.values() ?? [])
          for (const t of this.tcpCalls) t.pairs.delete(pair);
      };
      for (const byPort of this.pairs.get(pod)?.values() ?? []) forget(byPort);
      this.pairs.delete(pod);
      for (const byServer of this.pairs.values()) {
        forget(byServer.get(pod));
        byServer.delete(pod);
      }
      for (const key of this.budgets.keys()) if (key.startsWith(pod.uid)) this.budgets.delete(key);
      for (const key of this.rateLimits.keys())
        if (key.startsWith(`${pod.uid}|`)) this.rateLimits.delete(key);
    });
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Advances the traffic to `now`. */
  tick(now = this.now()): void {
    const dt = Math.min(Math.max(0, (now - this.lastTick) / 1000), 5);
    this.lastTick = now;
    if (dt === 0) return;
    for (const b of this.budgets.values()) b.advance();
    const t = (now - this.cluster.startedAt) / 1000;
    // Every request of the tick at its own instant, all calls' in time order: a server's rate
    // limit sees them arrive as they would, interleaved, not one call's after another's.
    const jobs: RequestJob[] = [];
    for (const c of this.classes) this.tickClass(c, dt, t, now, jobs);
    jobs.sort((a, b) => a.at - b.at);
    for (const j of jobs) {
      this.requestAt = j.at;
      this.request(j.c, j.client, j.servers, j.incident, j.rotation);
    }
    this.requestAt = now;
    for (const c of this.tcpCalls) this.tickTcp(c, dt);
    this.egress.tick(dt, now);
    this.vizScrapes.tick(dt);
    this.probes.tick(dt);
  }

  private incidentAt(svc: ServiceSpec, t: number): { extraFailure: number; latencyFactor: number } {
    let extraFailure = 0;
    let latencyFactor = 1;
    if (!this.options.incidents) return { extraFailure, latencyFactor };
    for (const inc of this.cluster.scenario.incidents ?? []) {
      if (inc.service !== `${svc.namespace}/${svc.name}` || !incidentActive(inc, t)) continue;
      extraFailure += inc.extraFailure ?? 0;
      latencyFactor *= inc.latencyFactor ?? 1;
    }
    return { extraFailure, latencyFactor };
  }

  private tickClass(c: ClassRuntime, dt: number, t: number, now: number, jobs: RequestJob[]): void {
    const clients = this.cluster.podsOf(c.clientNs, c.clientWorkload);
    const servers = c.backends.map((b) => this.cluster.endpointsOf(b.svc.namespace, b.svc.name));
    if (clients.length === 0 || servers.every((s) => s.length === 0)) return;
    const jitter = 1 + (this.rng.next() * 2 - 1) * RATE_JITTER;
    c.due += c.cls.rps * dt * jitter;
    const n = Math.floor(c.due);
    c.due -= n;
    const incident = this.incidentAt(c.svc, t);
    for (let i = 0; i < n; i++) {
      const client = clients[c.rotation % clients.length] as SimPod;
      const at = now - dt * 1000 + ((i + 0.5) / n) * dt * 1000;
      jobs.push({ at, c, client, servers, incident, rotation: c.rotation });
      c.rotation++;
    }
  }

  private sampleOutcome(
    c: ClassRuntime,
    incident: { extraFailure: number; latencyFactor: number },
    firstAttempt: boolean,
  ): Outcome {
    const failP = Math.min(1, 1 - c.cls.successRate + incident.extraFailure);
    // First attempts follow an equidistributed sequence (exact rates over short windows);
    // retries draw independently, as a retry's fate does not depend on the first try's.
    const failure = (firstAttempt ? c.failureSeq.next() : this.rng.next()) < failP;
    const latencyMs = c.dist.quantile(c.latencySeq.next()) * incident.latencyFactor;
    if (!failure)
      return {
        status: c.grpc ? 200 : this.successStatus(c.cls),
        grpcStatus: c.grpc ? 0 : undefined,
        failure: false,
        error: '',
        latencyMs,
      };
    if (c.grpc)
      return {
        status: 200,
        grpcStatus: c.cls.failureGrpcStatus ?? 2,
        failure: true,
        error: '',
        latencyMs,
      };
    const status = c.cls.failureStatus ?? 500;
    return {
      status,
      grpcStatus: undefined,
      failure: this.isFailure(c.route, status),
      error: '',
      latencyMs,
    };
  }

  /** 200, or one of the class's other statuses by their shares. */
  private successStatus(cls: RequestClass): number {
    if (!cls.statusMix) return 200;
    let draw = this.rng.next() * cls.successRate;
    for (const m of cls.statusMix) {
      draw -= m.share;
      if (draw < 0) return m.status;
    }
    return 200;
  }

  private isFailure(route: OutboundRoute, status: number): boolean {
    const cls = route.responseClasses?.find((r) => status >= r.min && status <= r.max);
    return cls ? cls.isFailure : status >= 500;
  }

  /** A backend by weight, for one attempt (each attempt, retries too, picks anew, as Linkerd's do). */
  private pickBackend(c: ClassRuntime, servers: SimPod[][]): number {
    if (c.backends.length === 1) return 0;
    const pick = drawByWeight(c.backendSeq, c.backends);
    // A backend without endpoints: the first one that has some.
    return (servers[pick]?.length ?? 0) > 0 ? pick : servers.findIndex((s) => s.length > 0);
  }

  /** One request as the calling app sees it: attempts, retries, timeout. */
  private request(
    c: ClassRuntime,
    client: SimPod,
    serversByBackend: SimPod[][],
    incident: { extraFailure: number; latencyFactor: number },
    rotation: number,
  ): void {
    this.requests++;
    const budget = this.budgetFor(client, c);
    budget?.request();
    let elapsed = 0;
    let last: Outcome | undefined;
    let retries = 0;
    let skippedNoBudget = false;
    let limitExceeded = false;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const b = this.pickBackend(c, serversByBackend);
      const backend = c.backends[b] as BackendRuntime;
      const servers = serversByBackend[b] as SimPod[];
      const server = servers[(rotation + attempt) % servers.length] as SimPod;
      const pair = this.pair(client, server, backend.svc, c.svc);
      let outcome = this.sampleOutcome(c, incident, attempt === 0);
      const limited = pair.decision.allowed ? this.rateLimited(client, server, pair) : undefined;
      if (limited) {
        // The server's proxy answers for the app: 429, RESOURCE_EXHAUSTED for gRPC.
        outcome = {
          status: 429,
          grpcStatus: c.grpc ? 8 : undefined,
          failure: c.grpc,
          error: '',
          latencyMs: 0.5,
        };
      } else if (!pair.decision.allowed) {
        outcome = {
          status: 403,
          grpcStatus: c.grpc ? 7 : undefined,
          failure: c.grpc,
          error: '',
          latencyMs: 0.6,
        };
      }
      this.recorder.server(pair, c, server, outcome, pair.decision.allowed && !limited);
      let seen: Outcome = { ...outcome, latencyMs: outcome.latencyMs + PROXY_OVERHEAD_MS };
      const remaining = c.route.timeoutMs !== undefined ? c.route.timeoutMs - elapsed : Infinity;
      if (seen.latencyMs > remaining) {
        seen = {
          status: 504,
          grpcStatus: c.grpc ? 4 : undefined,
          failure: true,
          error: 'REQUEST_TIMEOUT',
          latencyMs: remaining,
        };
      }
      if (this.tap.active)
        this.tap.call({
          at: this.requestAt + elapsed,
          client,
          server,
          backend: backend.svc,
          parent: c.svc,
          method: c.cls.method ?? (c.grpc ? 'POST' : 'GET'),
          path: c.cls.path,
          grpc: c.grpc,
          responseBytes: c.cls.responseBytes ?? 0,
          outbound: seen,
          inbound: outcome,
        });
      elapsed += seen.latencyMs;
      // A budget (ServiceProfile) retries failures; annotations retry the statuses they name.
      const retry = c.route.retry;
      const retryable =
        retry !== undefined &&
        pair.decision.allowed &&
        !seen.error &&
        (retry.kind === 'budget'
          ? seen.failure
          : c.grpc
            ? seen.grpcStatus !== undefined && retry.grpc.includes(seen.grpcStatus)
            : retry.statuses.some(([lo, hi]) => seen.status >= lo && seen.status <= hi));
      this.recorder.attempt(pair, c, backend, client, seen, attempt > 0, retryable);
      last = seen;
      if (!retry || !retryable) break;
      if (retry.kind === 'budget' ? !budget?.tryRetry() : attempt + 1 > retry.limit) {
        if (retry.kind === 'budget') skippedNoBudget = true;
        else limitExceeded = true;
        break;
      }
      retries++;
    }
    if (last)
      this.recorder.effective(
        c,
        client,
        { ...last, latencyMs: elapsed },
        retries,
        skippedNoBudget,
        limitExceeded,
      );
  }

  /**
   * Whether the server's proxy refuses the request by the HTTPLocalRateLimitPolicy on its
   * Server, and which limit did; it counts the refusal on `inbound_http_local_ratelimit_total`.
   */
  private rateLimited(client: SimPod, server: SimPod, pair: PairHandle): string | undefined {
    const d = pair.decision;
    const key = `${server.uid}|${d.srv.name}`;
    let limit = this.rateLimits.get(key);
    if (limit === undefined) {
      limit = rateLimitFor(this.cluster, server, d, this.requestAt) ?? null;
      this.rateLimits.set(key, limit);
    }
    const proxy = server.proxy;
    if (!limit || !proxy) return undefined;
    const identity = client.meshed ? client.identity : undefined;
    const scope = limit.check(identity, this.requestAt);
    if (!scope) return undefined;
    const name = limit.name;
    this.recorder.cached(server, `ratelimit|${d.srv.name}`, scope, () =>
      proxy.counter(
        'inbound_http_local_ratelimit_total',
        labelText({
          target_addr: pair.inTarget.target_addr,
          target_ip: pair.inTarget.target_ip,
          target_port: pair.inTarget.target_port,
          ...srvLabels(d),
          ratelimit_group: 'policy.linkerd.io',
          ratelimit_kind: 'httplocalratelimitpolicy',
          ratelimit_name: name,
          // An override is a per-identity limit of its own.
          ratelimit_scope: scope === 'total' ? 'total' : 'identity',
        }),
      ),
    ).value++;
    return scope;
  }

  private budgetFor(client: SimPod, c: ClassRuntime): RetryBudget | undefined {
    const r = c.route.retry;
    if (!r || r.kind !== 'budget' || !client.meshed) return undefined;
    const key = `${client.uid}|${c.svc.namespace}/${c.svc.name}`;
    let b = this.budgets.get(key);
    if (!b) {
      b = new RetryBudget(r.ratio, r.minPerSecond, r.ttlSeconds);
      this.budgets.set(key, b);
    }
    return b;
  }

  /** The handles of a client and one endpoint of `svc`, which `parent`'s route sent it to. */
  private pair(client: SimPod, server: SimPod, svc: ServiceSpec, parent = svc): PairHandle {
    let byServer = this.pairs.get(client);
    if (!byServer) {
      byServer = new Map();
      this.pairs.set(client, byServer);
    }
    let byPort = byServer.get(server);
    if (!byPort) {
      byPort = new Map();
      byServer.set(server, byPort);
    }
    let p = byPort.get(svc.targetPort);
    if (!p) {
      const portName = svc.portName ?? (svc.protocol === 'grpc' ? 'grpc' : 'http');
      const decision = resolveInbound(this.cluster, server, svc.targetPort, portName, client);
      p = {
        outResponse: new Map(),
        outLatency: new Map(),
        inResponse: new Map(),
        inLatency: new Map(),
        decision,
        outBase: outboundLabels(server, svc, parent),
        inTls: labelText(inboundTls(client)),
        inTarget: inboundTarget(server, svc),
        outTcpBase: outboundLabels(server, svc)
          .replace(/authority="[^"]*",/, '')
          .replace('direction="outbound",', 'direction="outbound",peer="dst",'),
        inBase: labelText({
          direction: 'inbound',
          authority: authorityOf(parent),
          ...inboundTarget(server, svc),
          ...inboundTls(client),
          ...srvLabels(decision),
          ...routeLabels(decision),
          ...authzLabels(decision),
        }),
      };
      byPort.set(svc.targetPort, p);
    }
    return p;
  }

  private tickTcp(t: TcpCallRuntime, dt: number): void {
    const [ns = '', workload = ''] = t.call.from.split('/');
    const clients = this.cluster.podsOf(ns, workload);
    const servers = this.cluster.endpointsOf(t.svc.namespace, t.svc.name);
    const spec = t.call.tcp;
    if (!spec || clients.length === 0 || servers.length === 0) return;
    const share = 1 / servers.length;
    const want = Math.max(1, Math.round(spec.connections * share));
    for (const client of clients) {
      for (const server of servers) {
        const pair = this.pair(client, server, t.svc);
        t.pairs.add(pair);
        const d = pair.decision;
        if (client.proxy) {
          pair.outTcp ??= this.recorder.tcpHandle(client.proxy, pair.outTcpBase);
          pair.outTcp.write.value += Math.round(spec.writeBytesPerSec * dt * share);
          pair.outTcp.read.value += Math.round(spec.readBytesPerSec * dt * share);
        }
        if (server.proxy) {
          const proxy = server.proxy;
          const target = labelText(inboundTarget(server, t.svc));
          pair.inTcp ??= this.recorder.tcpHandle(
            proxy,
            `direction="inbound",peer="src",${target},${pair.inTls},${labelText(srvLabels(d))}`,
          );
          pair.inTcp.read.value += Math.round(spec.writeBytesPerSec * dt * share);
          pair.inTcp.write.value += Math.round(spec.readBytesPerSec * dt * share);
          const opened = Math.max(0, want - pair.inTcp.connections.value);
          if (opened > 0) {
            const labels = `${target},${labelText({ ...srvLabels(d), ...authzLabels(d) })},${pair.inTls}`;
            this.recorder.cached(server, `tcpallow|${labels}`, '', () =>
              proxy.counter('inbound_tcp_authz_allow_total', labels),
            ).value += opened;
          }
        }
        // Connections are pooled: keep the declared number open.
        if (pair.outTcp && pair.outTcp.connections.value < want)
          this.opaqueOpened(t, client, want - pair.outTcp.connections.value);
        for (const h of [pair.outTcp, pair.inTcp]) {
          if (h && h.connections.value < want) {
            h.open.value += want - h.connections.value;
            h.connections.value = want;
          }
        }
      }
    }
    // ...and replace connections as pools recycle them (one per pair a minute unless declared).
    t.due += (dt * (spec.reconnectsPerMinute ?? 1)) / 60;
    while (t.due >= 1) {
      t.due -= 1;
      for (const client of clients) {
        for (const server of servers) {
          if ((this.pair(client, server, t.svc).outTcp?.connections.value ?? 0) > 0) {
            this.opaqueClosed(t, client, '');
            this.opaqueOpened(t, client, 1);
          }
        }
      }
      for (const pair of t.pairs) {
        for (const h of [pair.outTcp, pair.inTcp]) {
          if (h && h.connections.value > 0) {
            h.close.value++;
            h.open.value++;
          }
        }
      }
    }
  }

  /**
   * The client proxy's route families for `n` connections its app opened
   * (`outbound_tcp_route_open_total`): each goes to a backend by the route's
   * weights, and one to a backend that is not there is closed at once with
   * `error="invalid_backend"`, the app connecting again until one holds.
   */
  private opaqueOpened(t: TcpCallRuntime, client: SimPod, n: number): void {
    const proxy = client.proxy;
    if (!proxy) return;
    const opened = this.recorder.cached(client, t.call.to, 'opaq-open', () =>
      proxy.counter('outbound_tcp_route_open_total', t.routeLabels),
    );
    for (let k = 0; k < n; k++) {
      for (let tries = 0; tries < MAX_ATTEMPTS; tries++) {
        opened.value++;
        if (t.route.backends[drawByWeight(t.backendSeq, t.route.backends)]?.exists !== false) break;
        this.opaqueClosed(t, client, 'invalid_backend');
      }
    }
  }

  private opaqueClosed(t: TcpCallRuntime, client: SimPod, error: string): void {
    const proxy = client.proxy;
    if (!proxy) return;
    this.recorder.cached(client, t.call.to, `opaq-close|${error}`, () =>
      proxy.counter('outbound_tcp_route_close_total', `${t.routeLabels},error="${error}"`),
    ).value++;
  }
}

export function incidentActive(inc: IncidentSpec, t: number): boolean {
  const since = t - inc.startSeconds;
  if (since < 0) return false;
  return inc.everySeconds
    ? since % inc.everySeconds < inc.durationSeconds
    : since < inc.durationSeconds;
}
