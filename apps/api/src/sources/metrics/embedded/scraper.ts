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
  targets: () => ScrapeTarget[];
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
 * Scrapes every proxy's admin /metrics each interval, with bounded
 * concurrency and a timeout, into the sample store. Targets come from the
 * topology at each round, so new pods are picked up and gone ones dropped.
 */
export class Scraper {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private readonly status = new Map<string, ScrapeStatus>();
  /** Connections to proxies are kept between rounds, as Prometheus keeps them. */
  private readonly client = new ScrapeClient();

  constructor(private readonly options: ScraperOptions) {}

  start(): void {
    const tick = () => {
      void this.round();
    };
    tick();
    this.timer = setInterval(tick, this.options.intervalSeconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.client.close();
  }

  /** One scrape of every target; overlapping rounds are skipped. */
  async round(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const targets = this.options.targets();
      const live = new Set(targets.map((t) => t.address));
      for (const key of this.status.keys()) if (!live.has(key)) this.status.delete(key);
      this.client.retain(live);
      let next = 0;
      const worker = async () => {
        while (next < targets.length) {
          const t = targets[next++];
          if (t) await this.scrape(t);
        }
      };
      await Promise.all(
        Array.from({ length: Math.min(this.options.concurrency ?? 32, targets.length) }, worker),
      );
      this.options.store.expire(Date.now() / 1000);
      this.options.onRound?.();
    } finally {
      this.running = false;
    }
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
