import { parseTextFormat, type ParsedSample } from '../../prometheus/text-format';
import type { Matcher } from '../engine';
import { ChunkedColumns, grown } from './chunks';
import { leBound, type BucketRun } from './histogram';
import { dropsSeries, GAUGES, KEPT_FAMILIES, reduceLabels, rollupOf, seriesKey } from './reduce';
import { hashBytes, parseValue, scanSamples, type LineVisitor } from './scan';
import {
  accepts,
  Interner,
  labelValueId,
  SeriesIndex,
  sortPairs,
  type IndexedSeries,
} from './series-index';

/**
 * One column of samples: a value per scrape of one proxy. Its samples and
 * last value live in its target's arrays at its slot, not here: see
 * ChunkedColumns.
 */
interface Column {
  target: TargetStore;
  gauge: boolean;
  /** Scrape that last saw a raw series feeding this one. */
  seenSeq: number;
  /** Oldest scrape it still has a sample of. */
  firstSeq: number;
  /** Its index in its target's columns (and in each row of the target's recent values). */
  slot: number;
  /** The column of its family's rollup it feeds (-1: none). */
  rollup: number;
}

/** One reduced series: kept labels of one proxy, indexed by them. */
interface StoredSeries extends IndexedSeries, Column {
  kind: 'series';
}

/**
 * A histogram of one proxy: its kept labels but `le`, indexed once, and its
 * buckets as columns. A query reads a histogram's 20 to 30 buckets through
 * one index entry and one group lookup, not one per bucket.
 */
interface StoredHistogram extends IndexedSeries {
  kind: 'histogram';
  target: TargetStore;
  /** Hash of its name and labels, its key in the target's histograms. */
  key: number;
  /** Ascending by bound. */
  buckets: Bucket[];
  /** The buckets' bounds (`le` as numbers), in the same order. */
  les: Float64Array;
}

interface Bucket extends Column {
  kind: 'bucket';
  histogram: StoredHistogram;
  /** Its `le` as the series carried it, by id in the store's `bounds`: one string for every bucket with that bound. */
  leId: number;
}

type Stored = StoredSeries | Bucket;
type Indexed = StoredSeries | StoredHistogram;

/**
 * Scrapes whose values every target keeps uncompressed, per series: windows
 * up to 5 minutes at 10 s (the dashboard's usual ones) read them rather than
 * decode chunks, for 256 bytes a series.
 */
const RECENT = 32;

const EMPTY = 0;

/**
 * Raw series of one proxy, in an open-addressing table of typed arrays:
 * per raw series its two hashes, the reduced series it feeds, its last value
 * and the scrape that last saw it. About 24 bytes a raw series, and no
 * allocation per raw series per scrape.
 */
class RawTable {
  h1: Int32Array;
  h2: Int32Array;
  /** Index into the target's reduced series + 1; -1 for series meshviz drops; 0 for an empty slot. */
  ref: Int32Array;
  last: Float64Array;
  seen: Int32Array;
  used = 0;

  constructor(readonly capacity: number) {
    this.h1 = new Int32Array(capacity);
    this.h2 = new Int32Array(capacity);
    this.ref = new Int32Array(capacity);
    this.last = new Float64Array(capacity);
    this.seen = new Int32Array(capacity);
  }

  /** The slot of a hash pair: found, or the empty one where it goes. */
  slot(h1: number, h2: number): number {
    const mask = this.capacity - 1;
    let i = (h1 ^ (h2 >>> 7)) & mask;
    for (;;) {
      if (this.ref[i] === EMPTY) return i;
      if (this.h1[i] === h1 && this.h2[i] === h2) return i;
      i = (i + 1) & mask;
    }
  }

  /** A table holding only the slots `keep` says, with refs renumbered by it (-2: drop). */
  rebuilt(capacity: number, keep: (slot: number) => number): RawTable {
    const next = new RawTable(capacity);
    for (let i = 0; i < this.capacity; i++) {
      if (this.ref[i] === EMPTY) continue;
      const ref = keep(i);
      if (ref === -2) continue;
      const j = next.slot(this.h1[i] as number, this.h2[i] as number);
      next.h1[j] = this.h1[i] as number;
      next.h2[j] = this.h2[i] as number;
      next.ref[j] = ref;
      next.last[j] = this.last[i] as number;
      next.seen[j] = this.seen[i] as number;
      next.used++;
    }
    return next;
  }
}

const nextPow2 = (n: number) => 2 ** Math.ceil(Math.log2(Math.max(16, n)));

/**
 * The samples of one scrape target (a proxy): a ring of scrape times and its
 * reduced series. Counters are kept as a monotonic sum of the raw series'
 * increases, so resets and raw series that come and go never show as drops.
 */
class TargetStore implements LineVisitor {
  readonly times: Float64Array;
  /** Scrapes ingested so far; scrape k's time is times[k % capacity]. */
  seq = 0;
  lastScrape = 0;
  /** Its series, samples and bytes, as of its last scrape. */
  tally: TargetTally = { series: 0, samples: 0, sampleBytes: 0, bytes: 0 };
  /** Its reduced series and histogram buckets: the columns written at each scrape. */
  readonly series: Stored[] = [];
  /** Its histograms by a hash of their name and labels but `le`. */
  private readonly histograms = new Map<number, StoredHistogram>();
  /** The window of the query being answered: its number and its scrapes (see SampleStore.windowEnds). */
  windowQuery = 0;
  windowFirst = 0;
  windowLast = -1;
  /** The last answer of seqRange, and the scrape count it was found at. */
  private range: [number, number] = [1, 0];
  private rangeSeq = -1;
  /** Reduced series by a 53-bit hash of their name and labels (a string key per series would cost more than its samples). */
  private readonly byKey = new Map<number, number>();
  private raw = new RawTable(64);
  private labelsKey = '';
  /** Per reduced series during a scrape: the sum of increases (counters) or values (gauges). */
  private acc = new Float64Array(16);
  private touched = new Uint8Array(16);
  /**
   * The values of the last RECENT scrapes, a row per scrape (scrape k's at
   * row k % RECENT), each holding every column at its slot: a query reads
   * the rows of its window's two ends, each from the start of a target's
   * columns onwards, in the order the index gives them, so reads run along
   * memory rather than one cache line per value.
   */
  recent = new Float64Array(16 * RECENT);
  /** Columns a row of `recent` has room for. */
  recentStride = 16;
  /** Per column at its slot, the last present value written (counters carry it forward). */
  lastValues = new Float64Array(16);
  /** Every column's samples, by slot. */
  readonly chunks = new ChunkedColumns();
  /** Reduced series made during this scrape (they start at the raw values). */
  private freshFrom = 0;
  /** The line being ingested (text path) or the sample (parsed path). */
  private body: Uint8Array = new Uint8Array(0);
  private lineStart = 0;
  private lineEnd = 0;
  private valueStart = 0;
  private valueEnd = 0;
  private parsed: ParsedSample | undefined;

  constructor(
    private readonly store: SampleStore,
    readonly capacity: number,
    public targetLabels: Record<string, string>,
  ) {
    this.times = new Float64Array(capacity);
  }

  setLabels(labels: Record<string, string>): void {
    const key = JSON.stringify(labels);
    if (key === this.labelsKey) return;
    this.labelsKey = key;
    this.targetLabels = labels;
    // Every raw series now feeds a differently labelled reduced one: resolve them again.
    if (this.raw.used > 0) this.raw = new RawTable(this.raw.capacity);
  }

  ingestText(t: number, body: Uint8Array): void {
    this.begin();
    this.body = body;
    scanSamples(body, this);
    this.body = new Uint8Array(0);
    this.commit(t);
    this.compact();
  }

  ingestSamples(t: number, samples: ParsedSample[]): void {
    this.begin();
    for (const s of samples) {
      const [h1, h2] = hashString(seriesKey(s.name, s.labels));
      this.parsed = s;
      this.observe(h1, h2, s.value);
    }
    this.parsed = undefined;
    this.commit(t);
    this.compact();
  }

  /** LineVisitor: one sample line of the body being ingested. */
  sample(
    h1: number,
    h2: number,
    seriesStart: number,
    seriesEnd: number,
    valueStart: number,
    valueEnd: number,
  ): void {
    this.lineStart = seriesStart;
    this.lineEnd = seriesEnd;
    this.valueStart = valueStart;
    this.valueEnd = valueEnd;
    this.observe(h1, h2, undefined);
  }

  /** The sample being ingested, parsed: only for raw series not seen in the previous scrape. */
  private current(): ParsedSample | undefined {
    if (this.parsed) return this.parsed;
    const b = this.body;
    const text = Buffer.from(
      b.buffer,
      b.byteOffset + this.lineStart,
      this.lineEnd - this.lineStart,
    );
    return parseTextFormat(`${text.toString('utf8')} 0\n`).samples[0];
  }

  private begin(): void {
    this.freshFrom = this.series.length;
  }

  private observe(h1: number, h2: number, given: number | undefined): void {
    if (this.raw.used * 2 >= this.raw.capacity) this.grow();
    const raw = this.raw;
    const slot = raw.slot(h1, h2);
    const seq = this.seq;
    let fresh = false;
    if (raw.ref[slot] === EMPTY || (raw.seen[slot] as number) < seq - 1) {
      // First sight, or back after a gap: its history is not an increase.
      if (raw.ref[slot] === EMPTY) raw.used++;
      raw.h1[slot] = h1;
      raw.h2[slot] = h2;
      raw.ref[slot] = this.resolve(this.current());
      fresh = true;
    } else if (raw.seen[slot] === seq) {
      return; // the same series twice in one scrape
    }
    raw.seen[slot] = seq;
    const ref = raw.ref[slot] as number;
    if (ref < 0) return;
    const value = given ?? parseValue(this.body, this.valueStart, this.valueEnd);
    const idx = ref - 1;
    const s = this.series[idx] as Stored;
    const last = raw.last[slot] as number;
    raw.last[slot] = value;
    if (s.gauge) {
      this.acc[idx] = (this.touched[idx] ? (this.acc[idx] as number) : 0) + value;
      this.touched[idx] = 1;
      return;
    }
    // A drop is a counter reset: the whole new value is the increase.
    this.add(idx, fresh, value, value >= last ? value - last : value);
  }

  /**
   * A counter sample fed into column `idx` (and its rollup): its value, and
   * its increase since the last scrape. A column seen for the first time
   * starts at the values fed to it, as Prometheus would see them; a series
   * new to a column that has history adds no increase.
   */
  private add(idx: number, fresh: boolean, value: number, increase: number): void {
    if (idx >= this.freshFrom) this.acc[idx] = (this.acc[idx] as number) + value;
    else if (!fresh) this.acc[idx] = (this.acc[idx] as number) + increase;
    this.touched[idx] = 1;
    const rollup = (this.series[idx] as Stored).rollup;
    // Into a rollup, a column new this scrape is a series new to it.
    if (rollup >= 0) this.add(rollup, fresh || idx >= this.freshFrom, value, increase);
  }

  /** The reduced series a new raw series feeds (index + 1), or -1 when meshviz drops it. */
  private resolve(sample: ParsedSample | undefined): number {
    if (!sample || !KEPT_FAMILIES.has(sample.name) || dropsSeries(sample.name, sample.labels))
      return -1;
    const labels = { ...reduceLabels(sample.name, sample.labels), ...this.targetLabels };
    const key = keyHash(seriesKey(sample.name, labels));
    const known = this.byKey.get(key);
    if (known !== undefined) return known + 1;
    // A rollup's column first: a column's slot is its place in `series`.
    const rollup = rollupOf(sample.name, labels);
    const rollupSlot = rollup ? this.column(rollup.name, rollup.labels) : -1;
    const column =
      sample.name.endsWith('_bucket') && labels.le !== undefined
        ? this.newBucket(sample.name, labels)
        : this.newSeries(sample.name, labels);
    column.rollup = rollupSlot;
    this.series.push(column);
    this.byKey.set(key, this.series.length - 1);
    this.fit();
    return this.series.length;
  }

  /** The column of a series fed by others (a rollup), made when first needed. */
  private column(name: string, labels: Record<string, string>): number {
    const key = keyHash(seriesKey(name, labels));
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    this.series.push(this.newSeries(name, labels));
    this.byKey.set(key, this.series.length - 1);
    this.fit();
    return this.series.length - 1;
  }

  /** Room in the per-column arrays for every column. */
  private fit(): void {
    this.chunks.fit(this.series.length);
    if (this.acc.length < this.series.length) {
      this.acc = grown(this.acc, this.acc.length * 2);
      this.touched = grown(this.touched, this.touched.length * 2);
      this.lastValues = grown(this.lastValues, this.lastValues.length * 2);
      this.widenRecent(this.recentStride * 2, (slot) => slot);
    }
  }

  private newSeries(name: string, labels: Record<string, string>): StoredSeries {
    return this.store.index.add<StoredSeries>({
      kind: 'series',
      metric: this.store.index.interner.id(name),
      labels: this.store.internPairs(labels),
      ...this.newColumn(GAUGES.has(name)),
    }) as StoredSeries;
  }

  /** A bucket, in its histogram (made with its first bucket) at its bound's place. */
  private newBucket(name: string, labels: Record<string, string>): Bucket {
    const { le = '', ...rest } = labels;
    const key = keyHash(seriesKey(name, rest));
    let histogram = this.histograms.get(key);
    if (!histogram) {
      histogram = this.store.index.add<StoredHistogram>({
        kind: 'histogram',
        metric: this.store.index.interner.id(name),
        labels: this.store.internPairs(rest),
        target: this,
        key,
        buckets: [],
        les: new Float64Array(0),
      });
      this.histograms.set(key, histogram);
    }
    const bound = leBound(le);
    const bucket: Bucket = {
      kind: 'bucket',
      histogram,
      leId: this.store.bounds.id(le),
      ...this.newColumn(false),
    };
    const { buckets, les } = histogram;
    let at = buckets.length;
    while (at > 0 && !((les[at - 1] as number) <= bound)) at--;
    buckets.splice(at, 0, bucket);
    histogram.les = this.boundsOf(buckets);
    return bucket;
  }

  /** Buckets' bounds as numbers, in their order (buckets come and go rarely: made anew each time). */
  private boundsOf(buckets: Bucket[]): Float64Array {
    return Float64Array.from(buckets, (b) => leBound(this.store.bounds.strings[b.leId] ?? ''));
  }

  private newColumn(gauge: boolean): Column {
    return {
      target: this,
      gauge,
      seenSeq: this.seq,
      firstSeq: this.seq,
      slot: this.series.length,
      rollup: -1,
    };
  }

  private grow(): void {
    this.raw = this.raw.rebuilt(this.raw.capacity * 2, (i) => this.raw.ref[i] as number);
  }

  /** Writes this scrape's value of every reduced series of the target. */
  private commit(t: number): void {
    const seq = this.seq;
    this.times[seq % this.capacity] = t;
    const row = (seq % RECENT) * this.recentStride;
    const last = this.lastValues;
    const chunks = this.chunks;
    chunks.begin(seq);
    for (let idx = 0; idx < this.series.length; idx++) {
      const s = this.series[idx] as Stored;
      let value: number;
      if (this.touched[idx]) {
        s.seenSeq = seq;
        value =
          s.gauge || idx >= this.freshFrom
            ? (this.acc[idx] as number)
            : (last[idx] as number) + (this.acc[idx] as number);
      } else {
        value = s.gauge ? Number.NaN : (last[idx] as number);
      }
      chunks.append(idx, seq, value, last[idx] as number);
      this.recent[row + idx] = value;
      if (!Number.isNaN(value)) last[idx] = value;
      this.acc[idx] = 0;
      this.touched[idx] = 0;
    }
    this.seq++;
    this.lastScrape = t;
    // Raw series gone for a scrape are resolved again if they return; drop them from the table.
    if (this.raw.capacity > 64 && this.raw.used > 4 * this.liveRaw() + 64) {
      this.raw = this.raw.rebuilt(nextPow2(this.liveRaw() * 2), (i) =>
        this.raw.seen[i] === seq ? (this.raw.ref[i] as number) : -2,
      );
    }
  }

  private liveRaw(): number {
    let n = 0;
    const seq = this.seq - 1;
    for (let i = 0; i < this.raw.capacity; i++)
      if (this.raw.ref[i] !== EMPTY && this.raw.seen[i] === seq) n++;
    return n;
  }

  /** Oldest scrape still in the time ring. */
  get firstSeq(): number {
    return Math.max(0, this.seq - this.capacity);
  }

  /** Scrapes with time in (from, to], as a range of sequence numbers (empty when first > last). */
  seqRange(from: number, to: number): [number, number] {
    const at = (k: number) => this.times[k % this.capacity] as number;
    // Every query asks this of every proxy, and the queries of one answer ask about the same
    // scrapes with times a few milliseconds apart: the last range, when it still holds, costs
    // four reads.
    const f = this.range[0];
    const l = this.range[1];
    if (
      this.rangeSeq === this.seq &&
      f <= l &&
      at(f) > from &&
      (f === this.firstSeq || at(f - 1) <= from) &&
      at(l) <= to &&
      (l === this.seq - 1 || at(l + 1) > to)
    )
      return this.range;
    this.range = this.searchRange(from, to);
    this.rangeSeq = this.seq;
    return this.range;
  }

  /** seqRange by two binary searches (scrape times only grow). */
  private searchRange(from: number, to: number): [number, number] {
    const at = (k: number) => this.times[k % this.capacity] as number;
    let lo = this.firstSeq;
    let hi = this.seq;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (at(mid) > to) hi = mid;
      else lo = mid + 1;
    }
    const last = lo - 1;
    if (last < this.firstSeq) return [1, 0];
    lo = this.firstSeq;
    hi = last + 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (at(mid) > from) hi = mid;
      else lo = mid + 1;
    }
    return [lo, last];
  }

  /**
   * Forgets chunks older than the time ring, and series no raw series has
   * fed for a whole ring (a counter's carried value says nothing any more),
   * and takes the target's figures. Done after each of its scrapes, a
   * target at a time: at 1,000 proxies all of them at once held the API's
   * thread for about 0.1 s every interval.
   */
  private compact(): void {
    this.forgetOld();
    this.tally = this.measure();
  }

  private measure(): TargetTally {
    const { samples, sampleBytes, bytes: chunkBytes } = this.chunks.tally();
    let bytes = chunkBytes + this.raw.capacity * 24 + this.capacity * 8 + this.recent.byteLength;
    for (const s of this.series)
      bytes +=
        s.kind === 'series' ? SERIES_OVERHEAD_BYTES + s.labels.byteLength : BUCKET_OVERHEAD_BYTES;
    for (const h of this.histograms.values())
      bytes += SERIES_OVERHEAD_BYTES + h.labels.byteLength + h.buckets.length * 8;
    return { series: this.series.length, samples, sampleBytes, bytes };
  }

  private forgetOld(): void {
    const oldest = this.firstSeq;
    const held = this.chunks.forget(oldest);
    let removed = false;
    for (const s of this.series) {
      if (s.firstSeq < held) s.firstSeq = held;
      if (s.seenSeq < oldest) removed = true;
    }
    if (!removed) return;
    const keep: number[] = [];
    const renumber = new Int32Array(this.series.length);
    this.series.forEach((s, i) => {
      if (s.seenSeq < oldest) {
        this.forget(s);
        renumber[i] = -2;
      } else {
        keep.push(i);
        renumber[i] = keep.length;
      }
    });
    const kept = keep.map((i) => this.series[i] as Stored);
    this.series.length = 0;
    this.series.push(...kept);
    this.chunks.keepOnly(keep);
    this.widenRecent(this.recentStride, (slot) =>
      slot < renumber.length ? (renumber[slot] as number) - 1 : -1,
    );
    // The kept columns' last values move to their new slots; the freed slots start at 0.
    const lastValues = new Float64Array(this.lastValues.length);
    keep.forEach((from, to) => (lastValues[to] = this.lastValues[from] as number));
    this.lastValues = lastValues;
    kept.forEach((s, i) => {
      s.slot = i;
      // A rollup outlives none of the columns feeding it: they keep it seen.
      if (s.rollup >= 0) s.rollup = (renumber[s.rollup] as number) - 1;
    });
    this.byKey.clear();
    // Keys are rebuilt from the index's strings.
    this.series.forEach((s, i) => {
      const entry = s.kind === 'bucket' ? s.histogram : s;
      const labels = this.store.labelsOf(entry);
      if (s.kind === 'bucket') labels.le = this.store.bounds.strings[s.leId] ?? '';
      this.byKey.set(keyHash(seriesKey(this.store.labelValue(entry.metric), labels)), i);
    });
    this.raw = this.raw.rebuilt(this.raw.capacity, (i) => {
      const ref = this.raw.ref[i] as number;
      return ref < 0 ? ref : (renumber[ref - 1] as number);
    });
  }

  /** Rows of `stride` columns for the recent values, each column moved to `slotOf(slot)` (< 0: dropped). */
  private widenRecent(stride: number, slotOf: (slot: number) => number): void {
    const recent = new Float64Array(stride * RECENT);
    const old = this.recentStride;
    for (let slot = 0; slot < old; slot++) {
      const to = slotOf(slot);
      if (to < 0) continue;
      for (let r = 0; r < RECENT; r++)
        recent[r * stride + to] = this.recent[r * old + slot] as number;
    }
    this.recent = recent;
    this.recentStride = stride;
  }

  /** Takes a column out of the index (a bucket: out of its histogram, and the histogram with its last bucket). */
  private forget(s: Stored): void {
    if (s.kind === 'series') {
      this.store.index.remove(s);
      return;
    }
    const h = s.histogram;
    h.buckets.splice(h.buckets.indexOf(s), 1);
    h.les = this.boundsOf(h.buckets);
    if (h.buckets.length === 0) {
      this.store.index.remove(h);
      this.histograms.delete(h.key);
    }
  }

  dropAll(): void {
    for (const s of this.series) if (s.kind === 'series') this.store.index.remove(s);
    for (const h of this.histograms.values()) this.store.index.remove(h);
  }
}

interface TargetTally {
  series: number;
  samples: number;
  /** Of the samples' chunks (their encoded bytes). */
  sampleBytes: number;
  /** All it holds, about: samples, series overhead, raw-series table and recent values. */
  bytes: number;
}

/**
 * What a reduced series costs besides its samples and the typed arrays
 * counted above: its object, label array, posting-list entries and key.
 * Measured on a 100-workload synthetic mesh (103 proxies, 30 scrapes): the
 * heap and array buffers after a full collection, less what `measure` counts
 * besides these, over the columns. With its proxies' histogram buckets left
 * out (8,847 series) that is about 770 bytes a series.
 */
const SERIES_OVERHEAD_BYTES = 770;

/**
 * What a histogram's bucket costs besides its samples: its object, key and
 * share of its histogram (no labels or postings of its own). The same
 * measurement with the buckets (14,773 of them) gives about 225 bytes.
 */
const BUCKET_OVERHEAD_BYTES = 225;

/** A 53-bit hash of a series key: a collision among one proxy's few thousand series is about 1 in 10^9. */
function keyHash(key: string): number {
  const [h1, h2] = hashString(key);
  return (h1 >>> 0) * 2 ** 21 + (h2 >>> 11);
}

/** The scanner's hash, over a string's UTF-8 bytes (series given parsed, and new reduced series). */
function hashString(s: string): [number, number] {
  const bytes = Buffer.from(s, 'utf8');
  return hashBytes(bytes, 0, bytes.length);
}

/** The sample at `seq` of a column (NaN when it has none). */
function valueAt(s: Column, seq: number): number {
  return s.target.chunks.valueAt(s.slot, seq);
}

/**
 * A column's samples at the ends of its target's current window (set by
 * `windowEnds`), into `ends`; false when it has none there.
 */
function readEnds(s: Column, capacity: number, ends: WindowEnds): boolean {
  const target = s.target;
  const last = target.windowLast;
  const first = Math.max(target.windowFirst, s.firstSeq);
  if (first > last) return false;
  const ring = target.times;
  if (!s.gauge) {
    // Counters have a sample at every scrape of their proxy.
    ends.n = last - first + 1;
    ends.firstT = ring[first % capacity] as number;
    ends.lastT = ring[last % capacity] as number;
    if (first >= target.seq - RECENT) {
      const stride = target.recentStride;
      ends.firstV = target.recent[(first % RECENT) * stride + s.slot] as number;
      ends.lastV = target.recent[(last % RECENT) * stride + s.slot] as number;
    } else {
      ends.firstV = valueAt(s, first);
      ends.lastV =
        last === target.seq - 1 ? (target.lastValues[s.slot] as number) : valueAt(s, last);
    }
    return true;
  }
  ends.n = 0;
  target.chunks.read(s.slot, first, last, (seq, v) => {
    if (ends.n++ === 0) {
      ends.firstT = ring[seq % capacity] as number;
      ends.firstV = v;
    }
    ends.lastT = ring[seq % capacity] as number;
    ends.lastV = v;
  });
  return ends.n > 0;
}

/**
 * Matchers the index answers, and one test of the `le` matchers: a bucket's
 * `le` is not among its histogram's indexed labels.
 */
function splitLe(matchers: Matcher[]): [Matcher[], ((le: string) => boolean) | undefined] {
  const onLe = matchers.filter((m) => m.label === 'le');
  if (onLe.length === 0) return [matchers, undefined];
  const tests = onLe.map(accepts);
  return [matchers.filter((m) => m.label !== 'le'), (le) => tests.every((t) => t(le))];
}

/** Series summed together: the labels they keep, and the caller's running figures. */
export interface Group {
  labels: Record<string, string>;
  /** Series that contributed. */
  count: number;
  value: number;
  /** A histogram's running sums per bucket bound (`le`), for the query to fill. */
  buckets: BucketRun | undefined;
}

/** A series' samples at the ends of a window: first and last present ones, and how many. */
export interface WindowEnds {
  firstT: number;
  firstV: number;
  lastT: number;
  lastV: number;
  n: number;
  /** A histogram bucket's bound (NaN for other series): set by `windowEnds`. */
  le: number;
  /** How many buckets the bucket's histogram series has (0 for other series). */
  buckets: number;
  /** Scratch for the rate the reader computes from these ends. */
  rate: number;
}

interface GroupEntry {
  ids: Int32Array;
  number: number;
  next: GroupEntry | undefined;
}

/**
 * The groups of one metric's series by some kept labels, found by the value
 * ids of those labels without a string per series (a 32-bit hash of the ids,
 * the ids compared on a hit). Kept across queries, with each series' group
 * number: a series' labels never change, so after the first query its group
 * is read from an array rather than looked up.
 */
class Grouping {
  private readonly byHash = new Map<number, GroupEntry>();
  /** Per group number, its kept labels. */
  readonly labels: Record<string, string>[] = [];
  /** Per series id, its group number + 1 (0: not known yet). */
  private known = new Int32Array(0);
  lastUsed = 0;

  constructor(
    /** The index's generation it was made in (series ids and value ids are valid in it only). */
    readonly generation: number,
    private readonly names: string[],
    private readonly strings: string[],
  ) {}

  /** The number of the group of these kept values' ids (-1: no label). */
  number(ids: Int32Array): number {
    let h = 0x9e3779b9 | 0;
    for (let k = 0; k < ids.length; k++) {
      h = Math.imul(h ^ (ids[k] as number), 0x85ebca6b);
      h ^= h >>> 13;
    }
    const head = this.byHash.get(h);
    for (let e = head; e; e = e.next) {
      let same = true;
      for (let k = 0; k < ids.length && same; k++) same = e.ids[k] === ids[k];
      if (same) return e.number;
    }
    const labels: Record<string, string> = {};
    for (let k = 0; k < ids.length; k++) {
      const v = ids[k] as number;
      if (v >= 0) labels[this.names[k] as string] = this.strings[v] ?? '';
    }
    const number = this.labels.length;
    // Answers hand these out as their samples' labels, to every caller of every query.
    this.labels.push(Object.freeze(labels));
    this.byHash.set(h, { ids: ids.slice(), number, next: head });
    return number;
  }

  /** A series' group number, when found before (else -1). */
  numberOf(seriesId: number): number {
    return seriesId < this.known.length ? (this.known[seriesId] as number) - 1 : -1;
  }

  remember(seriesId: number, number: number): void {
    if (seriesId >= this.known.length) {
      const known = new Int32Array(Math.max(1024, seriesId + (seriesId >> 2) + 1));
      known.set(this.known);
      this.known = known;
    }
    this.known[seriesId] = number + 1;
  }

  /** Bytes it holds (for the store's figures). */
  bytes(): number {
    return this.known.byteLength + this.labels.length * 200;
  }
}

/** Groupings kept for the queries asked most recently (each costs 4 bytes a series). */
const MAX_GROUPINGS = 64;

export interface SeriesView {
  labels: Record<string, string>;
  times: number[];
  values: number[];
  /** With `keep`: the kept labels' values as one string, the series' group for `sum by (keep)`. */
  group?: string;
}

export interface StoreStats {
  targets: number;
  series: number;
  /** Samples held. */
  samples: number;
  /** Bytes the store holds now: samples, series, raw-series tables, time rings. */
  bytes: number;
  /** Encoded bytes per sample so far. */
  bytesPerSample: number;
  /** Bytes once every series holds the whole retention, at today's series count and encoding. */
  projectedBytes: number;
}

/** All targets' samples, with retention. */
export class SampleStore {
  private readonly targets = new Map<string, TargetStore>();
  readonly index = new SeriesIndex<Indexed>();
  /**
   * Bucket bounds (`le`) as their series carry them. Never renumbered, unlike the index's
   * strings: only the kept histogram families have buckets, and their bounds are fixed.
   */
  readonly bounds = new Interner();
  private windowQueries = 0;
  private readonly groupings = new Map<string, Grouping>();

  constructor(
    private readonly capacity: number,
    private readonly retentionSeconds: number,
  ) {}

  private target(key: string, labels: Record<string, string>): TargetStore {
    let store = this.targets.get(key);
    if (!store) {
      store = new TargetStore(this, this.capacity, labels);
      this.targets.set(key, store);
    }
    store.setLabels(labels);
    return store;
  }

  /** One scrape's body, as the proxy wrote it. */
  ingestText(
    target: string,
    targetLabels: Record<string, string>,
    t: number,
    body: Uint8Array,
  ): void {
    this.target(target, targetLabels).ingestText(t, body);
  }

  /** One scrape, already parsed. */
  ingest(
    target: string,
    targetLabels: Record<string, string>,
    t: number,
    samples: ParsedSample[],
  ): void {
    this.target(target, targetLabels).ingestSamples(t, samples);
  }

  /**
   * Drops targets whose last scrape is older than the retention. (Samples
   * older than a target's ring go at each of its scrapes.)
   */
  expire(now: number): void {
    for (const [key, t] of this.targets) {
      if (now - t.lastScrape > this.retentionSeconds) {
        t.dropAll();
        this.targets.delete(key);
      }
    }
  }

  /**
   * Samples of matching series with time in (from, to]. `keep` limits the
   * labels returned to those the caller groups by.
   */
  select(
    metric: string,
    matchers: Matcher[],
    from: number,
    to: number,
    keep?: string[],
  ): SeriesView[] {
    const strings = this.index.interner.strings;
    const keepIds = keep?.map((l) => [l, this.index.interner.lookup(l) ?? -1] as const);
    const ranges = new Map<TargetStore, [number, number]>();
    const groupLabels = new Map<string, Record<string, string>>();
    const out: SeriesView[] = [];
    const [indexed, onLe] = splitLe(matchers);
    const emit = (s: Column, pairs: Int32Array, le: string | undefined) => {
      if (onLe && !onLe(le ?? '')) return;
      let range = ranges.get(s.target);
      if (!range) ranges.set(s.target, (range = s.target.seqRange(from, to)));
      const first = range[0];
      const last = range[1];
      if (first > last) return;
      const times: number[] = [];
      const values: number[] = [];
      const ring = s.target.times;
      s.target.chunks.read(s.slot, first, last, (seq, v) => {
        times.push(ring[seq % this.capacity] as number);
        values.push(v);
      });
      if (values.length === 0) return;
      // A bucket's `le` is its own; every other label is its histogram's.
      const valueOf = (name: string, id: number): string | undefined => {
        if (name === 'le' && le !== undefined) return le;
        const v = id < 0 ? -1 : labelValueId(pairs, id);
        return v < 0 ? undefined : strings[v];
      };
      if (keepIds) {
        // Series of one group share one labels object.
        let group = '';
        for (const [name, id] of keepIds) {
          const v = valueOf(name, id);
          // As in PromQL, an empty value is the same as no label.
          group += v === undefined || v === '' ? '\u0000' : `${v.length}:${v}\u0000`;
        }
        let labels = groupLabels.get(group);
        if (!labels) {
          labels = {};
          for (const [name, id] of keepIds) {
            const v = valueOf(name, id);
            if (v !== undefined && v !== '') labels[name] = v;
          }
          groupLabels.set(group, labels);
        }
        out.push({ labels, times, values, group });
        return;
      }
      const labels: Record<string, string> = {};
      for (let k = 0; k < pairs.length; k += 2)
        labels[strings[pairs[k] as number] ?? ''] = strings[pairs[k + 1] as number] ?? '';
      if (le !== undefined) labels.le = le;
      out.push({ labels, times, values });
    };
    for (const s of this.index.select(metric, indexed)) {
      if (s.kind === 'histogram')
        for (const b of s.buckets) emit(b, s.labels, this.bounds.strings[b.leId] ?? '');
      else emit(s, s.labels, undefined);
    }
    return out;
  }

  /**
   * For each series matching, its samples at the ends of the window (from,
   * to], given to `visit` with the series' group by `keep` (and, for a
   * histogram's bucket, its bound in `ends.le`). Nothing is decoded
   * but the window's two ends, and nothing is allocated per series: the
   * whole-mesh answers (graph, namespaces) read a couple of hundred thousand
   * series this way. A histogram's buckets share one group lookup.
   */
  windowEnds(
    metric: string,
    matchers: Matcher[],
    from: number,
    to: number,
    keep: string[],
    visit: (group: Group, ends: WindowEnds) => void,
  ): Group[] {
    const interner = this.index.interner;
    const empty = interner.lookup('') ?? -1;
    const [indexed, onLe] = splitLe(matchers);
    // Labels to read, in name-id order so one pass over a series' sorted pairs finds them all.
    const wanted = keep
      .map((name, slot) => ({ id: interner.lookup(name) ?? -1, slot }))
      .filter((w) => w.id >= 0)
      .sort((a, b) => a.id - b.id);
    const wantedIds = Int32Array.from(wanted, (w) => w.id);
    const wantedSlots = Int32Array.from(wanted, (w) => w.slot);
    // Grouping by `le` (not what quantiles do, but allowed): each bucket finds its own group.
    const leSlot = keep.indexOf('le');
    const ids = new Int32Array(keep.length);
    const grouping = this.grouping(metric, keep);
    // This query's sums, by group number.
    const byNumber: (Group | undefined)[] = [];
    const groups: Group[] = [];
    const groupNumbered = (n: number): Group => {
      let group = byNumber[n];
      if (!group) {
        // The grouping's labels themselves, frozen: a copy per group per query was most of
        // what a whole-mesh query allocated.
        group = { labels: grouping.labels[n] ?? {}, count: 0, value: 0, buckets: undefined };
        byNumber[n] = group;
        groups.push(group);
      }
      return group;
    };
    const groupOf = (s: Indexed): Group => {
      let n = grouping.numberOf(s.id);
      if (n < 0) {
        readIds(s.labels);
        n = grouping.number(ids);
        grouping.remember(s.id, n);
      }
      return groupNumbered(n);
    };
    const ends: WindowEnds = {
      firstT: 0,
      firstV: 0,
      lastT: 0,
      lastV: 0,
      n: 0,
      le: Number.NaN,
      buckets: 0,
      rate: 0,
    };
    const query = ++this.windowQueries;
    const capacity = this.capacity;
    const bounds = this.bounds.strings;
    /** Sets `ids` to a series' values of the kept labels. */
    const readIds = (pairs: Int32Array): void => {
      ids.fill(-1);
      for (let k = 0, w = 0; k < pairs.length && w < wantedIds.length;) {
        const name = pairs[k] as number;
        const want = wantedIds[w] as number;
        if (name < want) k += 2;
        else if (name > want) w++;
        else {
          const v = pairs[k + 1] as number;
          // As in PromQL, an empty value is the same as no label.
          ids[wantedSlots[w] as number] = v === empty ? -1 : v;
          k += 2;
          w++;
        }
      }
    };
    this.index.forEach(metric, indexed, (s) => {
      const target = s.target;
      if (target.windowQuery !== query) {
        // Read by index: a destructuring would make an iterator per proxy per query.
        const range = target.seqRange(from, to);
        target.windowFirst = range[0];
        target.windowLast = range[1];
        target.windowQuery = query;
      }
      if (target.windowFirst > target.windowLast) return;
      if (s.kind === 'series') {
        if (onLe && !onLe('')) return;
        if (!readEnds(s, capacity, ends)) return;
        ends.le = Number.NaN;
        ends.buckets = 0;
        visit(groupOf(s), ends);
        return;
      }
      let group: Group | undefined;
      const buckets = s.buckets;
      const les = s.les;
      for (let k = 0; k < buckets.length; k++) {
        const b = buckets[k] as Bucket;
        if (onLe && !onLe(bounds[b.leId] ?? '')) continue;
        if (!readEnds(b, capacity, ends)) continue;
        if (leSlot >= 0) {
          readIds(s.labels);
          ids[leSlot] = interner.id(bounds[b.leId] ?? '');
          group = groupNumbered(grouping.number(ids));
        } else group ??= groupOf(s);
        // The bound goes in `ends`, a number written in place: as an argument to a call that
        // is not inlined it would be boxed, an allocation per bucket.
        ends.le = les[k] as number;
        ends.buckets = buckets.length;
        visit(group, ends);
      }
    });
    return groups;
  }

  /** The grouping of `metric` by `keep`, kept from earlier queries unless the index renumbered since. */
  private grouping(metric: string, keep: string[]): Grouping {
    const key = `${metric}\u0000${keep.join('\u0000')}`;
    let g = this.groupings.get(key);
    if (!g || g.generation !== this.index.generation) {
      if (!g && this.groupings.size >= MAX_GROUPINGS) {
        let oldest: string | undefined;
        let at = Infinity;
        for (const [k, other] of this.groupings)
          if (other.lastUsed < at) [oldest, at] = [k, other.lastUsed];
        if (oldest !== undefined) this.groupings.delete(oldest);
      }
      g = new Grouping(this.index.generation, keep, this.index.interner.strings);
      this.groupings.set(key, g);
    }
    g.lastUsed = this.windowQueries;
    return g;
  }

  /** An interned label value by id. */
  labelValue(id: number): string {
    return this.index.interner.strings[id] ?? '';
  }

  /** Labels as interned [name, value] pairs, sorted by name id. */
  internPairs(labels: Record<string, string>): Int32Array {
    const interner = this.index.interner;
    const pairs = new Int32Array(Object.keys(labels).length * 2);
    let k = 0;
    for (const [name, value] of Object.entries(labels)) {
      pairs[k++] = interner.id(name);
      pairs[k++] = interner.id(value);
    }
    return sortPairs(pairs);
  }

  /** An indexed entry's labels as strings. */
  labelsOf(entry: Indexed): Record<string, string> {
    const strings = this.index.interner.strings;
    const labels: Record<string, string> = {};
    for (let k = 0; k < entry.labels.length; k += 2)
      labels[strings[entry.labels[k] as number] ?? ''] =
        strings[entry.labels[k + 1] as number] ?? '';
    return labels;
  }

  /** What the store holds, for /metrics and the startup estimate. */
  stats(): StoreStats {
    let series = 0;
    let samples = 0;
    let bytes = 0;
    let sampleBytes = 0;
    // Each target's figures as of its last scrape: a sum over targets, not a walk of every series.
    for (const t of this.targets.values()) {
      series += t.tally.series;
      samples += t.tally.samples;
      sampleBytes += t.tally.sampleBytes;
      bytes += t.tally.bytes;
    }
    for (const g of this.groupings.values()) bytes += g.bytes();
    const bytesPerSample = samples > 0 ? sampleBytes / samples : 0;
    return {
      targets: this.targets.size,
      series,
      samples,
      bytes,
      bytesPerSample,
      projectedBytes: bytes - sampleBytes + series * this.capacity * bytesPerSample,
    };
  }

  /** Samples each series keeps at the configured retention. */
  get samplesPerSeries(): number {
    return this.capacity;
  }
}
