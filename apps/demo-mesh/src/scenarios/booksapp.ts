import type { KubeObject } from '../kube/types';
import type { Scenario } from './types';

const NS = 'booksapp';
const id = (sa: string) => `${sa}.${NS}.serviceaccount.identity.linkerd.cluster.local`;
const fqdn = (svc: string) => `${svc}.${NS}.svc.cluster.local`;

function route(
  method: string,
  pathRegex: string,
  name: string,
  extra: Record<string, unknown> = {},
) {
  return { name, condition: { method, pathRegex }, ...extra };
}

const resources: KubeObject[] = [
  // ServiceProfiles as booksapp ships them; HEAD on authors is retryable within a budget.
  {
    apiVersion: 'linkerd.io/v1alpha2',
    kind: 'ServiceProfile',
    metadata: { name: fqdn('authors'), namespace: NS },
    spec: {
      routes: [
        route('DELETE', '/authors/[^/]*\\.json', 'DELETE /authors/{id}.json'),
        route('GET', '/authors\\.json', 'GET /authors.json'),
        route('GET', '/authors/[^/]*\\.json', 'GET /authors/{id}.json'),
        route('HEAD', '/authors/[^/]*\\.json', 'HEAD /authors/{id}.json', { isRetryable: true }),
        route('POST', '/authors\\.json', 'POST /authors.json'),
      ],
      retryBudget: { retryRatio: 0.2, minRetriesPerSecond: 1, ttl: '10s' },
    },
  },
  {
    apiVersion: 'linkerd.io/v1alpha2',
    kind: 'ServiceProfile',
    metadata: { name: fqdn('books'), namespace: NS },
    spec: {
      routes: [
        route('DELETE', '/books/[^/]*\\.json', 'DELETE /books/{id}.json'),
        route('GET', '/books\\.json', 'GET /books.json'),
        route('GET', '/books/[^/]*\\.json', 'GET /books/{id}.json'),
        route('POST', '/books\\.json', 'POST /books.json'),
        route('PUT', '/books/[^/]*\\.json', 'PUT /books/{id}.json', { timeout: '300ms' }),
      ],
    },
  },
  // A profile left behind for a service that no longer exists.
  {
    apiVersion: 'linkerd.io/v1alpha2',
    kind: 'ServiceProfile',
    metadata: { name: fqdn('reviews'), namespace: NS },
    spec: { routes: [route('GET', '/reviews\\.json', 'GET /reviews.json')] },
  },
  // webapp has no ServiceProfile: this HTTPRoute's timeout applies.
  {
    apiVersion: 'policy.linkerd.io/v1beta3',
    kind: 'HTTPRoute',
    metadata: { name: 'webapp-books-timeout', namespace: NS },
    spec: {
      parentRefs: [{ group: 'core', kind: 'Service', name: 'webapp', port: 7000 }],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/books' }, method: 'GET' }],
          timeouts: { request: '200ms' },
          backendRefs: [{ name: 'webapp', port: 7000 }],
        },
        {
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          backendRefs: [{ name: 'webapp', port: 7000 }],
        },
      ],
    },
  },
  // books has a ServiceProfile, so proxies ignore this route and its 10 ms timeout.
  {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'books-timeout', namespace: NS },
    spec: {
      parentRefs: [{ group: '', kind: 'Service', name: 'books', port: 7002 }],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          timeouts: { request: '10ms' },
          backendRefs: [{ name: 'books', port: 7002 }],
        },
      ],
    },
  },
  // authors admits only webapp and books; audit-bot is denied.
  {
    apiVersion: 'policy.linkerd.io/v1beta3',
    kind: 'Server',
    metadata: { name: 'authors-http', namespace: NS },
    spec: {
      podSelector: { matchLabels: { app: 'authors' } },
      port: 'http',
      proxyProtocol: 'HTTP/1',
    },
  },
  {
    apiVersion: 'policy.linkerd.io/v1alpha1',
    kind: 'MeshTLSAuthentication',
    metadata: { name: 'authors-clients', namespace: NS },
    spec: { identities: [id('webapp'), id('books')] },
  },
  {
    apiVersion: 'policy.linkerd.io/v1alpha1',
    kind: 'AuthorizationPolicy',
    metadata: { name: 'authors-from-webapp-and-books', namespace: NS },
    spec: {
      targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: 'authors-http' },
      requiredAuthenticationRefs: [
        { group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', name: 'authors-clients' },
      ],
    },
  },
  // webapp admits any client inside the cluster networks, meshed or not.
  {
    apiVersion: 'policy.linkerd.io/v1beta3',
    kind: 'Server',
    metadata: { name: 'webapp-http', namespace: NS },
    spec: { podSelector: { matchLabels: { app: 'webapp' } }, port: 7000, proxyProtocol: 'HTTP/1' },
  },
  {
    apiVersion: 'policy.linkerd.io/v1alpha1',
    kind: 'NetworkAuthentication',
    metadata: { name: 'cluster-networks', namespace: NS },
    spec: { networks: [{ cidr: '10.0.0.0/8' }, { cidr: '127.0.0.0/8' }] },
  },
  {
    apiVersion: 'policy.linkerd.io/v1alpha1',
    kind: 'AuthorizationPolicy',
    metadata: { name: 'webapp-from-cluster', namespace: NS },
    spec: {
      targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: 'webapp-http' },
      requiredAuthenticationRefs: [
        { group: 'policy.linkerd.io', kind: 'NetworkAuthentication', name: 'cluster-networks' },
      ],
    },
  },
  // mysql: an opaque port, authorised the older way.
  {
    apiVersion: 'policy.linkerd.io/v1beta3',
    kind: 'Server',
    metadata: { name: 'mysql', namespace: NS },
    spec: { podSelector: { matchLabels: { app: 'mysql' } }, port: 3306, proxyProtocol: 'opaque' },
  },
  {
    apiVersion: 'policy.linkerd.io/v1beta1',
    kind: 'ServerAuthorization',
    metadata: { name: 'mysql-clients', namespace: NS },
    spec: {
      server: { name: 'mysql' },
      client: { meshTLS: { serviceAccounts: [{ name: 'books' }, { name: 'authors' }] } },
    },
  },
  // mysql's connections take this TCPRoute, whose second backend, a read replica, was never
  // created: a tenth of new connections fail (`invalid_backend`) and the app connects again.
  {
    apiVersion: 'gateway.networking.k8s.io/v1alpha2',
    kind: 'TCPRoute',
    metadata: { name: 'mysql', namespace: NS },
    spec: {
      parentRefs: [{ group: 'core', kind: 'Service', name: 'mysql', port: 3306 }],
      rules: [
        {
          backendRefs: [
            { name: 'mysql', port: 3306, weight: 9 },
            { name: 'mysql-replica', port: 3306, weight: 1 },
          ],
        },
      ],
    },
  },
  // Traffic leaving the cluster: denied unless a route names it. Covers are fetched over
  // plaintext HTTP (an HTTPRoute allows that host's /b/ paths), book data over TLS (a TLSRoute
  // allows that SNI); webapp's trackers are refused (403, and connections closed `forbidden`).
  {
    apiVersion: 'policy.linkerd.io/v1alpha1',
    kind: 'EgressNetwork',
    metadata: { name: 'internet', namespace: NS },
    spec: { trafficPolicy: 'Deny' },
  },
  {
    apiVersion: 'gateway.networking.k8s.io/v1alpha2',
    kind: 'TLSRoute',
    metadata: { name: 'openlibrary', namespace: NS },
    spec: {
      hostnames: ['openlibrary.org'],
      parentRefs: [
        { group: 'policy.linkerd.io', kind: 'EgressNetwork', name: 'internet', port: 443 },
      ],
      rules: [
        { backendRefs: [{ group: 'policy.linkerd.io', kind: 'EgressNetwork', name: 'internet' }] },
      ],
    },
  },
  {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'book-covers', namespace: NS },
    spec: {
      hostnames: ['covers.openlibrary.org'],
      parentRefs: [
        { group: 'policy.linkerd.io', kind: 'EgressNetwork', name: 'internet', port: 80 },
      ],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/b' } }] }],
    },
  },
  // webapp's Server takes at most 1 request a second from each identity on each pod, 5 from
  // the traffic generator (an override), 10 in all.
  {
    apiVersion: 'policy.linkerd.io/v1alpha1',
    kind: 'HTTPLocalRateLimitPolicy',
    metadata: { name: 'webapp-rl', namespace: NS },
    spec: {
      targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: 'webapp-http' },
      total: { requestsPerSecond: 10 },
      identity: { requestsPerSecond: 1 },
      overrides: [
        { requestsPerSecond: 5, clientRefs: [{ kind: 'ServiceAccount', name: 'traffic' }] },
      ],
    },
  },
  // Mistakes an operator makes: a Server that selects nothing, a policy whose target is gone.
  {
    apiVersion: 'policy.linkerd.io/v1beta3',
    kind: 'Server',
    metadata: { name: 'admin-ui', namespace: NS },
    spec: {
      podSelector: { matchLabels: { app: 'admin-ui' } },
      port: 8080,
      proxyProtocol: 'HTTP/1',
    },
  },
  {
    apiVersion: 'policy.linkerd.io/v1alpha1',
    kind: 'AuthorizationPolicy',
    metadata: { name: 'reports-from-webapp', namespace: NS },
    spec: {
      targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: 'reports-http' },
      requiredAuthenticationRefs: [
        { group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', name: 'authors-clients' },
      ],
    },
  },
];

/**
 * Buoyant's booksapp: traffic -> webapp -> books and authors, with
 * ServiceProfiles, a retryable route, HTTPRoute timeouts (one shadowed by a
 * ServiceProfile), retries by Service annotation (one shadowed by a
 * ServiceProfile), authorization policy that denies one client, an opaque
 * MySQL StatefulSet, a DaemonSet, a Job, a CronJob and an unmeshed pod left
 * over from before the namespace was annotated for injection.
 */
export function booksapp(): Scenario {
  const slow = { p50Ms: 25, p95Ms: 90 };
  return {
    name: 'booksapp',
    description: 'Books and authors web app with retries, timeouts and authorization policy.',
    linkerdViz: true,
    namespaces: [
      {
        name: NS,
        inject: true,
        annotations: {
          'config.linkerd.io/default-inbound-policy': 'cluster-unauthenticated',
          // Outbound route families carry the host the app asked for (egress above all).
          'config.linkerd.io/proxy-metrics-hostname-labels': 'true',
        },
      },
    ],
    workloads: [
      {
        namespace: NS,
        name: 'traffic',
        kind: 'Deployment',
        meshed: true,
        image: 'buoyantio/booksapp:v0.0.5',
      },
      {
        namespace: NS,
        name: 'webapp',
        kind: 'Deployment',
        replicas: 3,
        meshed: true,
        ports: [{ name: 'service', port: 7000, protocol: 'http' }],
        image: 'buoyantio/booksapp:v0.0.5',
      },
      {
        namespace: NS,
        name: 'authors',
        kind: 'Deployment',
        meshed: true,
        restarts: 2,
        ports: [{ name: 'http', port: 7001, protocol: 'http' }],
        image: 'buoyantio/booksapp:v0.0.5',
      },
      {
        namespace: NS,
        name: 'books',
        kind: 'Deployment',
        meshed: true,
        ports: [{ name: 'http', port: 7002, protocol: 'http' }],
        image: 'buoyantio/booksapp:v0.0.5',
      },
      // An Argo Rollout in the middle of a canary: two ReplicaSets, one workload.
      {
        namespace: NS,
        name: 'recommendations',
        kind: 'Rollout',
        replicas: 2,
        canaryReplicas: 1,
        meshed: true,
        ports: [{ name: 'http', port: 7003, protocol: 'http' }],
        image: 'buoyantio/booksapp-recommendations:v0.2.0',
      },
      {
        namespace: NS,
        name: 'mysql',
        kind: 'StatefulSet',
        meshed: true,
        opaquePorts: [3306],
        proxyVersion: 'edge-25.8.2',
        ports: [{ name: 'mysql', port: 3306, protocol: 'tcp' }],
        image: 'mysql:8.4',
      },
      {
        namespace: NS,
        name: 'log-collector',
        kind: 'DaemonSet',
        meshed: true,
        certExpiresInSeconds: 3 * 3600,
        image: 'fluent/fluent-bit:3.1',
      },
      {
        namespace: NS,
        name: 'report-generator',
        kind: 'CronJob',
        meshed: true,
        schedule: { everySeconds: 60, runSeconds: 25 },
      },
      { namespace: NS, name: 'books-reindex', kind: 'Job', meshed: true },
      { namespace: NS, name: 'audit-bot', kind: 'Deployment', meshed: true },
      // The billing system, on a VM joined to the mesh: it reads books over mTLS.
      {
        namespace: NS,
        name: 'legacy-billing',
        kind: 'ExternalWorkload',
        meshed: true,
        ports: [{ name: 'http', port: 8080, protocol: 'http' }],
      },
      // Crawls the catalogue faster than webapp's rate limit lets one identity.
      { namespace: NS, name: 'book-scraper', kind: 'Deployment', meshed: true },
      // Created before the namespace was annotated: no proxy until restarted.
      { namespace: NS, name: 'legacy-reporter', kind: 'Deployment', meshed: false },
    ],
    services: [
      {
        namespace: NS,
        name: 'webapp',
        workload: 'webapp',
        port: 7000,
        targetPort: 7000,
        protocol: 'http',
        portName: 'service',
      },
      {
        namespace: NS,
        name: 'authors',
        workload: 'authors',
        port: 7001,
        targetPort: 7001,
        protocol: 'http',
      },
      {
        namespace: NS,
        name: 'books',
        workload: 'books',
        port: 7002,
        targetPort: 7002,
        protocol: 'http',
        // books has a ServiceProfile, so proxies ignore this annotation.
        annotations: { 'retry.linkerd.io/http': '5xx' },
      },
      {
        namespace: NS,
        name: 'recommendations',
        workload: 'recommendations',
        port: 7003,
        targetPort: 7003,
        protocol: 'http',
        // No ServiceProfile and no route: the default route retries 5xx once.
        annotations: {
          'retry.linkerd.io/http': '5xx',
          'retry.linkerd.io/limit': '1',
          'timeout.linkerd.io/request': '2s',
        },
      },
      {
        namespace: NS,
        name: 'mysql',
        workload: 'mysql',
        port: 3306,
        targetPort: 3306,
        protocol: 'tcp',
        portName: 'mysql',
      },
    ],
    calls: [
      {
        from: `${NS}/legacy-billing`,
        to: `${NS}/books`,
        protocol: 'http',
        requests: [
          {
            method: 'GET',
            path: '/books.json',
            rps: 0.8,
            successRate: 1,
            latency: { p50Ms: 15, p95Ms: 60 },
          },
        ],
      },
      // 2 rps a webapp pod against a per-identity limit of 1: half refused with 429.
      {
        from: `${NS}/book-scraper`,
        to: `${NS}/webapp`,
        protocol: 'http',
        requests: [
          {
            method: 'GET',
            path: '/books',
            rps: 6,
            successRate: 1,
            latency: { p50Ms: 12, p95Ms: 40 },
          },
        ],
      },
      {
        from: `${NS}/traffic`,
        to: `${NS}/webapp`,
        protocol: 'http',
        requests: [
          {
            method: 'GET',
            path: '/',
            rps: 2,
            successRate: 1,
            latency: { p50Ms: 30, p95Ms: 120 },
            responseBytes: 9000,
          },
          {
            method: 'GET',
            path: '/books/2417',
            rps: 1.5,
            successRate: 1,
            latency: { p50Ms: 60, p95Ms: 260 },
            responseBytes: 5200,
          },
          {
            method: 'POST',
            path: '/books',
            rps: 0.5,
            successRate: 0.6,
            latency: { p50Ms: 45, p95Ms: 160 },
          },
          { method: 'POST', path: '/books/2417/edit', rps: 0.5, successRate: 0.7, latency: slow },
          { method: 'POST', path: '/books/2417/delete', rps: 0.3, successRate: 1, latency: slow },
        ],
      },
      {
        from: `${NS}/webapp`,
        to: `${NS}/books`,
        protocol: 'http',
        requests: [
          {
            method: 'GET',
            path: '/books.json',
            rps: 2,
            successRate: 1,
            latency: { p50Ms: 8, p95Ms: 30 },
          },
          {
            method: 'GET',
            path: '/books/2417.json',
            rps: 1.5,
            successRate: 1,
            latency: { p50Ms: 6, p95Ms: 20 },
          },
          {
            method: 'POST',
            path: '/books.json',
            rps: 0.5,
            successRate: 0.6,
            latency: { p50Ms: 20, p95Ms: 70 },
          },
          {
            method: 'PUT',
            path: '/books/2417.json',
            rps: 0.5,
            successRate: 0.7,
            latency: { p50Ms: 120, p95Ms: 450 },
          },
          {
            method: 'DELETE',
            path: '/books/2417.json',
            rps: 0.3,
            successRate: 1,
            latency: { p50Ms: 10, p95Ms: 35 },
          },
        ],
      },
      {
        from: `${NS}/webapp`,
        to: `${NS}/recommendations`,
        protocol: 'http',
        requests: [
          {
            method: 'GET',
            path: '/recommendations.json',
            rps: 1.5,
            // One answer in four is a 503; the Service's retry annotation recovers most.
            successRate: 0.75,
            failureStatus: 503,
            latency: { p50Ms: 9, p95Ms: 30 },
          },
        ],
      },
      {
        from: `${NS}/recommendations`,
        to: `${NS}/books`,
        protocol: 'http',
        requests: [
          {
            method: 'GET',
            path: '/books.json',
            rps: 1,
            successRate: 1,
            latency: { p50Ms: 6, p95Ms: 20 },
          },
        ],
      },
      {
        from: `${NS}/webapp`,
        to: `${NS}/authors`,
        protocol: 'http',
        requests: [
          {
            method: 'GET',
            path: '/authors.json',
            rps: 1,
            successRate: 1,
            latency: { p50Ms: 7, p95Ms: 25 },
          },
          {
            method: 'GET',
            path: '/authors/331.json',
            rps: 1.5,
            successRate: 1,
            latency: { p50Ms: 5, p95Ms: 18 },
          },
        ],
      },
      {
        from: `${NS}/books`,
        to: `${NS}/authors`,
        protocol: 'http',
        requests: [
          {
            method: 'HEAD',
            path: '/authors/331.json',
            rps: 1.3,
            successRate: 0.5,
            latency: { p50Ms: 4, p95Ms: 15 },
          },
        ],
      },
      {
        from: `${NS}/books`,
        to: `${NS}/mysql`,
        protocol: 'tcp',
        // A pool with a short connection lifetime: it reconnects twice a second.
        tcp: {
          connections: 4,
          readBytesPerSec: 48_000,
          writeBytesPerSec: 6_000,
          reconnectsPerMinute: 120,
        },
      },
      {
        from: `${NS}/authors`,
        to: `${NS}/mysql`,
        protocol: 'tcp',
        tcp: { connections: 2, readBytesPerSec: 22_000, writeBytesPerSec: 3_000 },
      },
      {
        from: `${NS}/audit-bot`,
        to: `${NS}/authors`,
        protocol: 'http',
        requests: [
          {
            method: 'GET',
            path: '/authors.json',
            rps: 0.4,
            successRate: 1,
            latency: { p50Ms: 7, p95Ms: 25 },
          },
        ],
      },
      {
        from: `${NS}/report-generator`,
        to: `${NS}/webapp`,
        protocol: 'http',
        requests: [
          { method: 'GET', path: '/', rps: 2, successRate: 1, latency: { p50Ms: 30, p95Ms: 120 } },
        ],
      },
      {
        from: `${NS}/books-reindex`,
        to: `${NS}/books`,
        protocol: 'http',
        requests: [
          {
            method: 'GET',
            path: '/books.json',
            rps: 0.5,
            successRate: 1,
            latency: { p50Ms: 8, p95Ms: 30 },
          },
        ],
      },
      {
        from: `${NS}/legacy-reporter`,
        to: `${NS}/webapp`,
        protocol: 'http',
        requests: [
          {
            method: 'GET',
            path: '/authors',
            rps: 0.5,
            successRate: 1,
            latency: { p50Ms: 20, p95Ms: 80 },
          },
        ],
      },
    ],
    egress: [
      {
        from: `${NS}/books`,
        host: 'openlibrary.org',
        ip: '203.0.113.10',
        port: 443,
        protocol: 'tls',
        rate: 0.5,
        connectionSeconds: 8,
      },
      {
        from: `${NS}/authors`,
        host: 'covers.openlibrary.org',
        ip: '203.0.113.11',
        port: 80,
        protocol: 'http',
        method: 'GET',
        path: '/b/isbn/9780140449136-M.jpg',
        rate: 1,
        successRate: 0.95,
        failureStatus: 503,
        latency: { p50Ms: 80, p95Ms: 240 },
      },
      {
        from: `${NS}/webapp`,
        host: 'tracker.adnetwork.example',
        ip: '198.51.100.20',
        port: 443,
        protocol: 'tls',
        rate: 0.2,
      },
      {
        from: `${NS}/webapp`,
        host: 'telemetry.vendor.example',
        ip: '198.51.100.21',
        port: 80,
        protocol: 'http',
        method: 'POST',
        path: '/v1/events',
        rate: 0.5,
      },
    ],
    resources,
    incidents: [
      {
        service: `${NS}/authors`,
        startSeconds: 900,
        everySeconds: 1200,
        durationSeconds: 120,
        extraFailure: 0.3,
      },
    ],
    replacements: [{ workload: `${NS}/webapp`, everySeconds: 1800 }],
  };
}
