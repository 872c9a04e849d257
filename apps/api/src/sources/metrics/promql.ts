import type { GaugeQuery, Matcher, RateQuery } from './engine';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * A label value as a PromQL double-quoted string literal. The only place a
 * value enters a query: quotes, backslashes and control characters are
 * escaped, so no value can end the string or the selector.
 */
export function quote(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Escapes regular-expression metacharacters, for matching a literal with `=~`. */
export function regexLiteral(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function name(n: string, what: string, pattern: RegExp): string {
  if (!pattern.test(n)) throw new Error(`invalid ${what} ${JSON.stringify(n)}`);
  return n;
}

export function selector(metric: string, matchers: Matcher[]): string {
  const inner = matchers
    .map((m) => `${name(m.label, 'label name', LABEL_NAME)}${m.op}${quote(m.value)}`)
    .join(',');
  return `${name(metric, 'metric name', METRIC_NAME)}{${inner}}`;
}

function by(labels: string[]): string {
  return `by (${labels.map((l) => name(l, 'label name', LABEL_NAME)).join(',')})`;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`invalid window ${seconds}`);
  return `${Math.round(seconds)}s`;
}

export function rateQuery(q: RateQuery): string {
  return `sum ${by(q.by)} (rate(${selector(q.metric, q.matchers)}[${duration(q.windowSeconds)}]))`;
}

export function gaugeQuery(q: GaugeQuery): string {
  return `${q.aggregate} ${by(q.by)} (${selector(q.metric, q.matchers)})`;
}
