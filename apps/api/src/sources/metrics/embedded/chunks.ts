/**
 * Sample compression for the embedded store. A series keeps one value per
 * scrape of its proxy (times live once per proxy, not per series), so only
 * values are encoded: each as the difference from the previous value, when
 * both are integers (proxy counters and gauges almost always are), as a
 * zig-zag varint. A counter that did not move costs one byte, a typical
 * increase one or two; anything else (fractions, huge values) is written raw
 * with a one-byte tag, and a missing gauge sample is one byte.
 *
 * Measured on the synthetic mesh: about 1.2 bytes a sample, against 8 for a
 * Float64Array and about 1.3 for Prometheus's head chunks (delta-of-delta
 * times plus XOR values; `bench/engines.ts` prints the figure).
 */

const TAG_DELTA = 0;
const TAG_MISSING = 1;
const TAG_RAW = 2;
/** Deltas must keep `zigzag * 4 + tag` exact in a double. */
const MAX_DELTA = 2 ** 49;

/** Samples per chunk: 20 minutes at the default 10 s interval. */
export const SAMPLES_PER_CHUNK = 120;
/** Samples between read marks: 4 minutes at 10 s. */
const MARK_EVERY = 24;
/** A column's read marks in one chunk, each a byte offset and the delta base there: at samples 24, 48, 72 and 96. */
const MARK_FIELDS = (SAMPLES_PER_CHUNK / MARK_EVERY - 1) * 2;
/** Per column in a sealed chunk: its bytes' start and length, and its first scrape (-1: none). */
const INDEX_FIELDS = 3;

const scratch = new DataView(new ArrayBuffer(8));
/** Where a decode stands (reads are synchronous, so one serves every read). */
const cursor = { pos: 0, last: 0, seq: 0 };

/**
 * One column's run of samples inside a chunk, as a read needs it: set by
 * `ChunkedColumns` before each decode, so no object is made per read.
 */
const run: {
  data: Uint8Array;
  start: number;
  marks: Float64Array;
  marksAt: number;
  first: number;
  count: number;
} = {
  data: new Uint8Array(0),
  /** Byte offset of the run's first sample, and of the column's marks in `marks`. */
  start: 0,
  marks: new Float64Array(0),
  marksAt: 0,
  /** First scrape, and samples in the run. */
  first: 0,
  count: 0,
};

/** The chunk of every column of a target over one period of scrapes, sealed: it will not grow again. */
interface Sealed {
  /** The period's first scrape, and one past its last. */
  firstSeq: number;
  endSeq: number;
  /** Every column's bytes, one after the other. */
  data: Uint8Array;
  /** Per slot, INDEX_FIELDS numbers (see there). */
  index: Int32Array;
  /** Per slot, MARK_FIELDS numbers. */
  marks: Float64Array;
  /** Columns it has a place for. */
  columns: number;
  samples: number;
}

/**
 * The samples of one target's columns (a column: a reduced series or a
 * histogram bucket, by its slot), in chunks of SAMPLES_PER_CHUNK scrapes
 * that every column of the target starts and seals together.
 *
 * Nothing here is an object per column: the chunk being written keeps every
 * column's bytes in one buffer and its figures in typed arrays by slot, and
 * a sealed chunk is one buffer and two arrays for all of the target's
 * columns. A full collection marks every heap object; with an object, a
 * byte array and an array of marks per column per chunk those were millions
 * at 1,000 workloads, and each full collection spent 125 to 260 ms marking
 * them on the API's thread while answers waited.
 *
 * A value is encoded as its difference from the column's last present one
 * (the writer passes it in, so no chunk holds a number of its own), or from
 * 0 until the chunk holds a present value.
 */
export class ChunkedColumns {
  /** Sealed chunks, oldest first. */
  private readonly sealed: Sealed[] = [];
  /** The chunk being written: the first scrape of its period, and one past the last written. */
  private headFirst = 0;
  private end = 0;
  /** Columns in use (slots 0 to columns - 1). */
  private columns = 0;
  /** The head's bytes: each column's in a region of its own, moved to the end when it fills. */
  private data = new Uint8Array(256);
  private used = 0;
  private starts = new Int32Array(16);
  private caps = new Int32Array(16);
  private lengths = new Int32Array(16);
  /** The first scrape a column wrote in the head (-1: none yet). */
  private firsts = new Int32Array(16).fill(-1);
  /** Whether it has written a present value in the head (its deltas are then from the last one). */
  private based = new Uint8Array(16);
  private marks = new Float64Array(16 * MARK_FIELDS);

  /** Room for `columns` columns, slots 0 to columns - 1. */
  fit(columns: number): void {
    this.columns = columns;
    if (columns <= this.starts.length) return;
    const n = Math.max(columns, this.starts.length * 2);
    this.starts = grown(this.starts, n);
    this.caps = grown(this.caps, n);
    this.lengths = grown(this.lengths, n);
    this.firsts = grown(this.firsts, n, -1);
    this.based = grown(this.based, n);
    this.marks = grown(this.marks, n * MARK_FIELDS);
  }

  /** Before writing scrape `seq`: seals the head when its period is over. */
  begin(seq: number): void {
    if (seq - this.headFirst >= SAMPLES_PER_CHUNK) this.seal(seq);
    this.end = seq + 1;
  }

  /**
   * Writes a column's sample at scrape `seq`, the one `begin` was called
   * for (NaN: missing). `previous` is the last present value its writer
   * gave this column, in this chunk or before it.
   */
  append(slot: number, seq: number, value: number, previous: number): void {
    let first = this.firsts[slot] as number;
    if (first < 0) this.firsts[slot] = first = seq;
    const count = seq - first;
    if ((this.lengths[slot] as number) + 10 > (this.caps[slot] as number)) this.reserve(slot, 10);
    const length = this.lengths[slot] as number;
    const base = this.based[slot] ? previous : 0;
    if (count > 0 && count % MARK_EVERY === 0) {
      const m = slot * MARK_FIELDS + (count / MARK_EVERY - 1) * 2;
      this.marks[m] = length;
      this.marks[m + 1] = base;
    }
    const start = this.starts[slot] as number;
    this.lengths[slot] = encode(this.data, start + length, value, base) - start;
    if (!Number.isNaN(value)) this.based[slot] = 1;
  }

  /**
   * Calls `emit(seq, value)` for a column's samples with seq in [from, to]
   * that are present (missing gauge samples are skipped).
   */
  read(slot: number, from: number, to: number, emit: (seq: number, value: number) => void): void {
    for (const s of this.sealed) {
      if (s.endSeq <= from) continue;
      if (s.firstSeq > to) return;
      if (this.sealedRun(s, slot)) decodeRun(from, to, emit);
    }
    if (this.headRun(slot)) decodeRun(from, to, emit);
  }

  /** A column's sample at `seq` (NaN when missing or not held), decoded from the nearest mark. */
  valueAt(slot: number, seq: number): number {
    let found = false;
    for (const s of this.sealed)
      if (seq >= s.firstSeq && seq < s.endSeq) {
        found = this.sealedRun(s, slot);
        break;
      }
    if (!found && !(seq >= this.headFirst && this.headRun(slot))) return Number.NaN;
    if (seq < run.first || seq >= run.first + run.count) return Number.NaN;
    let value = Number.NaN;
    for (seek(seq); cursor.seq <= seq; cursor.seq++) value = next();
    return value;
  }

  /** Forgets sealed chunks wholly before scrape `seq`; the oldest scrape still held. */
  forget(seq: number): number {
    while ((this.sealed[0]?.endSeq ?? Infinity) <= seq) this.sealed.shift();
    return this.sealed[0]?.firstSeq ?? this.headFirst;
  }

  /** Keeps only the columns at slots `keep`, moved to slots 0, 1, ... in that order. */
  keepOnly(keep: number[]): void {
    for (const s of this.sealed) {
      s.index = moved(s.index, INDEX_FIELDS, keep, s.columns);
      // A column made after the chunk was sealed has no samples in it.
      keep.forEach((from, to) => {
        if (from >= s.columns) s.index[to * INDEX_FIELDS + 2] = -1;
      });
      s.marks = moved(s.marks, MARK_FIELDS, keep, s.columns);
      s.columns = keep.length;
      s.samples = samplesOf(s);
    }
    this.starts = moved(this.starts, 1, keep);
    this.caps = moved(this.caps, 1, keep);
    this.lengths = moved(this.lengths, 1, keep);
    this.firsts = moved(this.firsts, 1, keep);
    this.firsts.fill(-1, keep.length);
    this.based = moved(this.based, 1, keep);
    this.marks = moved(this.marks, MARK_FIELDS, keep);
    this.columns = keep.length;
  }

  /** Samples held, their encoded bytes, and all the bytes held for them. */
  tally(): { samples: number; sampleBytes: number; bytes: number } {
    let samples = 0;
    let sampleBytes = 0;
    let bytes = this.data.byteLength + this.starts.length * (4 * 4 + 1 + 8 * MARK_FIELDS);
    for (const s of this.sealed) {
      samples += s.samples;
      sampleBytes += s.data.byteLength;
      bytes += s.data.byteLength + s.index.byteLength + s.marks.byteLength;
    }
    for (let slot = 0; slot < this.columns; slot++) {
      const first = this.firsts[slot] as number;
      if (first < 0) continue;
      samples += this.end - first;
      sampleBytes += this.lengths[slot] as number;
    }
    return { samples, sampleBytes, bytes };
  }

  /** Points `run` at a column's samples in a sealed chunk; false when it has none there. */
  private sealedRun(s: Sealed, slot: number): boolean {
    if (slot >= s.columns) return false;
    const first = s.index[slot * INDEX_FIELDS + 2] as number;
    if (first < 0) return false;
    run.data = s.data;
    run.start = s.index[slot * INDEX_FIELDS] as number;
    run.marks = s.marks;
    run.marksAt = slot * MARK_FIELDS;
    run.first = first;
    run.count = s.endSeq - first;
    return true;
  }

  /** Points `run` at a column's samples in the head; false when it has none there. */
  private headRun(slot: number): boolean {
    const first = slot < this.columns ? (this.firsts[slot] as number) : -1;
    if (first < 0) return false;
    run.data = this.data;
    run.start = this.starts[slot] as number;
    run.marks = this.marks;
    run.marksAt = slot * MARK_FIELDS;
    run.first = first;
    run.count = this.end - first;
    return true;
  }

  /**
   * Room for `n` more bytes in a column's region: a larger one at the end,
   * or, when there is no room there, the buffer packed anew, its moved-out
   * regions dropped and half as much again left free.
   */
  private reserve(slot: number, n: number): void {
    const cap = Math.max((this.caps[slot] as number) * 2, (this.lengths[slot] as number) + n, 16);
    if (this.used + cap > this.data.length) {
      this.caps[slot] = cap;
      this.pack(1.5);
      return;
    }
    const start = this.starts[slot] as number;
    this.data.copyWithin(this.used, start, start + (this.lengths[slot] as number));
    this.starts[slot] = this.used;
    this.caps[slot] = cap;
    this.used += cap;
  }

  /** Copies every column's region, at its capacity, into a new buffer `room` times what they take. */
  private pack(room: number): void {
    let total = 0;
    for (let slot = 0; slot < this.columns; slot++) total += this.caps[slot] as number;
    const data = new Uint8Array(Math.max(Math.ceil(total * room), 256));
    let at = 0;
    for (let slot = 0; slot < this.columns; slot++) {
      const start = this.starts[slot] as number;
      data.set(this.data.subarray(start, start + (this.lengths[slot] as number)), at);
      this.starts[slot] = at;
      at += this.caps[slot] as number;
    }
    this.data = data;
    this.used = at;
  }

  /**
   * Seals the head into one buffer, each column's bytes at their size, and
   * starts the next period at scrape `seq` with each column's region as
   * large as its last chunk and a little more, so that it rarely moves.
   */
  private seal(seq: number): void {
    const n = this.columns;
    let size = 0;
    let held = false;
    for (let slot = 0; slot < n; slot++) {
      size += this.lengths[slot] as number;
      if ((this.firsts[slot] as number) >= 0) held = true;
    }
    if (held) {
      const data = new Uint8Array(size);
      const index = new Int32Array(n * INDEX_FIELDS);
      let at = 0;
      for (let slot = 0; slot < n; slot++) {
        const start = this.starts[slot] as number;
        const length = this.lengths[slot] as number;
        data.set(this.data.subarray(start, start + length), at);
        index[slot * INDEX_FIELDS] = at;
        index[slot * INDEX_FIELDS + 1] = length;
        index[slot * INDEX_FIELDS + 2] = this.firsts[slot] as number;
        at += length;
      }
      const s: Sealed = {
        firstSeq: this.headFirst,
        endSeq: seq,
        data,
        index,
        marks: this.marks.slice(0, n * MARK_FIELDS),
        columns: n,
        samples: 0,
      };
      s.samples = samplesOf(s);
      this.sealed.push(s);
    }
    for (let slot = 0; slot < n; slot++) {
      this.caps[slot] = (this.lengths[slot] as number) + 8;
      this.lengths[slot] = 0;
    }
    this.firsts.fill(-1);
    this.based.fill(0);
    // A quarter more, for the columns whose chunk grows past its last one.
    this.pack(1.25);
    this.headFirst = seq;
  }
}

/** Samples a sealed chunk holds. */
function samplesOf(s: Sealed): number {
  let samples = 0;
  for (let slot = 0; slot < s.columns; slot++) {
    const first = s.index[slot * INDEX_FIELDS + 2] as number;
    if (first >= 0) samples += s.endSeq - first;
  }
  return samples;
}

/**
 * A per-column array (`fields` numbers a column) with the columns at slots
 * `keep` moved to slots 0, 1, ...; only slots below `held` are copied.
 */
function moved<T extends Int32Array | Float64Array | Uint8Array>(
  a: T,
  fields: number,
  keep: number[],
  held = Infinity,
): T {
  const out = new (a.constructor as new (length: number) => T)(a.length);
  keep.forEach((from, to) => {
    if (from < held) out.set(a.subarray(from * fields, (from + 1) * fields), to * fields);
  });
  return out;
}

/** A copy of a per-column array with room for `n` columns' fields, the new ones `fill`. */
export function grown<T extends Int32Array | Float64Array | Uint8Array>(
  a: T,
  n: number,
  fill = 0,
): T {
  const out = new (a.constructor as new (length: number) => T)(n);
  out.set(a);
  if (fill !== 0) out.fill(fill, a.length);
  return out;
}

/** Encodes `value` (NaN: missing) at `pos`, against `base`; the position after it. */
function encode(data: Uint8Array, pos: number, value: number, base: number): number {
  if (Number.isNaN(value)) return writeVarint(data, pos, TAG_MISSING);
  const delta = value - base;
  if (
    Number.isInteger(value) &&
    Number.isInteger(base) &&
    Number.isSafeInteger(delta) &&
    Math.abs(delta) < MAX_DELTA
  ) {
    const zigzag = delta >= 0 ? delta * 2 : -delta * 2 - 1;
    return writeVarint(data, pos, zigzag * 4 + TAG_DELTA);
  }
  pos = writeVarint(data, pos, TAG_RAW);
  scratch.setFloat64(0, value);
  for (let k = 0; k < 8; k++) data[pos++] = scratch.getUint8(k);
  return pos;
}

function writeVarint(data: Uint8Array, pos: number, v: number): number {
  while (v >= 0x80) {
    data[pos++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  data[pos++] = v;
  return pos;
}

/** Emits `run`'s present samples with seq in [from, to]. */
function decodeRun(from: number, to: number, emit: (seq: number, value: number) => void): void {
  const end = Math.min(to, run.first + run.count - 1);
  if (end < from) return;
  for (seek(from); cursor.seq <= end; cursor.seq++) {
    const value = next();
    if (cursor.seq >= from && !Number.isNaN(value)) emit(cursor.seq, value);
  }
}

/** Points the cursor at `run`'s last read mark at or before `seq`. */
function seek(seq: number): void {
  const written = Math.floor((run.count - 1) / MARK_EVERY);
  const mark = Math.min(Math.floor(Math.max(0, seq - run.first) / MARK_EVERY), written);
  cursor.seq = run.first;
  cursor.pos = run.start;
  cursor.last = 0;
  if (mark > 0) {
    const m = run.marksAt + (mark - 1) * 2;
    cursor.pos = run.start + (run.marks[m] as number);
    cursor.last = run.marks[m + 1] as number;
    cursor.seq += mark * MARK_EVERY;
  }
}

/** Decodes the sample at the cursor (NaN when missing) and moves past it. */
function next(): number {
  const data = run.data;
  let pos = cursor.pos;
  let code = 0;
  let mult = 1;
  for (;;) {
    const b = data[pos++] as number;
    code += (b & 0x7f) * mult;
    if (b < 0x80) break;
    mult *= 128;
  }
  const tag = code % 4;
  let value: number;
  if (tag === TAG_MISSING) {
    value = Number.NaN;
  } else if (tag === TAG_RAW) {
    for (let k = 0; k < 8; k++) scratch.setUint8(k, data[pos++] as number);
    value = scratch.getFloat64(0);
    cursor.last = value;
  } else {
    const zigzag = (code - tag) / 4;
    value = cursor.last + (zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2);
    cursor.last = value;
  }
  cursor.pos = pos;
  return value;
}
