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
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export function scanSamples(body: Uint8Array, visit: LineVisitor): void {
  const n = body.length;
  let i = 0;
  while (i < n) {
    const start = i;
    const c = body[i];
    if (c === HASH || c === NL || c === CR || c === SPACE || c === TAB) {
      while (i < n && body[i] !== NL) i++;
      i++;
      continue;
    }
    // The series text: the name, then labels up to the closing brace; inside
    // a quoted value only a quote (unless escaped) matters.
    while (i < n) {
      const b = body[i] as number;
      if (b === LBRACE || b === SPACE || b === TAB || b === NL) break;
      i++;
    }
    if (body[i] === LBRACE) {
      i++;
      for (;;) {
        while (i < n && body[i] !== QUOTE && body[i] !== RBRACE && body[i] !== NL) i++;
        if (i >= n || body[i] !== QUOTE) break;
        // A value: up to its closing quote, one not escaped by a backslash.
        // (A plain loop: values are short, and Buffer#indexOf costs more per call.)
        i++;
        while (i < n) {
          const b = body[i] as number;
          if (b === QUOTE) break;
          i += b === BACKSLASH ? 2 : 1;
        }
        i++;
      }
      if (i < n && body[i] === RBRACE) i++;
      if (i > n) i = n;
    }
    const [h1, h2] = hashBytes(body, start, i);
    const seriesEnd = i;
    while (i < n && (body[i] === SPACE || body[i] === TAB)) i++;
    const valueStart = i;
    while (i < n && body[i] !== SPACE && body[i] !== TAB && body[i] !== NL && body[i] !== CR) i++;
    const valueEnd = i;
    while (i < n && body[i] !== NL) i++;
    i++;
    if (valueEnd > valueStart) visit.sample(h1, h2, start, seriesEnd, valueStart, valueEnd);
  }
}

/**
 * Two 32-bit hashes of body[start, end), four bytes at a time: a multiply
 * and xor-shift per word, and the sum of the running states. Together 64
 * bits: a collision among one proxy's couple of thousand series is about
 * 1 in 10^12.
 */
export function hashBytes(body: Uint8Array, start: number, end: number): [number, number] {
  let h1 = 0x811c9dc5 | 0;
  let h2 = end - start;
  let k = start;
  for (; k + 4 <= end; k += 4) {
    const w =
      (body[k] as number) |
      ((body[k + 1] as number) << 8) |
      ((body[k + 2] as number) << 16) |
      ((body[k + 3] as number) << 24);
    h1 = Math.imul(h1 ^ w, 0x5bd1e995);
    h1 ^= h1 >>> 15;
    h2 = (h2 + h1) | 0;
  }
  for (; k < end; k++) {
    h1 = Math.imul(h1 ^ (body[k] as number), 0x5bd1e995);
    h1 ^= h1 >>> 15;
    h2 = (h2 + h1) | 0;
  }
  return [h1, h2];
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
