import type { TapCall } from '@meshviz/shared';

/** Calls of one source, destination and path, as Linkerd viz's Top counts them. */
export interface TopRow {
  key: string;
  direction: TapCall['direction'];
  source: string;
  destination: string;
  method: string;
  path: string;
  count: number;
  successes: number;
  /** Fastest, slowest and most recent latency, ms (calls without an end left out). */
  best: number | null;
  worst: number | null;
  last: number | null;
  lastAt: number;
}

/** A peer as Top names it: its workload where the tap knows it, else its pod or address. */
export function peerName(p: TapCall['source']): string {
  if (p.name) return `${p.namespace ?? ''}/${p.kind ?? ''}/${p.name}`;
  if (p.pod) return `${p.namespace ?? ''}/pod/${p.pod}`;
  return p.address.replace(/:\d+$/, '');
}

/** Adds calls to Top's rows (mutating `rows`), keeping at most `maxRows` (the least recent go). */
export function addToTop(rows: Map<string, TopRow>, calls: TapCall[], maxRows = 1000): void {
  for (const c of calls) {
    const source = peerName(c.source);
    const destination = peerName(c.destination);
    const key = `${c.direction}|${source}|${destination}|${c.method}|${c.path}`;
    let r = rows.get(key);
    if (!r) {
      r = {
        key,
        direction: c.direction,
        source,
        destination,
        method: c.method,
        path: c.path,
        count: 0,
        successes: 0,
        best: null,
        worst: null,
        last: null,
        lastAt: 0,
      };
      rows.set(key, r);
    } else {
      // Most recent last: a Map keeps insertion order, so the oldest rows go first.
      rows.delete(key);
      rows.set(key, r);
    }
    r.count++;
    if (c.success) r.successes++;
    r.lastAt = c.at;
    if (c.latencyMs !== null) {
      r.best = r.best === null ? c.latencyMs : Math.min(r.best, c.latencyMs);
      r.worst = r.worst === null ? c.latencyMs : Math.max(r.worst, c.latencyMs);
      r.last = c.latencyMs;
    }
  }
  while (rows.size > maxRows) {
    const oldest = rows.keys().next().value;
    if (oldest === undefined) break;
    rows.delete(oldest);
  }
}
