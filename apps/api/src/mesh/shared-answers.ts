/**
 * Answers that many pages and many browsers ask for alike (the whole-mesh
 * graph, the namespace table), computed once per refresh: callers within
 * `ttlMs` of a computation, or during it, share its result. With the
 * metrics engine's own query cache this makes 50 viewers cost the upstream
 * and the CPU about what one costs.
 */
export class SharedAnswers {
  private readonly entries = new Map<string, { at: number; value: Promise<unknown> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 1000,
  ) {}

  get<T>(view: string, args: unknown[], compute: () => Promise<T>): Promise<T> {
    const key = `${view} ${JSON.stringify(args)}`;
    const now = this.now();
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.value as Promise<T>;
    const value = compute();
    this.entries.delete(key);
    this.entries.set(key, { at: now, value });
    // A failure is not kept: the next caller tries again.
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    for (const [k, e] of this.entries) {
      if (this.entries.size <= this.maxEntries && now - e.at < this.ttlMs) break;
      this.entries.delete(k);
    }
    return value;
  }
}
