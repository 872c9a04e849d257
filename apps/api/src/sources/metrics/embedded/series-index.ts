import type { Matcher } from '../engine';

/** Label names and values stored once, as small integers. */
export class Interner {
  private readonly ids = new Map<string, number>();
  readonly strings: string[] = [];

  id(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.ids.set(s, id);
    }
    return id;
  }

  lookup(s: string): number | undefined {
    return this.ids.get(s);
  }

  get size(): number {
    return this.strings.length;
  }
}

/** What the index needs of a series: its metric and labels as interned ids. */
export interface IndexedSeries {
  id: number;
  metric: number;
  /** [name id, value id] pairs, sorted by name id. */
  labels: Int32Array;
}

/** The value id of `label` in a series, or -1 when it has none. */
export function labelValueId(labels: Int32Array, label: number): number {
  for (let k = 0; k < labels.length; k += 2)
    if (labels[k] === label) return labels[k + 1] as number;
  return -1;
}

/** A matcher as a test of one label value ("" for a missing label). */
export function accepts(m: Matcher): (value: string) => boolean {
  switch (m.op) {
    case '=':
      return (v) => v === m.value;
    case '!=':
      return (v) => v !== m.value;
    case '=~': {
      const r = new RegExp(`^(?:${m.value})$`);
      return (v) => r.test(v);
    }
    case '!~': {
      const r = new RegExp(`^(?:${m.value})$`);
      return (v) => !r.test(v);
    }
  }
}

/** One matcher resolved against the index: the value ids it accepts. */
interface Plan {
  label: number;
  values: Set<number>;
  /** Accepts series without the label (the matcher accepts ""). */
  acceptsMissing: boolean;
  /** Series that can match, when the matcher does not accept "" (sum of postings). */
  size: number;
  /** Series the matcher refuses by their value (sum of the other values' postings). */
  refused: number;
}

/**
 * An inverted index from label values to series, as Prometheus's head
 * block keeps: a query starts from the smallest posting list its matchers
 * allow, and a regular expression is tested once per distinct label value,
 * never per series. Posting lists are kept per metric (every query names
 * one), so `direction="outbound"` on one family never walks another's series.
 */
export class SeriesIndex<S extends IndexedSeries> {
  interner = new Interner();
  /** Bumped when series are renumbered and strings re-interned: ids from before mean nothing. */
  generation = 0;
  private series: (S | undefined)[] = [];
  private live = 0;
  /** metric id -> series ids. */
  private byMetric = new Map<number, number[]>();
  /** metric id -> label id -> value id -> series ids. */
  private postings = new Map<number, Map<number, Map<number, number[]>>>();
  /** Per series id, the query that refused it (`forEach`'s marks), so no array is cleared per query. */
  private refusedBy = new Uint32Array(0);
  private query = 0;

  get size(): number {
    return this.live;
  }

  add<T extends S>(s: Omit<T, 'id'> & { id?: number }): T {
    const full = s as T;
    full.id = this.series.length;
    this.series.push(full);
    this.live++;
    this.post(full);
    return full;
  }

  remove(s: S): void {
    if (this.series[s.id] !== s) return;
    this.series[s.id] = undefined;
    this.live--;
    // Posting lists are cleaned in one pass once enough of them are dead.
    if (this.series.length > 1024 && this.live < this.series.length / 2) this.rebuild();
  }

  /** Series of `metric` whose labels satisfy every matcher. */
  select(metric: string, matchers: Matcher[]): S[] {
    const out: S[] = [];
    this.forEach(metric, matchers, (s) => out.push(s));
    return out;
  }

  /** Calls `visit` with each series of `metric` whose labels satisfy every matcher, in id order. */
  forEach(metric: string, matchers: Matcher[], visit: (s: S) => void): void {
    const metricId = this.interner.lookup(metric);
    if (metricId === undefined) return;
    const all = this.byMetric.get(metricId) ?? [];
    const postings = this.postings.get(metricId);
    const plans: Plan[] = [];
    for (const m of matchers) {
      const ok = accepts(m);
      const labelId = this.interner.lookup(m.label);
      const values = new Set<number>();
      let size = 0;
      let refused = 0;
      const byValue = labelId === undefined ? undefined : postings?.get(labelId);
      if (byValue) {
        for (const [valueId, ids] of byValue) {
          if (ok(this.interner.strings[valueId] ?? '')) {
            values.add(valueId);
            size += ids.length;
          } else refused += ids.length;
        }
      }
      const acceptsMissing = ok('');
      if (!acceptsMissing && values.size === 0) return;
      plans.push({ label: labelId ?? -1, values, acceptsMissing, size, refused });
    }
    // The smallest list of candidates: the metric's series, or the postings of a selective matcher.
    let driver: Plan | undefined;
    for (const p of plans)
      if (!p.acceptsMissing && p.size < (driver?.size ?? all.length)) driver = p;
    // The driver's own matcher holds for all its candidates. A matcher that takes series
    // without its label (`target_port!="4191"`, `dst_service=""`) and refuses fewer series
    // than there are candidates marks those it refuses, from its postings, rather than
    // looking for its label in every candidate.
    const candidates = driver?.size ?? all.length;
    const query = this.nextQuery();
    let marked = false;
    const checks: Plan[] = [];
    for (const p of plans) {
      if (p === driver) continue;
      if (!p.acceptsMissing || p.refused > candidates) {
        checks.push(p);
        continue;
      }
      for (const [valueId, ids] of postings?.get(p.label) ?? []) {
        if (p.values.has(valueId)) continue;
        for (const id of ids) this.refusedBy[id] = query;
      }
      marked = true;
    }
    const consider = (id: number) => {
      const s = this.series[id];
      if (!s || s.metric !== metricId) return;
      if (marked && this.refusedBy[id] === query) return;
      for (const p of checks) {
        const v = labelValueId(s.labels, p.label);
        if (v < 0 ? !p.acceptsMissing : !p.values.has(v)) return;
      }
      visit(s);
    };
    if (!driver) {
      for (const id of all) consider(id);
      return;
    }
    const byValue = postings?.get(driver.label);
    const lists = [...driver.values].map((v) => byValue?.get(v) ?? []);
    if (lists.length === 1) {
      for (const id of lists[0] as number[]) consider(id);
      return;
    }
    // Several values (a regex): their lists merged, so series come in id order.
    const ids: number[] = [];
    for (const list of lists) for (const id of list) ids.push(id);
    ids.sort((x, y) => x - y);
    for (const id of ids) consider(id);
  }

  /** A number for this query's marks, with room for a mark per series. */
  private nextQuery(): number {
    if (this.refusedBy.length < this.series.length) {
      this.refusedBy = new Uint32Array(Math.max(1024, this.series.length * 2));
      this.query = 0;
    }
    return ++this.query;
  }

  private post(s: S): void {
    let ids = this.byMetric.get(s.metric);
    if (!ids) this.byMetric.set(s.metric, (ids = []));
    ids.push(s.id);
    let byLabel = this.postings.get(s.metric);
    if (!byLabel) this.postings.set(s.metric, (byLabel = new Map()));
    for (let k = 0; k < s.labels.length; k += 2) {
      const label = s.labels[k] as number;
      const value = s.labels[k + 1] as number;
      let byValue = byLabel.get(label);
      if (!byValue) byLabel.set(label, (byValue = new Map()));
      let list = byValue.get(value);
      if (!list) byValue.set(value, (list = []));
      list.push(s.id);
    }
  }

  /**
   * Renumbers the live series and re-interns their strings, so label values
   * of pods long gone (and their posting lists) do not accumulate.
   */
  private rebuild(): void {
    const old = this.interner;
    this.generation++;
    const live = this.series.filter((s): s is S => s !== undefined);
    this.interner = new Interner();
    this.series = [];
    this.byMetric = new Map();
    this.postings = new Map();
    for (const s of live) {
      s.metric = this.interner.id(old.strings[s.metric] ?? '');
      const labels = new Int32Array(s.labels.length);
      for (let k = 0; k < s.labels.length; k++)
        labels[k] = this.interner.id(old.strings[s.labels[k] as number] ?? '');
      s.labels = sortPairs(labels);
      s.id = this.series.length;
      this.series.push(s);
      this.post(s);
    }
  }
}

/** Sorts [name, value] pairs by name id. */
export function sortPairs(pairs: Int32Array): Int32Array {
  const n = pairs.length / 2;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (pairs[a * 2] as number) - (pairs[b * 2] as number),
  );
  const out = new Int32Array(pairs.length);
  order.forEach((from, to) => {
    out[to * 2] = pairs[from * 2] as number;
    out[to * 2 + 1] = pairs[from * 2 + 1] as number;
  });
  return out;
}
