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
  private readonly entries = new Map<
    string,
    { at: number; value: Promise<unknown>; bytes: number }
  >();
  private bytes = 0;

  constructor(
    private readonly inner: MetricsEngine,
    private readonly ttlMs: number,
    private readonly observe?: QueryObserver,
    private readonly now: () => number = Date.now,
    /** The answers kept at once, by their size (about), not only their number. */
    private readonly maxBytes = 64 * 1024 * 1024,
  ) {
    this.kind = inner.kind;
    this.minWindowSeconds = inner.minWindowSeconds;
  }

  private cached<T>(kind: string, key: unknown, run: () => Promise<T>): Promise<T> {
    const k = `${kind}:${JSON.stringify(key)}`;
    const now = this.now();
    const hit = this.entries.get(k);
    if (hit && now - hit.at < this.ttlMs) return hit.value as Promise<T>;
    if (this.entries.size > 5000) this.shrink(now);
    const started = performance.now();
    const pending = run();
    // An engine that answers in this thread (the embedded one) has done its work when `run`
    // returns: from then on its promise only waits its turn behind the queries asked after it.
    const computedMs = this.inner.kind === 'embedded' ? performance.now() - started : undefined;
    const seconds = () => (computedMs ?? performance.now() - started) / 1000;
    const value = pending.then(
      (v) => {
        this.observe?.(kind, seconds(), true);
        const entry = this.entries.get(k);
        if (entry?.value === value) {
          entry.bytes = approximateBytes(v);
          this.bytes += entry.bytes;
          if (this.bytes > this.maxBytes) this.shrink(this.now());
        }
        return v;
      },
      (err: unknown) => {
        this.observe?.(kind, seconds(), false);
        // A failure is not cached: the next caller tries again.
        this.forget(k);
        throw err;
      },
    );
    this.forget(k);
    this.entries.set(k, { at: now, value, bytes: 0 });
    return value;
  }

  /** Drops expired answers, then the oldest, until the cache is within its count and size. */
  private shrink(now: number): void {
    for (const [key, e] of this.entries) if (now - e.at >= this.ttlMs) this.forget(key);
    // A Map iterates in insertion order: the oldest go first.
    for (const key of this.entries.keys()) {
      if (this.bytes <= this.maxBytes && this.entries.size <= 5000) break;
      this.forget(key);
    }
  }

  private forget(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.bytes -= e.bytes;
    this.entries.delete(key);
  }

  /** Bytes the cached answers hold, about. */
  get size(): number {
    return this.bytes;
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

/** The size of an answer, about: its samples' labels and values as JSON would hold them. */
function approximateBytes(value: unknown): number {
  if (!Array.isArray(value)) return 64;
  let bytes = 0;
  // Answers hold thousands of samples: no array is made per sample to measure it.
  for (const item of value as { labels?: Record<string, string>; points?: unknown[] }[]) {
    bytes += 48;
    const labels = item.labels;
    if (labels) for (const k in labels) bytes += k.length + (labels[k] as string).length + 8;
    bytes += (item.points?.length ?? 1) * 24;
  }
  return bytes;
}
