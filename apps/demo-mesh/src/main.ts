import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { startDemoMesh } from './demo-mesh';
import { SCENARIOS } from './scenarios';

const HELP = `Usage: npm run demo-mesh -- --scenario NAME [options]

Runs a simulated Kubernetes cluster with Linkerd, reachable only over the
protocols a real one speaks: the Kubernetes API, each proxy's /metrics at
its pod IP, and Prometheus HTTP service discovery.

  --scenario NAME        ${SCENARIOS.join(' | ')} (default demo)
  --seed N               random seed; the same seed gives the same cluster (default 1)
  --host ADDR            API server address (default 127.0.0.1)
  --port N               API server port (default 0: any free port)
  --pod-subnet N         pod IPs are 127.N.x.y (default 42)
  --state-dir DIR        where kubeconfig and prometheus.yml are written
  --scrape-interval N    scrape interval in the Prometheus config, seconds (default 10)
  --no-incidents         steady traffic, without scheduled error bursts and latency spikes
  --without-group G      serve no API group G, as a cluster without its CRDs
                         (e.g. gateway.networking.k8s.io; tap.linkerd.io: tap not
                         installed); may be repeated
  --forbid-tap           the kubeconfig's user lacks RBAC for tap (403 to every tap)
  synthetic only:
  --namespaces N --workloads N --replicas N --degree N --failing F
  --rps-scale F          factor on every call's rate (the simulation costs CPU per request)
`;

// Scrapes allocate fast and briefly; by default V8 lets the heap grow to
// about four times the live data before collecting. Growing by half keeps a
// 2,000-proxy mesh near 300 MB for a little more GC work (bench/demo-mesh-scale).
setFlagsFromString('--heap-growing-percent=50');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', default: 'demo' },
      seed: { type: 'string', default: '1' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '0' },
      'pod-subnet': { type: 'string', default: '42' },
      'state-dir': { type: 'string' },
      'scrape-interval': { type: 'string', default: '10' },
      'no-incidents': { type: 'boolean', default: false },
      'without-group': { type: 'string', multiple: true },
      'forbid-tap': { type: 'boolean', default: false },
      namespaces: { type: 'string' },
      workloads: { type: 'string' },
      replicas: { type: 'string' },
      degree: { type: 'string' },
      failing: { type: 'string' },
      'rps-scale': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const num = (
    name: string,
    v: string | undefined,
    min: number,
    max: number,
  ): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max)
      throw new Error(`--${name} must be a number from ${min} to ${max}, got ${JSON.stringify(v)}`);
    return n;
  };
  const mesh = await startDemoMesh({
    scenario: values.scenario,
    seed: num('seed', values.seed, 0, 2 ** 32 - 1) ?? 1,
    host: values.host,
    port: num('port', values.port, 0, 65535) ?? 0,
    podSubnetOctet: num('pod-subnet', values['pod-subnet'], 1, 254) ?? 42,
    scrapeIntervalSeconds: num('scrape-interval', values['scrape-interval'], 1, 300) ?? 10,
    incidents: !values['no-incidents'],
    ...(values['without-group'] ? { withoutGroups: values['without-group'] } : {}),
    tapForbidden: values['forbid-tap'],
    ...(values['state-dir'] ? { stateDir: values['state-dir'] } : {}),
    ...(values.namespaces ? { namespaces: num('namespaces', values.namespaces, 1, 200) } : {}),
    ...(values.workloads ? { workloads: num('workloads', values.workloads, 2, 5000) } : {}),
    ...(values.replicas ? { replicas: num('replicas', values.replicas, 1, 20) } : {}),
    ...(values.degree ? { degree: num('degree', values.degree, 0, 20) } : {}),
    ...(values.failing ? { failing: num('failing', values.failing, 0, 1) } : {}),
    ...(values['rps-scale'] ? { rpsScale: num('rps-scale', values['rps-scale'], 0.001, 100) } : {}),
  });
  process.stdout.write(
    [
      `kube-api: ${mesh.kubeApiUrl}`,
      `kubeconfig: ${mesh.kubeconfigPath}`,
      `prometheus-sd: ${mesh.prometheusSdUrl}`,
      `prometheus-config: ${mesh.prometheusConfigPath}`,
      '',
    ].join('\n'),
  );
  process.stderr.write(
    `demo mesh ${values.scenario}: ${mesh.cluster.runningPods().length} pods running, ${mesh.admin.size} proxies\n`,
  );
  // A signal can come twice (to the process group, and from `npm start`'s own stop): the
  // second must not end the process with its default action before the state folder is gone.
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void mesh.stop().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`demo-mesh: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
