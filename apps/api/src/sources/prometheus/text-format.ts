/**
 * A tolerant parser of the Prometheus text exposition format as Linkerd
 * proxies write it (mesh-facts §2): HELP/TYPE/UNIT comments, HELP names
 * without `_total`, float and `+Inf` bounds, empty and escaped label values.
 * Lines it cannot read are counted, not fatal.
 */
export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ParseResult {
  samples: ParsedSample[];
  /** Family name -> declared type. */
  types: Map<string, string>;
  invalidLines: number;
}

/** A sample value as the text format writes it (`+Inf`, `NaN`, floats). */
export function parseValue(text: string): number {
  switch (text) {
    case '+Inf':
    case 'Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
    case 'NaN':
      return Number.NaN;
    default:
      return text.length === 0 ? Number.NaN : Number(text);
  }
}

/** Parses `{a="b",c="d\"e"}` starting at `i` (just after `{`); returns labels and the index after `}`. */
function parseLabels(
  line: string,
  start: number,
): { labels: Record<string, string>; end: number } | undefined {
  const labels: Record<string, string> = {};
  let i = start;
  for (;;) {
    while (line[i] === ' ' || line[i] === ',') i++;
    if (line[i] === '}') return { labels, end: i + 1 };
    const eq = line.indexOf('=', i);
    if (eq < 0) return undefined;
    const name = line.slice(i, eq).trim();
    if (line[eq + 1] !== '"' || !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name)) return undefined;
    let value = '';
    let j = eq + 2;
    for (; j < line.length; j++) {
      const c = line[j];
      if (c === '\\') {
        const n = line[++j];
        value += n === 'n' ? '\n' : (n ?? '');
      } else if (c === '"') {
        break;
      } else {
        value += c;
      }
    }
    if (j >= line.length) return undefined;
    labels[name] = value;
    i = j + 1;
  }
}

export function parseTextFormat(text: string): ParseResult {
  const samples: ParsedSample[] = [];
  const types = new Map<string, string>();
  let invalidLines = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (line.length === 0) continue;
    if (line.startsWith('#')) {
      const m = /^#\s+TYPE\s+(\S+)\s+(\S+)/.exec(line);
      if (m?.[1] && m[2]) types.set(m[1], m[2]);
      continue;
    }
    const brace = line.indexOf('{');
    const space = line.indexOf(' ');
    let name: string;
    let labels: Record<string, string> = {};
    let rest: string;
    if (brace >= 0 && (space < 0 || brace < space)) {
      name = line.slice(0, brace);
      const parsed = parseLabels(line, brace + 1);
      if (!parsed) {
        invalidLines++;
        continue;
      }
      labels = parsed.labels;
      rest = line.slice(parsed.end).trim();
    } else {
      if (space < 0) {
        invalidLines++;
        continue;
      }
      name = line.slice(0, space);
      rest = line.slice(space + 1).trim();
    }
    // A timestamp may follow the value; meshviz uses its own scrape time.
    const value = parseValue(rest.split(/\s+/)[0] ?? '');
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name) || Number.isNaN(value)) {
      invalidLines++;
      continue;
    }
    samples.push({ name, labels, value });
  }
  return { samples, types, invalidLines };
}
