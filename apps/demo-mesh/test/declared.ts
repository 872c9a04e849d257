import { LATENCY_MS_BUCKETS, LogNormal, mixtureQuantile, type CallSpec } from '../src/index';

/** What a call's scenario declares, summed over its request classes. */
export interface Declared {
  rps: number;
  successRate: number;
  p50Ms: number;
  p95Ms: number;
}

export function declared(call: CallSpec): Declared {
  const classes = call.requests ?? [];
  const rps = classes.reduce((s, c) => s + c.rps, 0);
  const parts = classes.map((c) => ({ dist: new LogNormal(c.latency), weight: c.rps }));
  return {
    rps,
    successRate: classes.reduce((s, c) => s + c.rps * c.successRate, 0) / rps,
    p50Ms: mixtureQuantile(parts, 0.5),
    p95Ms: mixtureQuantile(parts, 0.95),
  };
}

/** Index of the response_latency_ms bucket a value falls in (values equal to a bound belong to it). */
export function bucketIndex(ms: number): number {
  const i = LATENCY_MS_BUCKETS.findIndex((b) => ms <= b);
  return i === -1 ? LATENCY_MS_BUCKETS.length : i;
}
