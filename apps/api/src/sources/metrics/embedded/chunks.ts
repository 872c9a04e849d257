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

const scratch = new DataView(new ArrayBuffer(8));

/**
 * Where sealed chunks keep their bytes and read marks: views into shared
 * slabs, so that a chunk that will not grow again holds no ArrayBuffer (nor
 * array) of its own for every full collection to mark. Chunks sealed
 * together expire together, with the retention, and a slab is freed with
 * its last chunk.
 */
class Slab<T extends Uint8Array | Float64Array> {
  private current: T;
  private used = 0;

  constructor(private readonly make: (length: number) => T) {
    this.current = make(SLAB_LENGTH);
  }

  /** A view of `length` elements holding `from`'s first `length`. */
  copy(from: ArrayLike<number>, length: number): T {
    if (length > SLAB_LENGTH / 16) {
      const own = this.make(length);
      for (let k = 0; k < length; k++) own[k] = from[k] as number;
      return own;
    }
    if (this.used + length > SLAB_LENGTH) {
      this.current = this.make(SLAB_LENGTH);
      this.used = 0;
    }
    const view = this.current.subarray(this.used, this.used + length) as T;
    for (let k = 0; k < length; k++) view[k] = from[k] as number;
    this.used += length;
    return view;
  }
}

const SLAB_LENGTH = 8192;
const byteSlab = new Slab((n) => new Uint8Array(n));
const markSlab = new Slab((n) => new Float64Array(n));
/** Where a decode stands (reads are synchronous, so one serves every chunk). */
const cursor = { pos: 0, last: 0, seq: 0 };

/**
 * A run of one column's samples. It holds no number a write would change in
 * place: a field that ever holds a fraction is a separate heap number per
 * object in V8, and with a chunk per column per 20 minutes those would be
 * hundreds of thousands of objects for every full collection to mark. The
 * delta base is the column's last value, which its writer passes in.
 */
export class Chunk {
  /** Encoded bytes; `length` of them are used (the head chunk grows in place). */
  data: Uint8Array;
  length = 0;
  /** Samples written. */
  count = 0;
  /** Whether a present value was written: deltas are from the last one, else from 0. */
  private based = false;
  /** The next chunk of its column. */
  newer: Chunk | undefined = undefined;
  /**
   * Every MARK_EVERY samples, the byte offset and delta base there, so a
   * read of the last minute decodes from the nearest mark, not the chunk's start.
   */
  private marks: number[] | undefined;
  /** The marks of a sealed chunk, in a shared slab. */
  private sealedMarks: Float64Array | undefined;

  constructor(
    /** Scrape sequence number of the first sample. */
    readonly firstSeq: number,
    /** Bytes to start with: the previous chunk's size, so a series' chunks rarely grow. */
    initialBytes = 16,
  ) {
    this.data = new Uint8Array(initialBytes);
  }

  get full(): boolean {
    return this.count >= SAMPLES_PER_CHUNK;
  }

  /**
   * Writes the next sample (NaN: missing). `previous` is the last present
   * value its writer gave this column, in this chunk or before it.
   */
  append(value: number, previous: number): void {
    this.reserve(10);
    const base = this.based ? previous : 0;
    if (this.count > 0 && this.count % MARK_EVERY === 0)
      (this.marks ??= []).push(this.length, base);
    if (Number.isNaN(value)) {
      this.writeVarint(TAG_MISSING);
    } else {
      const delta = value - base;
      if (
        Number.isInteger(value) &&
        Number.isInteger(base) &&
        Number.isSafeInteger(delta) &&
        Math.abs(delta) < MAX_DELTA
      ) {
        const zigzag = delta >= 0 ? delta * 2 : -delta * 2 - 1;
        this.writeVarint(zigzag * 4 + TAG_DELTA);
      } else {
        this.writeVarint(TAG_RAW);
        scratch.setFloat64(0, value);
        for (let k = 0; k < 8; k++) this.data[this.length++] = scratch.getUint8(k);
      }
      this.based = true;
    }
    this.count++;
  }

  /** Moves a chunk that will not grow again into the slabs, at its size. */
  seal(): void {
    this.data = byteSlab.copy(this.data, this.length);
    if (this.marks) {
      this.sealedMarks = markSlab.copy(this.marks, this.marks.length);
      this.marks = undefined;
    }
  }

  /**
   * Calls `emit(seq, value)` for the chunk's samples with seq in [from, to]
   * that are present (missing gauge samples are skipped).
   */
  read(from: number, to: number, emit: (seq: number, value: number) => void): void {
    const end = Math.min(to, this.firstSeq + this.count - 1);
    for (this.seek(from); cursor.seq <= end; cursor.seq++) {
      const value = this.next();
      if (cursor.seq >= from && !Number.isNaN(value)) emit(cursor.seq, value);
    }
  }

  /** The sample at `seq` (NaN when missing or outside the chunk), decoded from the nearest mark. */
  valueAt(seq: number): number {
    if (seq < this.firstSeq || seq >= this.firstSeq + this.count) return Number.NaN;
    let value = Number.NaN;
    for (this.seek(seq); cursor.seq <= seq; cursor.seq++) value = this.next();
    return value;
  }

  /** Points the cursor at the last read mark at or before `seq`. */
  private seek(seq: number): void {
    const marks = this.sealedMarks ?? this.marks;
    const mark = Math.min(
      Math.floor(Math.max(0, seq - this.firstSeq) / MARK_EVERY),
      (marks?.length ?? 0) / 2,
    );
    cursor.seq = this.firstSeq;
    cursor.pos = 0;
    cursor.last = 0;
    if (mark > 0 && marks) {
      cursor.pos = marks[(mark - 1) * 2] as number;
      cursor.last = marks[(mark - 1) * 2 + 1] as number;
      cursor.seq += mark * MARK_EVERY;
    }
  }

  /** Decodes the sample at the cursor (NaN when missing) and moves past it. */
  private next(): number {
    const data = this.data;
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

  private reserve(n: number): void {
    if (this.length + n <= this.data.length) return;
    const grown = new Uint8Array(Math.max(this.data.length * 2, this.length + n));
    grown.set(this.data.subarray(0, this.length));
    this.data = grown;
  }

  private writeVarint(v: number): void {
    while (v >= 0x80) {
      this.data[this.length++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.data[this.length++] = v;
  }
}
