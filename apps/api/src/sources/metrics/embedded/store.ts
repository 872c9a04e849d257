import type { ParsedSample } from '../../prometheus/text-format';
import type { Matcher } from '../engine';
import { GAUGES, KEPT_FAMILIES, reduceLabels, seriesKey } from './reduce';

/** One reduced series of one target: values aligned with the target's scrape times. */
interface StoredSeries {
  name: string;
  labels: Record<string, string>;
  values: Float64Array;
  gauge: boolean;
}

/**
 * The samples of one scrape target (a proxy): a ring of scrape times and,
 * per reduced series, a ring of values at those times. Counters are kept as
 * a monotonic sum of the raw series' increases, so resets and raw series
 * that come and go never show as drops.
 */
class TargetStore {
  readonly times: Float64Array;
  /** Index of the next write; `count` samples are valid. */
  head = 0;
  count = 0;
  readonly series = new Map<string, StoredSeries>();
  /** Last raw value of each raw counter series, for deltas. */
  private rawLast = new Map<string, number>();
  lastScrape = 0;

  constructor(
    readonly capacity: number,
    public targetLabels: Record<string, string>,
  ) {
    this.times = new Float64Array(capacity);
  }

  ingest(t: number, samples: ParsedSample[]): void {
    const i = this.head;
    this.times[i] = t;
    for (const s of this.series.values())
      s.values[i] = s.gauge ? Number.NaN : (s.values[this.prev()] ?? Number.NaN);
    const seenRaw = new Map<string, number>();
    const gaugeSums = new Map<StoredSeries, number>();
    const fresh = new Set<StoredSeries>();
    for (const sample of samples) {
      if (!KEPT_FAMILIES.has(sample.name)) continue;
      const reduced = { ...reduceLabels(sample.labels), ...this.targetLabels };
      const key = seriesKey(sample.name, reduced);
      let s = this.series.get(key);
      const gauge = GAUGES.has(sample.name);
      if (!s) {
        s = {
          name: sample.name,
          labels: reduced,
          values: new Float64Array(this.capacity).fill(Number.NaN),
          gauge,
        };
        this.series.set(key, s);
      }
      if (gauge) {
        gaugeSums.set(s, (gaugeSums.get(s) ?? 0) + sample.value);
        continue;
      }
      const rawKey = seriesKey(sample.name, sample.labels);
      const last = this.rawLast.get(rawKey);
      seenRaw.set(rawKey, sample.value);
      const current = s.values[i];
      if (current === undefined || Number.isNaN(current)) {
        // First sight of this reduced series: start at the raw values, as Prometheus would see them.
        s.values[i] = sample.value;
        fresh.add(s);
      } else if (fresh.has(s)) {
        s.values[i] = current + sample.value;
      } else if (last === undefined) {
        // A new raw series joins an existing reduced one: its history before now is not an increase.
      } else {
        // A drop is a counter reset: the whole new value is the increase.
        s.values[i] = current + (sample.value >= last ? sample.value - last : sample.value);
      }
    }
    for (const [s, v] of gaugeSums) s.values[i] = v;
    this.rawLast = seenRaw;
    this.head = (this.head + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
    this.lastScrape = t;
  }

  private prev(): number {
    return (this.head - 1 + this.capacity) % this.capacity;
  }

  /** Indexes of samples with time in (from, to], oldest first. */
  indexesIn(from: number, to: number): number[] {
    const out: number[] = [];
    for (let k = this.count; k >= 1; k--) {
      const idx = (this.head - k + this.capacity) % this.capacity;
      const t = this.times[idx] ?? 0;
      if (t > from && t <= to) out.push(idx);
    }
    return out;
  }

  /** Forgets series with no sample left in the ring. */
  compact(): void {
    for (const [key, s] of this.series) {
      let any = false;
      for (let k = 1; k <= this.count && !any; k++) {
        const v = s.values[(this.head - k + this.capacity) % this.capacity];
        any = v !== undefined && !Number.isNaN(v);
      }
      if (!any) this.series.delete(key);
    }
  }
}

function matches(labels: Record<string, string>, matchers: Matcher[]): boolean {
  return matchers.every((m) => {
    const v = labels[m.label] ?? '';
    switch (m.op) {
      case '=':
        return v === m.value;
      case '!=':
        return v !== m.value;
      case '=~':
        return new RegExp(`^(?:${m.value})$`).test(v);
      case '!~':
        return !new RegExp(`^(?:${m.value})$`).test(v);
    }
  });
}

export interface SeriesView {
  labels: Record<string, string>;
  times: number[];
  values: number[];
}

/** All targets' samples, with retention. */
export class SampleStore {
  private readonly targets = new Map<string, TargetStore>();

  constructor(
    private readonly capacity: number,
    private readonly retentionSeconds: number,
  ) {}

  ingest(
    target: string,
    targetLabels: Record<string, string>,
    t: number,
    samples: ParsedSample[],
  ): void {
    let store = this.targets.get(target);
    if (!store) {
      store = new TargetStore(this.capacity, targetLabels);
      this.targets.set(target, store);
    }
    store.targetLabels = targetLabels;
    store.ingest(t, samples);
  }

  /** Drops targets whose last scrape is older than the retention. */
  expire(now: number): void {
    for (const [key, t] of this.targets) {
      if (now - t.lastScrape > this.retentionSeconds) this.targets.delete(key);
      else t.compact();
    }
  }

  /** Samples of matching series with time in (from, to]. */
  select(metric: string, matchers: Matcher[], from: number, to: number): SeriesView[] {
    const out: SeriesView[] = [];
    for (const target of this.targets.values()) {
      const idx = target.indexesIn(from, to);
      if (idx.length === 0) continue;
      for (const s of target.series.values()) {
        if (s.name !== metric || !matches(s.labels, matchers)) continue;
        const times: number[] = [];
        const values: number[] = [];
        for (const i of idx) {
          const v = s.values[i];
          if (v === undefined || Number.isNaN(v)) continue;
          times.push(target.times[i] ?? 0);
          values.push(v);
        }
        if (values.length > 0) out.push({ labels: s.labels, times, values });
      }
    }
    return out;
  }

  /** Number of stored series and bytes of sample memory, for /metrics. */
  /**
   * What the store holds: series, samples written so far, and the bytes its
   * rings take (allocated whole: a series costs its full retention at once).
   */
  stats(): { targets: number; series: number; samples: number; bytes: number } {
    let series = 0;
    let samples = 0;
    for (const t of this.targets.values()) {
      series += t.series.size;
      samples += t.series.size * t.count;
    }
    return {
      targets: this.targets.size,
      series,
      samples,
      bytes: series * this.capacity * 8 + this.targets.size * this.capacity * 8,
    };
  }

  /** Samples each series keeps at the configured retention. */
  get samplesPerSeries(): number {
    return this.capacity;
  }
}
