import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { parseConfig } from '../src/config';
import { buildServer, type MeshvizServer } from '../src/server';

export interface RunningApi {
  url: string;
  server: MeshvizServer;
  get<T = Record<string, unknown>>(path: string): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

/** Starts the API in-process on a free port, configured by flags as on the command line. */
export async function startApi(args: string[]): Promise<RunningApi> {
  const parsed = parseConfig(
    [...args, '--listen', '127.0.0.1:0', '--web-dist', '/nonexistent'],
    {},
  );
  if (parsed.help) throw new Error('unexpected help');
  const server = buildServer(parsed.config, pino({ level: 'silent' }));
  await server.start();
  const http: Server = await new Promise((resolve) => {
    const s = server.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    url,
    server,
    async get<T>(path: string) {
      const res = await fetch(`${url}${path}`);
      return { status: res.status, body: (await res.json()) as T };
    },
    async stop() {
      server.stop();
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
    },
  };
}

/** Index of the response_latency_ms bucket holding a value (mesh-facts §2 buckets). */
const BUCKETS = [
  1, 2, 3, 4, 5, 10, 20, 30, 40, 50, 100, 200, 300, 400, 500, 1000, 2000, 3000, 4000, 5000, 10000,
  20000, 30000, 40000, 50000,
];
export function bucketIndex(ms: number): number {
  const i = BUCKETS.findIndex((b) => ms <= b);
  return i === -1 ? BUCKETS.length : i;
}
