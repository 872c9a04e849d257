import type { Logger } from 'pino';
import { ScrapeClient, ScrapeHttpError } from './scrape-client';
import type { SampleStore } from './store';

export interface ScrapeTarget {
  address: string;
  labels: Record<string, string>;
}

/** The proxy's authorization policy refused the scrape (a default-deny namespace). */
class ScrapeDenied extends Error {
  constructor(readonly status: number) {
    super(`denied by the proxy's authorization policy (HTTP ${status})`);
  }
}

export interface ScrapeStatus {
  address: string;
  labels: Record<string, string>;
  up: boolean;
  /** The proxy's policy refused meshviz (default-inbound-policy deny, no Server admitting it). */
  denied?: boolean;
  lastError?: string;
  lastScrape?: number;
  durationMs?: number;
}

/**
 * The most a scrape may return. A busy real proxy writes about 1,700 series
 * (linkerd2 #2980), well under 1 MiB; anything near this is not a proxy.
 */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface ScraperOptions {
  store: SampleStore;
  /** The targets now: the same array while they are unchanged (it is asked every tick). */
  targets: () => readonly ScrapeTarget[];
  intervalSeconds: number;
  concurrency?: number;
  timeoutMs?: number;
  /** Scrape bodies larger than this are refused (default MAX_BODY_BYTES). */
  maxBodyBytes?: number;
  log: Logger;
  onScrape?: (ok: boolean, durationMs: number) => void;
  /** Called after each round of scrapes of every target. */
  onRound?: () => void;
}

/**
 * A target's place in the scrape interval, as Prometheus places its targets
 * (scrape/target.go `offset`): a hash of the target, modulo the interval,
 * from boundaries pinned to absolute time. Each target is then scraped once an
 * interval, always at the same point in it, and a thousand proxies are a steady
 * trickle of scrapes rather than a burst every interval.
 */
export function scrapeOffsetMs(address: string, intervalMs: number): number {
  // FNV-1a, 32 bits.
  let h = 0x811c9dc5;
  for (let i = 0; i < address.length; i++) {
    h ^= address.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % intervalMs;
}

/**
 * Which targets are due, cycle by cycle, each at its offset in the interval.
 * The targets are read at every call; when they change (a pod started), a new
 * one is due at its offset in this cycle, at once if that has passed, as
 * Prometheus starts a new target's loop rather than waiting for the next round.
 */
export class ScrapeSchedule {
  private start = Number.NEGATIVE_INFINITY;
  private due: { target: ScrapeTarget; at: number }[] = [];
  private next = 0;
  private known: readonly ScrapeTarget[] | undefined;
  /** Addresses given out in this cycle. */
  private readonly given = new Set<string>();

  constructor(
    private readonly intervalMs: number,
    private readonly targets: () => readonly ScrapeTarget[],
  ) {}

  /**
   * The targets due by `now`, and whether a new cycle began. A cycle's targets not yet
   * given out when it ends (a late call) come first.
   */
  take(now: number): { due: ScrapeTarget[]; newCycle: boolean } {
    const out: ScrapeTarget[] = [];
    const start = now - (now % this.intervalMs);
    const newCycle = start !== this.start;
    if (newCycle) {
      this.drain(Number.POSITIVE_INFINITY, out);
      this.start = start;
      this.given.clear();
      this.plan(this.targets());
    } else {
      const targets = this.targets();
      if (targets !== this.known) this.plan(targets);
    }
    this.drain(now, out);
    return { due: out, newCycle };
  }

  /** This cycle's targets not yet given out, by their place in it. */
  private plan(targets: readonly ScrapeTarget[]): void {
    this.known = targets;
    this.due = targets
      .filter((t) => !this.given.has(t.address))
      .map((target) => ({
        target,
        at: this.start + scrapeOffsetMs(target.address, this.intervalMs),
      }))
      .sort((a, b) => a.at - b.at);
    this.next = 0;
  }

  private drain(until: number, out: ScrapeTarget[]): void {
    while (this.next < this.due.length && (this.due[this.next]?.at ?? Infinity) <= until) {
      const { target } = this.due[this.next++] as { target: ScrapeTarget };
      this.given.add(target.address);
      out.push(target);
    }
  }
}

/**
 * Scrapes every proxy's admin /metrics each interval, each at its own point in
 * the interval, with bounded concurrency and a timeout, into the sample store.
 * Targets come from the topology at each cycle, so new pods are picked up and
 * gone ones dropped.
 */
export class Scraper {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private readonly status = new Map<string, ScrapeStatus>();
  /** Connections to proxies are kept between rounds, as Prometheus keeps them. */
  private readonly client = new ScrapeClient();
  private readonly inFlight = new Set<string>();
  private readonly waiting = new Map<string, ScrapeTarget>();

  constructor(private readonly options: ScraperOptions) {}

  /**
   * Scrapes each target at its offset in the interval, checked every hundredth of it (at
   * most 100 ms). Spread so, ingest takes the API's thread a little at a time: in one burst
   * a round of 1,000 proxies held it for a second or more, and any answer asked meanwhile
   * waited behind it.
   */
  start(): void {
    const intervalMs = this.options.intervalSeconds * 1000;
    const schedule = new ScrapeSchedule(intervalMs, () => this.currentTargets());
    let cycles = 0;
    let fault = '';
    const tick = () => {
      try {
        const { due, newCycle } = schedule.take(Date.now());
        if (newCycle && cycles++ > 0) this.endRound();
        for (const t of due) this.enqueue(t);
        fault = '';
      } catch (err) {
        // A fault in a timer would end the process: the API keeps answering from what it
        // holds, and the next tick tries again. Logged once while it repeats.
        const message = err instanceof Error ? err.message : String(err);
        if (message !== fault) this.options.log.error({ err }, 'scrape schedule failed');
        fault = message;
      }
    };
    tick();
    this.timer = setInterval(tick, Math.max(10, Math.min(100, intervalMs / 100)));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.waiting.clear();
    this.client.close();
  }

  /** One scrape of every target, now; overlapping rounds are skipped. */
  async round(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const targets = this.currentTargets();
      let next = 0;
      const worker = async () => {
        while (next < targets.length) {
          const t = targets[next++];
          if (t) await this.scrape(t);
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.concurrency, targets.length) }, worker));
      this.endRound();
    } finally {
      this.running = false;
    }
  }

  private get concurrency(): number {
    return this.options.concurrency ?? 32;
  }

  private lastTargets: readonly ScrapeTarget[] | undefined;

  /**
   * The targets now (the same array while the topology is unchanged), forgetting the
   * status and connections of those gone when they change.
   */
  private currentTargets(): readonly ScrapeTarget[] {
    const targets = this.options.targets();
    if (targets === this.lastTargets) return targets;
    this.lastTargets = targets;
    const live = new Set(targets.map((t) => t.address));
    for (const key of this.status.keys()) if (!live.has(key)) this.status.delete(key);
    this.client.retain(live);
    return targets;
  }

  private endRound(): void {
    this.options.store.expire(Date.now() / 1000);
    this.options.onRound?.();
  }

  /** Scrapes `target` once at most at a time, and at most `concurrency` targets at once. */
  private enqueue(target: ScrapeTarget): void {
    if (this.inFlight.has(target.address)) return;
    if (this.inFlight.size >= this.concurrency) {
      this.waiting.set(target.address, target);
      return;
    }
    this.inFlight.add(target.address);
    void this.scrape(target).finally(() => {
      this.inFlight.delete(target.address);
      const [next] = this.waiting.values();
      if (next) {
        this.waiting.delete(next.address);
        this.enqueue(next);
      }
    });
  }

  private async scrape(target: ScrapeTarget): Promise<void> {
    const started = Date.now();
    const timeoutMs = this.options.timeoutMs ?? Math.min(5000, this.options.intervalSeconds * 800);
    try {
      await this.client
        .get(target.address, timeoutMs, this.options.maxBodyBytes ?? MAX_BODY_BYTES, (body) =>
          this.options.store.ingestText(target.address, target.labels, started / 1000, body),
        )
        .catch((err: unknown) => {
          if (err instanceof ScrapeHttpError && (err.status === 401 || err.status === 403))
            throw new ScrapeDenied(err.status);
          throw err;
        });
      this.status.set(target.address, {
        address: target.address,
        labels: target.labels,
        up: true,
        lastScrape: started / 1000,
        durationMs: Date.now() - started,
      });
      this.options.onScrape?.(true, Date.now() - started);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.status.set(target.address, {
        address: target.address,
        labels: target.labels,
        up: false,
        denied: err instanceof ScrapeDenied,
        lastError: message,
        lastScrape: started / 1000,
      });
      this.options.onScrape?.(false, Date.now() - started);
    }
  }

  statuses(): ScrapeStatus[] {
    return [...this.status.values()];
  }

  /**
   * Targets that failed their last scrape, as errors to report with answers.
   * Proxies whose policy denies meshviz are told once per namespace, with the fix.
   */
  errors(): string[] {
    const down = this.statuses().filter((s) => !s.up);
    const denied = new Map<string, number>();
    for (const s of down)
      if (s.denied)
        denied.set(s.labels.namespace ?? '', (denied.get(s.labels.namespace ?? '') ?? 0) + 1);
    return [
      ...[...denied].map(
        ([ns, n]) =>
          `${n} ${n === 1 ? 'proxy' : 'proxies'} in namespace ${ns} deny meshviz's scrapes: its default inbound policy is deny and no Server admits meshviz on the admin port. Apply the output of \`meshviz-api allow-scrapes --namespace ${ns}\` (or linkerd viz allow-scrapes for linkerd-viz's Prometheus).`,
      ),
      ...down
        .filter((s) => !s.denied)
        .map(
          (s) =>
            `proxy ${s.labels.namespace ?? ''}/${s.labels.pod ?? s.address} (${s.address}): ${s.lastError ?? 'down'}`,
        ),
    ];
  }
}
