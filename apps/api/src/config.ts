import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { parseDuration } from '@meshviz/shared';

export const HELP = `Usage: meshviz-api [options]
       meshviz-api allow-scrapes --namespace NS [--meshviz-namespace NS] [--service-account SA]
                             print the Server, HTTPRoute and AuthorizationPolicy that let
                             meshviz scrape NS's proxies when its default inbound policy is deny

Options (each also read from the environment variable shown):
  --kubeconfig PATH          kubeconfig to use (KUBECONFIG). Default: the in-cluster
                             service account, then $KUBECONFIG, then ~/.kube/config
  --prometheus-url URL       query this Prometheus-compatible server (MESHVIZ_PROMETHEUS_URL);
                             without it meshviz scrapes the proxies itself (embedded mode)
  --prometheus-bearer-token-file PATH
                             send its contents as a bearer token, read per request
                             (MESHVIZ_PROMETHEUS_BEARER_TOKEN_FILE; or the token itself in
                             MESHVIZ_PROMETHEUS_BEARER_TOKEN)
  --prometheus-basic-auth-file PATH
                             user:password for basic auth (MESHVIZ_PROMETHEUS_BASIC_AUTH_FILE;
                             or the value in MESHVIZ_PROMETHEUS_BASIC_AUTH)
  --prometheus-header 'NAME: VALUE'
                             an extra header, e.g. 'X-Scope-OrgID: tenant-a' for Mimir; may be
                             repeated (MESHVIZ_PROMETHEUS_HEADERS, one per line)
  --prometheus-ca-file PATH  CA bundle trusted for an HTTPS Prometheus (MESHVIZ_PROMETHEUS_CA_FILE)
  --linkerd-namespace NS     Linkerd control-plane namespace (MESHVIZ_LINKERD_NAMESPACE, default linkerd)
  --cluster-domain DOMAIN    cluster DNS domain (MESHVIZ_CLUSTER_DOMAIN, default cluster.local)
  --listen HOST:PORT         address to serve on (MESHVIZ_LISTEN, default 127.0.0.1:8084,
                             0.0.0.0:8084 in-cluster)
  --namespace NS             namespace meshviz runs in (MESHVIZ_NAMESPACE, POD_NAMESPACE,
                             else its service account's; default meshviz)
  --allowed-hosts REGEX      Host headers the UI and /api accept (MESHVIZ_ALLOWED_HOSTS);
                             default localhost, 127.0.0.1, [::1] and exactly meshviz,
                             meshviz.NS, meshviz.NS.svc and meshviz.NS.svc.DOMAIN; set it for
                             an ingress's host name. /healthz, /readyz and /metrics take any Host
  --scrape-interval DUR      embedded mode scrape interval (MESHVIZ_SCRAPE_INTERVAL, default 10s)
  --retention DUR            embedded mode retention (MESHVIZ_RETENTION, default 1h)
  --tap-max-streams N        taps relayed at once across all viewers (MESHVIZ_TAP_MAX_STREAMS,
                             default 8); one more is refused until one closes
  --tap-calls-per-second N   tapped calls relayed to one viewer a second (MESHVIZ_TAP_CALLS_PER_SECOND,
                             default 50); the rest are counted as dropped
  --base-path PATH           serve under this sub-path, e.g. /meshviz (MESHVIZ_BASE_PATH)
  --web-dist DIR             built SPA to serve (MESHVIZ_WEB_DIST, default apps/web/dist)
  --log-level LEVEL          pino log level (MESHVIZ_LOG_LEVEL, default info)
  -h, --help                 show this help
`;

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

const durationSeconds = z.string().transform((text, ctx) => {
  const seconds = parseDuration(text);
  if (seconds === undefined) {
    ctx.addIssue({ code: 'custom', message: `not a duration: ${JSON.stringify(text)}` });
    return z.NEVER;
  }
  return seconds;
});

const listenSchema = z.string().transform((text, ctx) => {
  const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (!match?.[1] || !(port >= 0 && port <= 65535)) {
    ctx.addIssue({
      code: 'custom',
      message: `listen must be HOST:PORT, got ${JSON.stringify(text)}`,
    });
    return z.NEVER;
  }
  return { host: match[1].replace(/^\[|\]$/g, ''), port };
});

const configSchema = z
  .object({
    kubeconfig: z.string().optional(),
    inCluster: z.boolean(),
    /**
     * Prefix of the service-account mount (`/var/run/secrets/kubernetes.io/serviceaccount`),
     * empty in a pod; MESHVIZ_SERVICEACCOUNT_ROOT sets it where the mount lives elsewhere.
     */
    serviceAccountRoot: z.string().default(''),
    /** The namespace meshviz runs in (its Service's names are allowed Host headers). */
    namespace: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
      .default('meshviz'),
    prometheusUrl: z.url({ protocol: /^https?$/ }).optional(),
    prometheusAuth: z.object({
      bearerTokenFile: z.string().optional(),
      bearerToken: z.string().optional(),
      basicAuthFile: z.string().optional(),
      basicAuth: z
        .string()
        .regex(/^[^:]*:/, 'must be user:password')
        .optional(),
      headers: z.record(z.string(), z.string()),
      caFile: z.string().optional(),
    }),
    linkerdNamespace: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
      .default('linkerd'),
    clusterDomain: z.string().min(1).default('cluster.local'),
    listen: listenSchema.optional(),
    allowedHosts: z.string().optional(),
    scrapeInterval: durationSeconds.default(10),
    retention: durationSeconds.default(3600),
    tapMaxStreams: z.coerce.number().int().min(0).max(1000).default(8),
    tapCallsPerSecond: z.coerce.number().int().min(1).max(10_000).default(50),
    basePath: z
      .string()
      .regex(/^(\/[A-Za-z0-9._~-]+)*\/?$/, 'base path must look like /meshviz')
      .default('/'),
    webDist: z.string().default(defaultWebDist()),
    logLevel: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
  })
  .transform((c) => ({
    ...c,
    listen: c.listen ?? { host: c.inCluster ? '0.0.0.0' : '127.0.0.1', port: 8084 },
    basePath: c.basePath.replace(/\/$/, ''),
    // The localhost forms, and exactly the names of meshviz's own Service in its namespace.
    allowedHosts: new RegExp(
      c.allowedHosts ??
        `^(localhost|127\\.0\\.0\\.1|\\[::1\\]|meshviz(\\.${escapeRegex(c.namespace)}(\\.svc(\\.${escapeRegex(c.clusterDomain)})?)?)?)(:\\d+)?$`,
      'i',
    ),
  }));

export type Config = z.infer<typeof configSchema>;

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export type ParsedArgs = { help: true } | { help: false; config: Config };

/** Reads flags first, then the environment; throws a readable error on bad values. */
export function parseConfig(argv: string[], env: NodeJS.ProcessEnv): ParsedArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      kubeconfig: { type: 'string' },
      'prometheus-url': { type: 'string' },
      'prometheus-bearer-token-file': { type: 'string' },
      'prometheus-basic-auth-file': { type: 'string' },
      'prometheus-header': { type: 'string', multiple: true },
      'prometheus-ca-file': { type: 'string' },
      'linkerd-namespace': { type: 'string' },
      namespace: { type: 'string' },
      'cluster-domain': { type: 'string' },
      listen: { type: 'string' },
      'allowed-hosts': { type: 'string' },
      'scrape-interval': { type: 'string' },
      retention: { type: 'string' },
      'tap-max-streams': { type: 'string' },
      'tap-calls-per-second': { type: 'string' },
      'base-path': { type: 'string' },
      'web-dist': { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { help: true };
  const saRoot = env.MESHVIZ_SERVICEACCOUNT_ROOT ?? '';
  const inCluster =
    Boolean(env.KUBERNETES_SERVICE_HOST) && existsSync(`${saRoot}${SERVICE_ACCOUNT_DIR}`);
  const defaultKubeconfig = join(homedir(), '.kube', 'config');
  const result = configSchema.safeParse({
    kubeconfig:
      values.kubeconfig ??
      (inCluster
        ? undefined
        : (env.KUBECONFIG ?? (existsSync(defaultKubeconfig) ? defaultKubeconfig : undefined))),
    inCluster: inCluster && !values.kubeconfig,
    serviceAccountRoot: saRoot,
    namespace:
      values.namespace ?? env.MESHVIZ_NAMESPACE ?? env.POD_NAMESPACE ?? ownNamespace(saRoot),
    prometheusUrl: values['prometheus-url'] ?? env.MESHVIZ_PROMETHEUS_URL,
    prometheusAuth: {
      bearerTokenFile:
        values['prometheus-bearer-token-file'] ?? env.MESHVIZ_PROMETHEUS_BEARER_TOKEN_FILE,
      bearerToken: env.MESHVIZ_PROMETHEUS_BEARER_TOKEN,
      basicAuthFile: values['prometheus-basic-auth-file'] ?? env.MESHVIZ_PROMETHEUS_BASIC_AUTH_FILE,
      basicAuth: env.MESHVIZ_PROMETHEUS_BASIC_AUTH,
      headers: parseHeaders(
        values['prometheus-header'] ?? (env.MESHVIZ_PROMETHEUS_HEADERS ?? '').split('\n'),
      ),
      caFile: values['prometheus-ca-file'] ?? env.MESHVIZ_PROMETHEUS_CA_FILE,
    },
    linkerdNamespace: values['linkerd-namespace'] ?? env.MESHVIZ_LINKERD_NAMESPACE,
    clusterDomain: values['cluster-domain'] ?? env.MESHVIZ_CLUSTER_DOMAIN,
    listen: values.listen ?? env.MESHVIZ_LISTEN,
    allowedHosts: values['allowed-hosts'] ?? env.MESHVIZ_ALLOWED_HOSTS,
    scrapeInterval: values['scrape-interval'] ?? env.MESHVIZ_SCRAPE_INTERVAL,
    retention: values.retention ?? env.MESHVIZ_RETENTION,
    tapMaxStreams: values['tap-max-streams'] ?? env.MESHVIZ_TAP_MAX_STREAMS,
    tapCallsPerSecond: values['tap-calls-per-second'] ?? env.MESHVIZ_TAP_CALLS_PER_SECOND,
    basePath: values['base-path'] ?? env.MESHVIZ_BASE_PATH,
    webDist: values['web-dist'] ?? env.MESHVIZ_WEB_DIST,
    logLevel: values['log-level'] ?? env.MESHVIZ_LOG_LEVEL,
  });
  if (!result.success) {
    const lines = result.error.issues.map(
      (i) => `  --${kebab(String(i.path[0] ?? ''))}: ${i.message}`,
    );
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  return { help: false, config: result.data };
}

/**
 * The built SPA: beside the API in the production artefact (`web/` next to
 * `api/main.js`), or the web app's build output in a checkout.
 */
function defaultWebDist(): string {
  const candidates = [
    join(import.meta.dirname, '../web'),
    join(import.meta.dirname, '../../web/dist'),
  ];
  return candidates.find((d) => existsSync(join(d, 'index.html'))) ?? candidates[1] ?? '';
}

/** The namespace of the pod's service account, when running in a cluster. */
function ownNamespace(saRoot: string): string | undefined {
  try {
    return readFileSync(`${saRoot}${SERVICE_ACCOUNT_DIR}/namespace`, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** `Name: value` lines as headers; a line without a colon is an error naming it. */
function parseHeaders(lines: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of lines.map((l) => l.trim()).filter(Boolean)) {
    const i = line.indexOf(':');
    const name = line.slice(0, i).trim();
    if (i <= 0 || !/^[A-Za-z0-9-]+$/.test(name))
      throw new Error(
        `invalid configuration:\n  --prometheus-header: expected 'Name: value', got ${JSON.stringify(line)}`,
      );
    out[name] = line.slice(i + 1).trim();
  }
  return out;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
