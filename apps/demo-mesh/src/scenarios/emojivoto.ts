import type { KubeObject } from '../kube/types';
import type { RequestClass, Scenario } from './types';

const NS = 'emojivoto';
const VOTING = '/emojivoto.v1.VotingService';
const EMOJI = '/emojivoto.v1.EmojiService';

const fast = { p50Ms: 2, p95Ms: 8 };
const grpc = (path: string, rps: number, successRate = 1, latency = fast): RequestClass => ({
  method: 'POST',
  path,
  rps,
  successRate,
  latency,
  requestBytes: 120,
  responseBytes: 180,
});

function serviceProfile(
  service: string,
  routes: { name: string; condition: { method: string; pathRegex: string } }[],
): KubeObject {
  return {
    apiVersion: 'linkerd.io/v1alpha2',
    kind: 'ServiceProfile',
    metadata: { name: `${service}.${NS}.svc.cluster.local`, namespace: NS },
    spec: { routes },
  };
}

/**
 * Linkerd's emojivoto: vote-bot -> web (HTTP), web -> emoji and voting (gRPC).
 * Voting fails every vote for :doughnut:, as the real app does, so web's
 * /api/vote fails for those votes too. Also: `web` calls an unmeshed
 * `geo-lookup` (plaintext, not_provided_by_service_discovery). emoji's store
 * is unavailable now and then, and web's proxy retries those RPCs once
 * through a GRPCRoute's annotations; the same route sends a tenth of them to
 * a canary of the next release.
 */
export function emojivoto(): Scenario {
  const votes = ['VoteJoy', 'VoteSunglasses', 'VoteHeart', 'Vote100', 'VoteRocket', 'VoteBeer'];
  const voteRps = 0.5;
  return {
    name: 'emojivoto',
    description: "Linkerd's emoji voting demo: every vote for :doughnut: fails.",
    linkerdViz: true,
    namespaces: [{ name: NS, inject: true }],
    workloads: [
      {
        namespace: NS,
        name: 'vote-bot',
        kind: 'Deployment',
        meshed: true,
        serviceAccount: 'default',
        image: 'docker.l5d.io/buoyantio/emojivoto-web:v11',
      },
      {
        namespace: NS,
        name: 'web',
        kind: 'Deployment',
        meshed: true,
        ports: [{ name: 'http', port: 8080, protocol: 'http' }],
        image: 'docker.l5d.io/buoyantio/emojivoto-web:v11',
      },
      {
        namespace: NS,
        name: 'emoji',
        kind: 'Deployment',
        meshed: true,
        ports: [
          { name: 'grpc', port: 8080, protocol: 'grpc' },
          { name: 'prom', port: 8801, protocol: 'http' },
        ],
        image: 'docker.l5d.io/buoyantio/emojivoto-emoji-svc:v11',
      },
      // The next emoji release, taking a tenth of emoji-svc's RPCs through its GRPCRoute.
      {
        namespace: NS,
        name: 'emoji-canary',
        kind: 'Deployment',
        meshed: true,
        serviceAccount: 'emoji',
        ports: [
          { name: 'grpc', port: 8080, protocol: 'grpc' },
          { name: 'prom', port: 8801, protocol: 'http' },
        ],
        image: 'docker.l5d.io/buoyantio/emojivoto-emoji-svc:v12',
      },
      {
        namespace: NS,
        name: 'voting',
        kind: 'Deployment',
        meshed: true,
        // A FIPS build of the proxy, as a regulated team would run: no X25519, no ChaCha20.
        fipsProxy: true,
        ports: [
          { name: 'grpc', port: 8080, protocol: 'grpc' },
          { name: 'prom', port: 8801, protocol: 'http' },
        ],
        image: 'docker.l5d.io/buoyantio/emojivoto-voting-svc:v11',
      },
      {
        namespace: NS,
        name: 'geo-lookup',
        kind: 'Deployment',
        meshed: false,
        injectDisabled: true,
        ports: [{ name: 'http', port: 8080, protocol: 'http' }],
      },
    ],
    services: [
      {
        namespace: NS,
        name: 'web-svc',
        workload: 'web',
        port: 80,
        targetPort: 8080,
        protocol: 'http',
      },
      {
        namespace: NS,
        name: 'emoji-svc',
        workload: 'emoji',
        port: 8080,
        targetPort: 8080,
        protocol: 'grpc',
      },
      {
        namespace: NS,
        name: 'emoji-canary-svc',
        workload: 'emoji-canary',
        port: 8080,
        targetPort: 8080,
        protocol: 'grpc',
      },
      {
        namespace: NS,
        name: 'voting-svc',
        workload: 'voting',
        port: 8080,
        targetPort: 8080,
        protocol: 'grpc',
      },
      {
        namespace: NS,
        name: 'geo-lookup',
        workload: 'geo-lookup',
        port: 80,
        targetPort: 8080,
        protocol: 'http',
      },
    ],
    calls: [
      {
        from: `${NS}/vote-bot`,
        to: `${NS}/web-svc`,
        protocol: 'http',
        requests: [
          {
            method: 'GET',
            path: '/api/list',
            rps: 1,
            successRate: 1,
            latency: { p50Ms: 6, p95Ms: 18 },
            responseBytes: 4200,
          },
          {
            method: 'GET',
            path: '/api/vote',
            rps: voteRps * votes.length,
            successRate: 1,
            latency: { p50Ms: 5, p95Ms: 15 },
          },
          // The doughnut vote: voting answers an error and web a 500.
          {
            method: 'GET',
            path: '/api/vote',
            rps: voteRps,
            successRate: 0,
            latency: { p50Ms: 5, p95Ms: 15 },
          },
        ],
      },
      {
        from: `${NS}/web`,
        to: `${NS}/emoji-svc`,
        protocol: 'grpc',
        requests: [
          grpc(`${EMOJI}/ListAll`, 1),
          // Now and then the emoji store is unavailable: gRPC UNAVAILABLE (14) on HTTP 200.
          {
            ...grpc(`${EMOJI}/FindByShortcode`, voteRps * (votes.length + 1), 0.96),
            failureGrpcStatus: 14,
          },
        ],
      },
      {
        from: `${NS}/web`,
        to: `${NS}/voting-svc`,
        protocol: 'grpc',
        requests: [
          ...votes.map((v) => grpc(`${VOTING}/${v}`, voteRps)),
          grpc(`${VOTING}/VoteDoughnut`, voteRps, 0),
        ],
      },
      {
        from: `${NS}/web`,
        to: `${NS}/geo-lookup`,
        protocol: 'http',
        requests: [
          {
            method: 'GET',
            path: '/v1/lookup',
            rps: 0.5,
            successRate: 1,
            latency: { p50Ms: 12, p95Ms: 40 },
          },
        ],
      },
    ],
    resources: [
      // emoji-svc has no ServiceProfile: its RPCs take this GRPCRoute, which retries
      // UNAVAILABLE once (linkerd2 policy controller, parse_grpc_retry).
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'GRPCRoute',
        metadata: {
          name: 'emoji-svc',
          namespace: NS,
          annotations: {
            'retry.linkerd.io/grpc': 'unavailable',
            // A slip from an HTTPRoute: Linkerd reads no HTTP conditions on a GRPCRoute.
            'retry.linkerd.io/http': '5xx',
            'retry.linkerd.io/limit': '1',
            'timeout.linkerd.io/request': '2s',
          },
        },
        spec: {
          parentRefs: [{ group: 'core', kind: 'Service', name: 'emoji-svc', port: 8080 }],
          rules: [
            {
              matches: [{ method: { type: 'Exact', service: EMOJI.slice(1) } }],
              // A 90/10 canary split.
              backendRefs: [
                { name: 'emoji-svc', port: 8080, weight: 90 },
                { name: 'emoji-canary-svc', port: 8080, weight: 10 },
              ],
            },
          ],
        },
      },
      serviceProfile('web-svc', [
        { name: 'GET /api/list', condition: { method: 'GET', pathRegex: '/api/list' } },
        { name: 'GET /api/vote', condition: { method: 'GET', pathRegex: '/api/vote' } },
      ]),
      // As `linkerd profile --proto Voting.proto` writes it: one route per RPC.
      serviceProfile(
        'voting-svc',
        [...votes, 'VoteDoughnut', 'Results'].map((m) => ({
          name: m,
          condition: { method: 'POST', pathRegex: `${VOTING.replace(/\./g, '\\.')}/${m}` },
        })),
      ),
    ],
    incidents: [
      // Every 15 minutes, emoji slows down for 2 minutes.
      {
        service: `${NS}/emoji-svc`,
        startSeconds: 600,
        everySeconds: 900,
        durationSeconds: 120,
        latencyFactor: 8,
      },
    ],
  };
}
