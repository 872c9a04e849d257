import { parseValue as parseValueText } from '../../prometheus/text-format';

/**
 * Reads a scrape body as bytes, a sample line at a time, without making
 * strings: each line's series text (`name{labels}`) is hashed in place, so a
 * series seen before costs a table lookup, as in Prometheus's scrape cache.
 * Only a series seen for the first time is parsed into labels.
 */

export interface LineVisitor {
  /**
   * One sample line: the two hashes of its series text, and where its
   * series text and value are in the body.
   */
  sample(
    h1: number,
    h2: number,
    seriesStart: number,
    seriesEnd: number,
    valueStart: number,
    valueEnd: number,
  ): void;
}

const NL = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const HASH = 0x23;
const LBRACE = 0x7b;
const RBRACE = 0x7d;

/**
 * Where the series text of a sample line ends: after the name when it has no
 * labels, else after the line's last `}` (a value or timestamp holds none,
 * while a quoted label value may, as a route named `GET /books/{id}` does).
 */
function seriesEnd(body: Uint8Array, start: number, lineEnd: number): number {
  let i = start;
  while (i < lineEnd) {
    const b = body[i] as number;
    if (b === LBRACE) break;
    if (b === SPACE || b === TAB) return i;
    i++;
  }
  if (i === lineEnd) return i;
  let e = lineEnd - 1;
  while (e > i && body[e] !== RBRACE) e--;
  return e + 1;
}

export function scanSamples(bytes: Uint8Array, visit: LineVisitor): void {
  const body = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = body.length;
  const words = new DataView(body.buffer, body.byteOffset, body.byteLength);
  let i = 0;
  while (i < n) {
    const start = i;
    // The line's end, found natively: lines are hundreds of bytes long.
    let lineEnd = body.indexOf(NL, i);
    if (lineEnd < 0) lineEnd = n;
    i = lineEnd + 1;
    const c = body[start];
    if (c === HASH || c === NL || c === CR || c === SPACE || c === TAB) continue;
    const end = seriesEnd(body, start, lineEnd);
    hashWords(body, words, start, end);
    let valueStart = end;
    while (valueStart < lineEnd && (body[valueStart] === SPACE || body[valueStart] === TAB))
      valueStart++;
    let valueEnd = valueStart;
    while (valueEnd < lineEnd) {
      const b = body[valueEnd] as number;
      if (b === SPACE || b === TAB || b === CR) break;
      valueEnd++;
    }
    if (valueEnd > valueStart)
      visit.sample(hashed[0] as number, hashed[1] as number, start, end, valueStart, valueEnd);
  }
}

/** The last hashWords result (no array per line). */
const hashed = new Int32Array(2);

/**
 * Two 32-bit hashes of body[start, end), four bytes at a time: a multiply
 * and xor-shift per word, and the sum of the running states. Together 64
 * bits: a collision among one proxy's couple of thousand series is about
 * 1 in 10^12.
 */
function hashWords(body: Uint8Array, words: DataView, start: number, end: number): void {
  let h1 = 0x811c9dc5 | 0;
  let h2 = end - start;
  let k = start;
  for (; k + 4 <= end; k += 4) {
    h1 = Math.imul(h1 ^ words.getInt32(k, true), 0x5bd1e995);
    h1 ^= h1 >>> 15;
    h2 = (h2 + h1) | 0;
  }
  for (; k < end; k++) {
    h1 = Math.imul(h1 ^ (body[k] as number), 0x5bd1e995);
    h1 ^= h1 >>> 15;
    h2 = (h2 + h1) | 0;
  }
  hashed[0] = h1;
  hashed[1] = h2;
}

/** The same hash, for series text given as bytes elsewhere. */
export function hashBytes(body: Uint8Array, start: number, end: number): [number, number] {
  hashWords(body, new DataView(body.buffer, body.byteOffset, body.byteLength), start, end);
  return [hashed[0] as number, hashed[1] as number];
}

const DIGIT0 = 0x30;
const MINUS = 0x2d;

/**
 * The value at [start, end): integers (what proxies write for counters and
 * most gauges) are read from the bytes; anything else through Number().
 */
export function parseValue(body: Uint8Array, start: number, end: number): number {
  let i = start;
  const negative = body[i] === MINUS;
  if (negative) i++;
  if (end - i > 0 && end - i <= 15) {
    let v = 0;
    for (; i < end; i++) {
      const d = (body[i] as number) - DIGIT0;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (i === end) return negative ? -v : v;
  }
  return parseValueText(
    Buffer.from(body.buffer, body.byteOffset + start, end - start).toString('latin1'),
  );
}
