export interface SharedAnswersOptions {
  /** Answers are reused for at least this long. */
  minTtlMs: number;
  /**
   * ...and at most this long: the metrics' own refresh (the scrape
   * interval), past which an answer could have changed.
   */
  maxTtlMs: number;
  /** Kept at once (the oldest go first). */
  maxEntries?: number;
  now?: () => number;
}

/**
 * Answers that many pages and many browsers ask for alike (the whole-mesh
 * graph, the namespace table), computed once per refresh: callers within an
 * answer's lifetime, or during its computation, share its result. With the
 * metrics engine's own query cache this makes 50 viewers cost the upstream
 * and the CPU about what one costs.
 *
 * An answer lives four times as long as it took to compute (within the
 * bounds), so however large the mesh, recomputing what is being watched
 * takes at most about a quarter of a core.
 */
export class SharedAnswers {
  private readonly entries = new Map<
    string,
    { at: number; ttl: number; value: Promise<unknown> }
  >();
  private readonly now: () => number;

  constructor(private readonly options: SharedAnswersOptions) {
    this.now = options.now ?? Date.now;
  }

  get<T>(view: string, args: unknown[], compute: () => Promise<T>): Promise<T> {
    const key = `${view} ${JSON.stringify(args)}`;
    const now = this.now();
    const hit = this.entries.get(key);
    if (hit && now - hit.at < hit.ttl) return hit.value as Promise<T>;
    const value = compute();
    // Shared for as long as it computes, however long that is.
    const entry = { at: now, ttl: Infinity, value: value as Promise<unknown> };
    this.entries.delete(key);
    this.entries.set(key, entry);
    value.then(
      () => {
        const took = this.now() - now;
        entry.ttl = Math.min(this.options.maxTtlMs, Math.max(this.options.minTtlMs, 4 * took));
      },
      // A failure is not kept: the next caller tries again.
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    const max = this.options.maxEntries ?? 1000;
    for (const [k, e] of this.entries) {
      if (this.entries.size > max || now - e.at >= e.ttl) this.entries.delete(k);
      else break;
    }
    return value;
  }
}
