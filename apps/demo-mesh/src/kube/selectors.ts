import type { KubeObject } from './types';

/** A parsed selector: true when the object matches. */
export type Matcher = (obj: KubeObject) => boolean;

export class SelectorError extends Error {}

type Requirement =
  | { op: 'exists' | 'notexists'; key: string }
  | { op: 'in' | 'notin'; key: string; values: Set<string> };

const KEY =
  /^([a-z0-9A-Z]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?\/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$/;

/** Splits on commas that are not inside `( )`. */
function splitTop(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

function parseRequirement(text: string): Requirement {
  let m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(text);
  if (m) {
    const values = new Set(
      (m[3] ?? '')
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    );
    return { op: m[2] as 'in' | 'notin', key: checkKey(m[1] ?? ''), values };
  }
  m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(text);
  if (m) {
    const values = new Set([m[3] ?? '']);
    return { op: m[2] === '!=' ? 'notin' : 'in', key: checkKey(m[1] ?? ''), values };
  }
  if (text.startsWith('!')) return { op: 'notexists', key: checkKey(text.slice(1).trim()) };
  return { op: 'exists', key: checkKey(text) };
}

function checkKey(key: string): string {
  if (!KEY.test(key)) throw new SelectorError(`invalid label key ${JSON.stringify(key)}`);
  return key;
}

function matches(reqs: Requirement[], get: (key: string) => string | undefined): boolean {
  return reqs.every((r) => {
    const value = get(r.key);
    switch (r.op) {
      case 'exists':
        return value !== undefined;
      case 'notexists':
        return value === undefined;
      case 'in':
        return value !== undefined && r.values.has(value);
      case 'notin':
        return value === undefined || !r.values.has(value);
    }
  });
}

/** Kubernetes label selector syntax: `a=b,c!=d,e in (f,g),!h,i`. */
export function parseLabelSelector(text: string | undefined): Matcher {
  if (!text) return () => true;
  const reqs = splitTop(text).map(parseRequirement);
  return (obj) => matches(reqs, (key) => obj.metadata.labels?.[key]);
}

/** Field selectors: `metadata.name=x,status.phase!=Failed` on any dotted path. */
export function parseFieldSelector(text: string | undefined): Matcher {
  if (!text) return () => true;
  const reqs = splitTop(text).map((part) => {
    const m = /^([a-zA-Z.]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!m) throw new SelectorError(`invalid field selector ${JSON.stringify(part)}`);
    return { path: (m[1] ?? '').split('.'), negate: m[2] === '!=', value: m[3] ?? '' };
  });
  return (obj) =>
    reqs.every((r) => {
      let cur: unknown = obj;
      for (const p of r.path)
        cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined;
      const value = cur === undefined || cur === null ? '' : String(cur);
      return r.negate ? value !== r.value : value === r.value;
    });
}

/** `matchLabels` of a LabelSelector object, as used by Services and workloads. */
export function matchesLabels(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}
