import type {
  GaugeQuery,
  MetricsEngine,
  QuantileQuery,
  QuantileSample,
  RangeSeries,
  RangeSpec,
  RateQuery,
  Sample,
} from './engine';

export interface QueryObserver {
  /** Called once per query that reaches the upstream engine. */
  (kind: string, seconds: number, ok: boolean): void;
}

/**
 * Coalesces identical questions: concurrent callers share one upstream
 * query, and an answer is reused for `ttlMs`, so many browsers polling the
 * same view cost the upstream about as much as one.
 */
export class CachingEngine implements MetricsEngine {
  readonly kind: MetricsEngine['kind'];
  readonly minWindowSeconds: number;
  private readonly entries = new Map<string, { at: number; value: Promise<unknown> }>();

  constructor(
    private readonly inner: MetricsEngine,
    private readonly ttlMs: number,
    private readonly observe?: QueryObserver,
    private readonly now: () => number = Date.now,
  ) {
    this.kind = inner.kind;
    this.minWindowSeconds = inner.minWindowSeconds;
  }

  private cached<T>(kind: string, key: unknown, run: () => Promise<T>): Promise<T> {
    const k = `${kind}:${JSON.stringify(key)}`;
    const now = this.now();
    const hit = this.entries.get(k);
    if (hit && now - hit.at < this.ttlMs) return hit.value as Promise<T>;
    if (this.entries.size > 5000) {
      for (const [key2, e] of this.entries) if (now - e.at >= this.ttlMs) this.entries.delete(key2);
    }
    const started = performance.now();
    const value = run().then(
      (v) => {
        this.observe?.(kind, (performance.now() - started) / 1000, true);
        return v;
      },
      (err: unknown) => {
        this.observe?.(kind, (performance.now() - started) / 1000, false);
        // A failure is not cached: the next caller tries again.
        this.entries.delete(k);
        throw err;
      },
    );
    this.entries.set(k, { at: now, value });
    return value;
  }

  // One caller's abort must not cancel a query others share, so signals are not passed on.
  rate(q: RateQuery): Promise<Sample[]> {
    return this.cached('rate', q, () => this.inner.rate(q));
  }
  quantiles(q: QuantileQuery): Promise<QuantileSample[]> {
    return this.cached('quantiles', q, () => this.inner.quantiles(q));
  }
  gauge(q: GaugeQuery): Promise<Sample[]> {
    return this.cached('gauge', q, () => this.inner.gauge(q));
  }
  rateRange(q: RateQuery, range: RangeSpec): Promise<RangeSeries[]> {
    return this.cached('rateRange', [q, range], () => this.inner.rateRange(q, range));
  }
  quantileRange(
    q: QuantileQuery & { quantiles: [number] },
    range: RangeSpec,
  ): Promise<RangeSeries[]> {
    return this.cached('quantileRange', [q, range], () => this.inner.quantileRange(q, range));
  }
}
