import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scraper } from './scraper';
import { SampleStore } from './store';

let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url?.startsWith('/denied')) {
      // What a proxy answers a client its inbound policy does not authorize.
      res.writeHead(403, { 'l5d-proxy-error': 'unauthorized request on route' });
      res.end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
    if (req.url === '/huge/metrics') {
      // Streamed without a length, so only counting the bytes can stop it.
      for (let i = 0; i < 100; i++) res.write(`request_total{n="${i}"} 1\n`.repeat(20));
      res.end();
      return;
    }
    res.end('request_total{direction="inbound"} 7\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '::1', () => resolve()));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('embedded scraper', () => {
  it('scrapes a proxy at an IPv6 address', async () => {
    const store = new SampleStore(10, 3600);
    const scraper = new Scraper({
      store,
      intervalSeconds: 60,
      log: pino({ level: 'silent' }),
      targets: () => [{ address: `[::1]:${port}`, labels: { namespace: 'ns', pod: 'v6' } }],
    });
    await scraper.round();
    expect(scraper.errors()).toEqual([]);
    const [series] = store.select('request_total', [], 0, Date.now() / 1000 + 60);
    expect(series?.labels).toMatchObject({ namespace: 'ns', pod: 'v6', direction: 'inbound' });
    expect(series?.values).toEqual([7]);
  });

  it('refuses a scrape body over its size limit, naming the limit', async () => {
    const store = new SampleStore(10, 3600);
    const scraper = new Scraper({
      store,
      intervalSeconds: 60,
      maxBodyBytes: 4096,
      log: pino({ level: 'silent' }),
      targets: () => [{ address: `[::1]:${port}/huge`, labels: { namespace: 'ns', pod: 'big' } }],
    });
    await scraper.round();
    expect(scraper.errors().join('\n')).toContain('4096-byte limit');
    expect(store.select('request_total', [], 0, Date.now() / 1000 + 60)).toEqual([]);
  });

  it('explains proxies that deny its scrapes once per namespace, with the fix', async () => {
    const store = new SampleStore(10, 3600);
    const denied = (pod: string) => ({
      address: `[::1]:${port}/denied`,
      labels: { namespace: 'payments', pod },
    });
    const scraper = new Scraper({
      store,
      intervalSeconds: 60,
      log: pino({ level: 'silent' }),
      // Two addresses on one server stand for two proxies.
      targets: () => [denied('a'), { ...denied('b'), address: `[::1]:${port}/denied-too` }],
    });
    await scraper.round();
    const errors = scraper.errors();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("2 proxies in namespace payments deny meshviz's scrapes");
    expect(errors[0]).toContain('allow-scrapes --namespace payments');
  });
});
