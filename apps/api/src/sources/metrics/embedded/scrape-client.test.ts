import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ScrapeClient, ScrapeHttpError } from './scrape-client';

const text = (body: Buffer) => body.toString('utf8');
const MAX = 1024 * 1024;

let http: HttpServer;
let httpPort: number;
const httpConnections: Socket[] = [];

beforeAll(async () => {
  http = createHttpServer((req, res) => {
    const url = req.url ?? '';
    if (url.startsWith('/denied')) {
      res.writeHead(403);
      res.end('no');
    } else if (url.startsWith('/chunked')) {
      // Hundreds of small chunks, as a streaming writer sends them.
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      for (let i = 0; i < 500; i++) res.write(`line_total{n="${i}"} ${i}\n`);
      res.end();
    } else if (url.startsWith('/big')) {
      res.writeHead(200, { 'Content-Length': 5000 });
      res.end('x'.repeat(5000));
    } else if (url.startsWith('/silent')) {
      // Never answers.
    } else {
      const body = `request_total{path="${url}"} 1\n`;
      res.writeHead(200, { 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    }
  });
  http.on('connection', (s) => httpConnections.push(s));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
  httpPort = (http.address() as AddressInfo).port;
});

afterAll(async () => {
  http.closeAllConnections();
  await new Promise<void>((resolve) => http.close(() => resolve()));
});

/** A raw TCP server answering each request with `reply(socket, n)`, n counting requests. */
async function raw(reply: (socket: Socket, n: number) => void): Promise<[Server, string]> {
  let n = 0;
  const server = createServer((socket) => {
    socket.on('data', (d) => {
      if (d.includes('\r\n\r\n')) reply(socket, n++);
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return [server, `127.0.0.1:${(server.address() as AddressInfo).port}`];
}

describe('scrape client', () => {
  let client: ScrapeClient;
  const servers: Server[] = [];
  afterEach(() => {
    client.close();
    for (const s of servers.splice(0)) s.close();
  });

  it('GETs /metrics with Content-Length over one kept-alive connection', async () => {
    client = new ScrapeClient();
    const before = httpConnections.length;
    for (let i = 0; i < 3; i++)
      expect(await client.get(`127.0.0.1:${httpPort}`, 2000, MAX, text)).toBe(
        'request_total{path="/metrics"} 1\n',
      );
    expect(httpConnections.length - before).toBe(1);
  });

  it('decodes chunked bodies of many chunks', async () => {
    client = new ScrapeClient();
    const body = await client.get(`127.0.0.1:${httpPort}/chunked`, 2000, MAX, text);
    const want = Array.from({ length: 500 }, (_, i) => `line_total{n="${i}"} ${i}\n`).join('');
    expect(body).toBe(want);
  });

  it('keeps bodies of concurrent scrapes apart while reusing buffers', async () => {
    client = new ScrapeClient();
    for (let round = 0; round < 2; round++) {
      const paths = Array.from({ length: 40 }, (_, i) => `/p${i}`);
      const bodies = await Promise.all(
        paths.map((p) => client.get(`127.0.0.1:${httpPort}${p}`, 2000, MAX, text)),
      );
      expect(bodies).toEqual(paths.map((p) => `request_total{path="${p}/metrics"} 1\n`));
    }
  });

  it('reads a body framed by the connection end, with headers split across reads', async () => {
    const [server, address] = await raw((socket) => {
      const response = 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nup 1\nother 2\n';
      // One byte at a time for the head, then the rest.
      let i = 0;
      const step = () => {
        if (i < 45) {
          socket.write(response[i++] ?? '');
          setImmediate(step);
        } else socket.end(response.slice(i));
      };
      step();
    });
    servers.push(server);
    client = new ScrapeClient();
    expect(await client.get(address, 2000, MAX, text)).toBe('up 1\nother 2\n');
  });

  it('asks again on a new connection when a proxy closed the kept-alive one', async () => {
    const [server, address] = await raw((socket, n) => {
      if (n === 1) {
        // The second request arrives on a connection the proxy drops.
        socket.destroy();
        return;
      }
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nup ${n}\n`);
    });
    servers.push(server);
    client = new ScrapeClient();
    expect(await client.get(address, 2000, MAX, text)).toBe('up 0\n');
    expect(await client.get(address, 2000, MAX, text)).toBe('up 2\n');
  });

  it('reconnects after the proxy closed an idle connection', async () => {
    const [server, address] = await raw((socket, n) => {
      socket.end(`HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nup ${n}\n`);
    });
    servers.push(server);
    client = new ScrapeClient();
    expect(await client.get(address, 2000, MAX, text)).toBe('up 0\n');
    await new Promise((r) => setTimeout(r, 50));
    expect(await client.get(address, 2000, MAX, text)).toBe('up 1\n');
  });

  it('fails clearly: HTTP status, size limit (declared or streamed), timeout, refused, garbage', async () => {
    client = new ScrapeClient();
    const err = await client.get(`127.0.0.1:${httpPort}/denied`, 2000, MAX, text).catch((e) => e);
    expect(err).toBeInstanceOf(ScrapeHttpError);
    expect((err as ScrapeHttpError).status).toBe(403);
    await expect(client.get(`127.0.0.1:${httpPort}/big`, 2000, 4096, text)).rejects.toThrow(
      'scrape body of 5000 bytes exceeds the 4096-byte limit',
    );
    await expect(client.get(`127.0.0.1:${httpPort}/chunked`, 2000, 4096, text)).rejects.toThrow(
      'exceeds the 4096-byte limit',
    );
    await expect(client.get(`127.0.0.1:${httpPort}/silent`, 200, MAX, text)).rejects.toThrow(
      'no answer within 200 ms',
    );
    const [closed, closedAddress] = await raw(() => undefined);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(client.get(closedAddress, 2000, MAX, text)).rejects.toThrow(/ECONNREFUSED/);
    const [server, address] = await raw((socket) => socket.end('SSH-2.0-OpenSSH\r\n\r\n'));
    servers.push(server);
    await expect(client.get(address, 2000, MAX, text)).rejects.toThrow(/not an HTTP\/1.x response/);
    // Still serving after all that.
    expect(await client.get(`127.0.0.1:${httpPort}`, 2000, MAX, text)).toContain('request_total');
  });
});
