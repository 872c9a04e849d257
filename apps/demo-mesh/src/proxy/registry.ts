/**
 * One proxy's metrics, kept as the proxy keeps them (monotonic counters,
 * cumulative histograms, gauges) and written in the Prometheus text format.
 * Series are addressed by a pre-rendered label string, so the traffic engine
 * can hold on to them and update without building strings per request.
 */
export type FamilyType = 'counter' | 'gauge' | 'histogram';

export interface FamilyMeta {
  type: FamilyType;
  help: string;
  /** Current proxies write HELP/TYPE without `_total` and a `# UNIT` line (OpenMetrics style). */
  openMetricsName?: boolean;
  unit?: string;
}

export class Counter {
  value = 0;
}

export class Histogram {
  /** Non-cumulative count per bucket; the last is +Inf. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number, n = 1): void {
    let i = 0;
    while (i < this.bounds.length && value > (this.bounds[i] ?? Infinity)) i++;
    this.counts[i] = (this.counts[i] ?? 0) + n;
    this.sum += value * n;
    this.count += n;
  }
}

interface Family {
  name: string;
  meta: FamilyMeta;
  series: Map<string, Counter | Histogram>;
  bounds?: readonly number[];
}

function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  if (v === Infinity) return '+Inf';
  return String(v);
}

/** Current proxies write float bounds (`1.0`), legacy ones integers (`1`): keep each as it is. */
function formatBound(b: number, float: boolean): string {
  return float && Number.isInteger(b) ? `${b}.0` : String(b);
}

export class ProxyRegistry {
  private readonly families = new Map<string, Family>();

  constructor(private readonly catalogue: Record<string, FamilyMeta>) {}

  private family(name: string, bounds?: readonly number[]): Family {
    let f = this.families.get(name);
    if (!f) {
      const meta = this.catalogue[name];
      if (!meta) throw new Error(`unknown metric family ${name}`);
      f = { name, meta, series: new Map(), ...(bounds ? { bounds } : {}) };
      this.families.set(name, f);
    }
    return f;
  }

  /** A counter; `name` is the sample name, e.g. `request_total`. */
  counter(name: string, labels: string): Counter {
    const f = this.family(name);
    let s = f.series.get(labels);
    if (!s) {
      s = new Counter();
      f.series.set(labels, s);
    }
    return s as Counter;
  }

  gauge(name: string, labels: string): Counter {
    return this.counter(name, labels);
  }

  histogram(name: string, labels: string, bounds: readonly number[]): Histogram {
    const f = this.family(name, bounds);
    let s = f.series.get(labels);
    if (!s) {
      s = new Histogram(bounds);
      f.series.set(labels, s);
    }
    return s as Histogram;
  }

  /** Number of series, counting each histogram bucket line. */
  seriesCount(): number {
    let n = 0;
    for (const f of this.families.values()) {
      n +=
        f.meta.type === 'histogram' ? f.series.size * ((f.bounds?.length ?? 0) + 3) : f.series.size;
    }
    return n;
  }

  render(): string {
    const out: string[] = [];
    for (const f of this.families.values()) {
      const base =
        f.meta.openMetricsName && f.meta.type === 'counter'
          ? f.name.replace(/_total$/, '')
          : f.name;
      out.push(`# HELP ${base} ${f.meta.help}`);
      out.push(`# TYPE ${base} ${f.meta.type}`);
      if (f.meta.unit) out.push(`# UNIT ${base} ${f.meta.unit}`);
      if (f.meta.type !== 'histogram') {
        for (const [labels, s] of f.series) {
          out.push(`${f.name}${labels ? `{${labels}}` : ''} ${formatNumber((s as Counter).value)}`);
        }
        continue;
      }
      const bounds = f.bounds ?? [];
      for (const [labels, s] of f.series) {
        const h = s as Histogram;
        const sep = labels ? ',' : '';
        let cumulative = 0;
        for (let i = 0; i <= bounds.length; i++) {
          cumulative += h.counts[i] ?? 0;
          const le =
            i < bounds.length
              ? formatBound(bounds[i] ?? 0, f.meta.openMetricsName === true)
              : '+Inf';
          out.push(`${f.name}_bucket{${labels}${sep}le="${le}"} ${cumulative}`);
        }
        out.push(`${f.name}_sum${labels ? `{${labels}}` : ''} ${formatNumber(h.sum)}`);
        out.push(`${f.name}_count${labels ? `{${labels}}` : ''} ${h.count}`);
      }
    }
    out.push('');
    return out.join('\n');
  }
}

/** Escapes a label value for the text format. */
export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** Renders labels in the given order, skipping undefined values. */
export function labelText(labels: Record<string, string | undefined>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(labels)) {
    if (v !== undefined) parts.push(`${k}="${escapeLabelValue(v)}"`);
  }
  return parts.join(',');
}
