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
    // The series text: the name, then labels up to the closing brace. Label
    // values (most of the bytes) are skipped with a native search for quotes.
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
        // A value: find its closing quote, one not escaped by a backslash.
        let close = body.indexOf(QUOTE, i + 1);
        while (close > 0 && escaped(body, close)) close = body.indexOf(QUOTE, close + 1);
        if (close < 0) {
          i = n;
          break;
        }
        i = close + 1;
      }
      if (i < n && body[i] === RBRACE) i++;
    }
    // FNV-1a, and the sum of its running states: together 64 bits, so a
    // collision among one proxy's couple of thousand series is about 1 in 10^12.
    let h1 = 0x811c9dc5 | 0;
    let h2 = 0;
    for (let k = start; k < i; k++) {
      h1 = Math.imul(h1 ^ (body[k] as number), 16777619);
      h2 = (h2 + h1) | 0;
    }
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

/** Whether the quote at `at` is escaped: preceded by an odd number of backslashes. */
function escaped(body: Uint8Array, at: number): boolean {
  let k = at - 1;
  while (body[k] === BACKSLASH) k--;
  return (at - 1 - k) % 2 === 1;
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
  const text = Buffer.from(body.buffer, body.byteOffset + start, end - start).toString('latin1');
  switch (text) {
    case '+Inf':
    case 'Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
    default:
      return Number(text);
  }
}
