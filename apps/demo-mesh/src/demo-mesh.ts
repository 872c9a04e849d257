import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from './cluster/cluster';
import { ADMIN_PORT } from './cluster/linkerd';
import { kubeconfigYaml } from './kube/kubeconfig';
import { startSecureKubeApi, type SecureKubeApi, type SecureKubeApiOptions } from './kube/secure';
import { createKubeApiServer } from './kube/server';
import { discoveryBody, prometheusConfig } from './prometheus/discovery';
import { AdminServers } from './proxy/admin-servers';
import { buildScenario, type ScenarioOptions } from './scenarios';
import { TrafficEngine } from './traffic/engine';
import { parseTapPath, TAP_API_GROUP, TapApi, tapForbidden } from './tap/tap-api';

/** Who the kubeconfig's token is, to the API server. */
const DEMO_USER = 'meshviz-demo';

export interface DemoMeshOptions extends ScenarioOptions {
  scenario: string;
  seed?: number;
  /** Address of the API server; port 0 picks a free one. */
  host?: string;
  port?: number;
  /** Second octet of the 127.X.0.0/16 block the pod IPs come from. */
  podSubnetOctet?: number;
  adminPort?: number;
  /** Where the kubeconfig and Prometheus config are written. */
  stateDir?: string;
  /** Scrape interval written in the Prometheus config, seconds. */
  scrapeIntervalSeconds?: number;
  /** Scheduled incidents on (default) or off (steady traffic for measurements). */
  incidents?: boolean;
  tickMs?: number;
  /**
   * API groups whose CRDs the cluster lacks (e.g. `gateway.networking.k8s.io`):
   * absent from discovery and 404 to requests, as on a cluster without them.
   */
  withoutGroups?: readonly string[];
  /** Resources served at an older version (`group/plural` -> version), as with older CRDs. */
  servedVersions?: Readonly<Record<string, string>>;
  /** `config.linkerd.io/default-inbound-policy` per namespace, over the scenario's (e.g. `deny`). */
  defaultInboundPolicies?: Readonly<Record<string, string>>;
  /**
   * Also serve the Kubernetes API as a pod reaches it: HTTPS with the
   * cluster's CA, service-account tokens mounted for these accounts, and RBAC
   * from these roles (see `kube/secure.ts`).
   */
  inCluster?: Omit<SecureKubeApiOptions, 'handle' | 'stateDir'>;
  /**
   * The kubeconfig's user lacks RBAC for tap (verb `watch` on `tap.linkerd.io`):
   * the API server refuses its taps with 403. Tap is not installed at all when
   * `withoutGroups` names `tap.linkerd.io`.
   */
  tapForbidden?: boolean;
}

export interface DemoMesh {
  kubeApiUrl: string;
  kubeconfigPath: string;
  prometheusSdUrl: string;
  prometheusConfigPath: string;
  cluster: Cluster;
  traffic: TrafficEngine;
  admin: AdminServers;
  /** Makes the Kubernetes API answer 503 (false) or work again (true). */
  setKubeApiAvailable(available: boolean): void;
  /** Ends every open watch; clients reconnect from their last resourceVersion. */
  dropWatches(): void;
  /**
   * Installs or removes linkerd-viz's tap APIService, and allows or forbids the
   * kubeconfig's user to tap, from now on.
   */
  setTap(state: { installed?: boolean; forbidden?: boolean }): void;
  /** The in-cluster (HTTPS, token, RBAC) API, when asked for. */
  inCluster: SecureKubeApi | undefined;
  stop(): Promise<void>;
}

function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

export async function startDemoMesh(options: DemoMeshOptions): Promise<DemoMesh> {
  const seed = options.seed ?? 1;
  const adminPort = options.adminPort ?? ADMIN_PORT;
  const built = buildScenario(options.scenario, { ...options, seed });
  const policies = options.defaultInboundPolicies ?? {};
  const scenario = {
    ...built,
    namespaces: built.namespaces.map((n) =>
      policies[n.name]
        ? {
            ...n,
            annotations: {
              ...n.annotations,
              'config.linkerd.io/default-inbound-policy': policies[n.name] ?? '',
            },
          }
        : n,
    ),
  };
  const cluster = new Cluster(scenario, {
    seed,
    podSubnetOctet: options.podSubnetOctet ?? 42,
    adminPort,
  });
  const traffic = new TrafficEngine(cluster, {
    seed,
    incidents: options.incidents ?? true,
    adminPort,
  });
  // Scrapes advance the simulation too, so counters are fresh, but at most a few times a second.
  let advancedAt = 0;
  const advance = () => {
    const now = Date.now();
    if (now - advancedAt < 250) return;
    advancedAt = now;
    cluster.tick(now);
    traffic.tick(now);
  };
  const admin = new AdminServers(cluster, adminPort, advance, traffic.admin);
  await admin.start();

  let kubeAvailable = true;
  const tap = {
    served: !(options.withoutGroups ?? []).includes(TAP_API_GROUP.name),
    forbidden: options.tapForbidden ?? false,
  };
  const tapApi = new TapApi(cluster, traffic.tap);
  const kube = createKubeApiServer({
    store: cluster.store,
    available: () => kubeAvailable,
    aggregatedGroups: () => (tap.served ? [TAP_API_GROUP] : []),
    ...(options.withoutGroups ? { withoutGroups: options.withoutGroups } : {}),
    ...(options.servedVersions ? { servedVersions: options.servedVersions } : {}),
  });
  /** The API server with the APIServices it aggregates: tap's group goes to the tap component. */
  const route = (req: IncomingMessage, res: ServerResponse) => {
    if (tap.served && kubeAvailable && req.url?.startsWith('/apis/tap.linkerd.io')) {
      tapApi.handle(req, res);
      return;
    }
    kube.handle(req, res);
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url?.startsWith('/demo/prometheus-sd')) {
      advance();
      sendJson(res, 200, discoveryBody(cluster));
      return;
    }
    if (req.url?.startsWith('/demo/kube-api')) {
      // Demo control: take the simulated Kubernetes API down (or up) to show degraded states.
      const available = new URL(req.url, 'http://demo').searchParams.get('available');
      if (req.method !== 'POST' || (available !== 'true' && available !== 'false')) {
        sendJson(res, 400, { error: 'POST /demo/kube-api?available=true|false' });
        return;
      }
      kubeAvailable = available === 'true';
      if (!kubeAvailable) kube.dropWatches();
      sendJson(res, 200, { kubeApiAvailable: kubeAvailable });
      return;
    }
    if (tap.forbidden && tap.served) {
      const target = parseTapPath(new URL(req.url ?? '/', 'http://kube').pathname);
      if (target) {
        sendJson(res, 403, tapForbidden(DEMO_USER, target));
        return;
      }
    }
    route(req, res);
  });
  server.on('close', kube.dropWatches);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  const kubeApiUrl = `http://${host}:${port}`;
  const stateDir = options.stateDir ?? join(tmpdir(), `meshviz-demo-mesh-${process.pid}-${port}`);
  mkdirSync(stateDir, { recursive: true });
  const kubeconfigPath = join(stateDir, 'kubeconfig.yaml');
  writeFileSync(kubeconfigPath, kubeconfigYaml(kubeApiUrl));
  const prometheusSdUrl = `${kubeApiUrl}/demo/prometheus-sd`;
  const prometheusConfigPath = join(stateDir, 'prometheus.yml');
  writeFileSync(
    prometheusConfigPath,
    prometheusConfig(
      prometheusSdUrl,
      options.scrapeIntervalSeconds ?? 10,
      cluster.externalWorkloads().map((w) => ({
        namespace: w.namespace,
        name: w.name,
        address: `${w.ip}:${adminPort}`,
      })),
    ),
  );

  const inCluster = options.inCluster
    ? await startSecureKubeApi({ ...options.inCluster, handle: route, stateDir })
    : undefined;

  const timer = setInterval(advance, options.tickMs ?? 1000);
  timer.unref();

  return {
    kubeApiUrl,
    kubeconfigPath,
    prometheusSdUrl,
    prometheusConfigPath,
    cluster,
    traffic,
    admin,
    setKubeApiAvailable(available) {
      kubeAvailable = available;
    },
    dropWatches: kube.dropWatches,
    setTap(state) {
      if (state.installed !== undefined) tap.served = state.installed;
      if (state.forbidden !== undefined) tap.forbidden = state.forbidden;
    },
    inCluster,
    async stop() {
      clearInterval(timer);
      await inCluster?.stop();
      if (!options.stateDir) rmSync(stateDir, { recursive: true, force: true });
      await Promise.all([
        admin.stop(),
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
      ]);
    },
  };
}
