import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scraper, ScrapeSchedule, scrapeOffsetMs, type ScrapeTarget } from './scraper';
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
  it('keeps scraping after its targets could not be read, and says so once', async () => {
    const store = new SampleStore(10, 3600);
    const logged: string[] = [];
    const log = pino({ level: 'error' }, { write: (line: string) => logged.push(line) });
    let asked = 0;
    const scraper = new Scraper({
      store,
      intervalSeconds: 1,
      log,
      targets: () => {
        if (++asked <= 3) throw new Error('topology not readable');
        return [{ address: `[::1]:${port}`, labels: { namespace: 'ns', pod: 'later' } }];
      },
    });
    scraper.start();
    try {
      // Its place in the 1 s interval comes within a second of the targets being readable.
      const deadline = Date.now() + 5000;
      while (store.select('request_total', [], 0, Date.now() / 1000 + 60).length === 0) {
        if (Date.now() > deadline) throw new Error('never scraped');
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      scraper.stop();
    }
    expect(asked).toBeGreaterThan(3);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('topology not readable');
  });

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

  it('scrapes each proxy once an interval at its own point in it, as Prometheus spreads its targets', () => {
    // 1,000 proxies every 10 s, the schedule asked every 100 ms for two and a half cycles.
    const targets: ScrapeTarget[] = Array.from({ length: 1000 }, (_, i) => ({
      address: `10.${Math.floor(i / 250)}.${i % 250}.7:4191`,
      labels: {},
    }));
    // The same array every time, as the topology's while it is unchanged.
    const schedule = new ScrapeSchedule(10_000, () => targets);
    const times = new Map<string, number[]>();
    const perTick: number[] = [];
    const cycles: number[] = [];
    const t0 = 1_700_000_003_000; // 3 s into a cycle (boundaries are whole multiples of 10 s)
    for (let now = t0; now < t0 + 25_000; now += 100) {
      const { due, newCycle } = schedule.take(now);
      if (newCycle) cycles.push(now);
      perTick.push(due.length);
      for (const t of due) times.set(t.address, [...(times.get(t.address) ?? []), now]);
    }
    // Cycles turn on the absolute 10 s boundaries.
    expect(cycles).toEqual([t0, t0 + 7_000, t0 + 17_000]);
    for (const t of targets) {
      const at = times.get(t.address) ?? [];
      const offset = scrapeOffsetMs(t.address, 10_000);
      // Due at its offset, to the 100 ms step the schedule is asked at.
      const since = (now: number) => (now - offset) % 10_000;
      // In the first cycle, one past its offset is scraped at once; every later scrape
      // comes at its offset, one interval after the one before.
      const steady = offset < 3_000 ? at.slice(1) : at;
      for (const now of steady) expect(since(now)).toBeLessThan(100);
      for (let i = 1; i < steady.length; i++)
        expect((steady[i] ?? 0) - (steady[i - 1] ?? 0)).toBe(10_000);
      // Each scrape due in the 25 s (the last step asked is 27.9 s after a boundary), once.
      expect(at).toHaveLength(offset <= 7_900 ? 3 : 2);
    }
    // Spread: after the first step (those whose offsets had passed at start), 10 a step
    // on average and none near a burst of the whole mesh.
    expect(perTick[0]).toBeGreaterThan(200);
    expect(Math.max(...perTick.slice(1))).toBeLessThan(40);
  });

  it('scrapes a proxy that starts mid-cycle in that cycle, not the next', () => {
    const target = (n: number): ScrapeTarget => ({ address: `10.9.0.${n}:4191`, labels: {} });
    const offset = (t: ScrapeTarget) => scrapeOffsetMs(t.address, 10_000);
    // Two new proxies: one whose place in the cycle has passed when it appears, one still to come.
    const pool = Array.from({ length: 200 }, (_, i) => target(i + 1));
    const late = pool.find((t) => offset(t) < 4_000) as ScrapeTarget;
    const early = pool.find((t) => offset(t) > 6_000) as ScrapeTarget;
    let targets: ScrapeTarget[] = [];
    const schedule = new ScrapeSchedule(10_000, () => targets);
    const cycle = 1_700_000_000_000;
    const given: [string, number][] = [];
    for (let now = cycle; now < cycle + 20_000; now += 100) {
      // The pods start 5 s into the first cycle; the list is a new array, as a new topology's.
      if (now === cycle + 5_000) targets = [late, early];
      for (const t of schedule.take(now).due) given.push([t.address, now - cycle]);
    }
    const at = (t: ScrapeTarget) => given.filter(([a]) => a === t.address).map(([, ms]) => ms);
    // The one past its place at once, then at its place in the next cycle; the other at its
    // place in this cycle and the next. Neither twice in a cycle.
    expect(at(late)).toEqual([5_000, 10_000 + Math.ceil(offset(late) / 100) * 100]);
    expect(at(early)).toEqual([0, 10_000].map((c) => c + Math.ceil(offset(early) / 100) * 100));
  });
});
