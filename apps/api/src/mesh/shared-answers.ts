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
  /**
   * Runs the recomputation of an expired answer, which no caller waits for:
   * outside the request that happened to start it (its timing).
   */
  detached?: (start: () => void) => void;
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
 * takes at most about a quarter of a core. When it expires, the next caller
 * starts its recomputation and, like everyone until it is done, gets the
 * expired answer (for at most one more refresh): waiting is for the first
 * caller only.
 */
export class SharedAnswers {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(private readonly options: SharedAnswersOptions) {
    this.now = options.now ?? Date.now;
  }

  get<T>(view: string, args: unknown[], compute: () => Promise<T>): Promise<T> {
    const key = `${view} ${JSON.stringify(args)}`;
    const now = this.now();
    const hit = this.entries.get(key);
    if (hit && now - hit.at < hit.ttl) return hit.value as Promise<T>;
    // Just expired: the last answer serves while the next one computes (at most one
    // refresh older than the metrics), so no viewer waits on a whole-mesh recompute.
    if (hit?.settled && now - hit.at < hit.ttl + this.options.maxTtlMs) {
      if (!hit.refreshing) {
        hit.refreshing = true;
        const refresh = () => void this.start(key, compute, now);
        if (this.options.detached) this.options.detached(refresh);
        else refresh();
      }
      return Promise.resolve(hit.settled.value as T);
    }
    return this.start(key, compute, now);
  }

  private start<T>(key: string, compute: () => Promise<T>, now: number): Promise<T> {
    const value = compute();
    // Shared for as long as it computes, however long that is.
    const entry: Entry = { at: now, ttl: Infinity, value, refreshing: false };
    const previous = this.entries.get(key);
    if (previous?.settled) {
      // A refresh: the previous answer stays in place until this one is in.
      value.then(
        (v) => {
          entry.settled = { value: v };
          entry.ttl = this.lifetime(now);
          this.entries.delete(key);
          this.entries.set(key, entry);
        },
        () => {
          if (this.entries.get(key) === previous) this.entries.delete(key);
        },
      );
      return value;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    value.then(
      (v) => {
        entry.settled = { value: v };
        entry.ttl = this.lifetime(now);
      },
      // A failure is not kept: the next caller tries again.
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    const max = this.options.maxEntries ?? 1000;
    for (const [k, e] of this.entries) {
      if (this.entries.size > max || (e.settled && now - e.at >= e.ttl + this.options.maxTtlMs))
        this.entries.delete(k);
      else break;
    }
    return value;
  }

  /** Four times what the answer took to compute from `began`, within the bounds. */
  private lifetime(began: number): number {
    const took = this.now() - began;
    return Math.min(this.options.maxTtlMs, Math.max(this.options.minTtlMs, 4 * took));
  }
}

interface Entry {
  /** When its computation began. */
  at: number;
  ttl: number;
  value: Promise<unknown>;
  /** The answer, once computed. */
  settled?: { value: unknown };
  /** A newer answer is being computed. */
  refreshing: boolean;
}
