import type { Server } from 'node:http';
import { parseArgs } from 'node:util';
import { allowScrapesManifests } from './model/allow-scrapes';
import { HELP, parseConfig } from './config';
import { createLogger } from './logger';
import { buildServer } from './server';

/**
 * `meshviz-api allow-scrapes --namespace NS [--meshviz-namespace NS] [--service-account SA]`
 * prints the policy that lets meshviz scrape a default-deny namespace, for `kubectl apply -f -`.
 */
function allowScrapes(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      namespace: { type: 'string', short: 'n' },
      'meshviz-namespace': { type: 'string', default: 'meshviz' },
      'service-account': { type: 'string', default: 'meshviz' },
    },
  });
  if (!values.namespace) {
    process.stderr.write('allow-scrapes: --namespace NS is required\n');
    process.exit(2);
  }
  process.stdout.write(
    allowScrapesManifests({
      namespace: values.namespace,
      meshvizNamespace: values['meshviz-namespace'] ?? 'meshviz',
      serviceAccount: values['service-account'] ?? 'meshviz',
    }),
  );
}

function main(): void {
  if (process.argv[2] === 'allow-scrapes') {
    allowScrapes(process.argv.slice(3));
    return;
  }
  let parsed;
  try {
    parsed = parseConfig(process.argv.slice(2), process.env);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${HELP}`);
    process.exit(2);
  }
  if (parsed.help) {
    process.stdout.write(HELP);
    return;
  }
  const { config } = parsed;
  const log = createLogger(config.logLevel);
  const meshviz = buildServer(config, log);
  // Informers sync in the background: until then /readyz says why, and answers carry errors.
  void meshviz.start().catch((err: unknown) => log.error({ err }, 'topology did not start'));
  const server: Server = meshviz.app.listen(config.listen.port, config.listen.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.listen.port;
    const host = config.listen.host === '0.0.0.0' ? 'localhost' : config.listen.host;
    log.info({ port }, 'listening');
    process.stdout.write(
      `meshviz: http://${host.includes(':') ? `[${host}]` : host}:${port}${config.basePath}/\n`,
    );
  });
  server.on('error', (err) => {
    log.fatal({ err }, 'cannot listen');
    process.exit(1);
  });
  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down');
    meshviz.stop();
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main();
