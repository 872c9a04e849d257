import type { Logger } from 'pino';
import { ne, type MetricsEngine } from '../sources/metrics/engine';
import { defaultInboundPolicy } from './policy';
import type { SnapshotCache } from './snapshot';

/**
 * In Prometheus mode, which proxies Prometheus cannot scrape (`up == 0` on
 * targets labelled with `control_plane_ns`, as linkerd-viz's job labels them),
 * checked now and then and reported by namespace: in a namespace whose
 * default inbound policy is `deny`, that is the policy refusing the scrapes
 * (linkerd2 #9150), and the numbers there would otherwise just look idle.
 */
export class PrometheusTargets {
  private down = new Map<string, number>();
  private lastDown = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly engine: MetricsEngine,
    private readonly snapshots: SnapshotCache,
    private readonly log: Logger,
    private readonly everyMs = 10_000,
  ) {}

  start(): void {
    const check = () => void this.check();
    check();
    this.timer = setInterval(check, this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async check(): Promise<void> {
    try {
      const up = await this.engine.gauge({
        metric: 'up',
        matchers: [ne('control_plane_ns', '')],
        by: ['namespace', 'pod'],
        aggregate: 'min',
      });
      // Only what stays down across two checks: a pod that just went away is not a problem.
      const now = new Set(
        up
          .filter((s) => s.value === 0)
          .map((s) => `${s.labels.namespace ?? ''}/${s.labels.pod ?? ''}`),
      );
      const down = new Map<string, number>();
      for (const key of now) {
        if (!this.lastDown.has(key)) continue;
        const ns = key.slice(0, key.indexOf('/'));
        down.set(ns, (down.get(ns) ?? 0) + 1);
      }
      this.lastDown = now;
      this.down = down;
    } catch (err) {
      // Prometheus being down is reported by every answer already.
      this.log.debug({ err }, 'could not read the scrape targets');
    }
  }

  /** One line per namespace with proxies Prometheus cannot scrape, with the likely cause. */
  errors(): string[] {
    const { snapshot } = this.snapshots.get();
    return [...this.down].map(([ns, n]) => {
      const proxies = `${n} ${n === 1 ? 'proxy' : 'proxies'} in namespace ${ns}`;
      return defaultInboundPolicy(snapshot, ns).value === 'deny'
        ? `${proxies} cannot be scraped by Prometheus: the namespace's default inbound policy is deny. Apply \`linkerd viz allow-scrapes --namespace ${ns}\` so linkerd-viz's Prometheus may scrape them.`
        : `${proxies} cannot be scraped by Prometheus (up == 0): their numbers are missing.`;
    });
  }
}
