/**
 * Numbers as people read them. `null` means no traffic in the window and is
 * shown as a dash, never as 0 or 100%.
 */
export const NO_DATA = '—';

export function formatRps(rps: number | null, unit = 'rps'): string {
  if (rps === null) return NO_DATA;
  if (rps >= 100) return `${Math.round(rps)} ${unit}`;
  if (rps >= 1) return `${rps.toFixed(1)} ${unit}`;
  return `${rps.toFixed(2)} ${unit}`;
}

/**
 * A success rate, truncated (not rounded) to one decimal, so a route with
 * any failure never reads 100%.
 */
export function formatPercent(share: number | null): string {
  if (share === null) return NO_DATA;
  if (share >= 1) return '100%';
  return `${(Math.floor(share * 1000) / 10).toFixed(1)}%`;
}

export function formatLatency(ms: number | null): string {
  if (ms === null) return NO_DATA;
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(1)} ms`;
}

/**
 * A latency estimated inside a coarse histogram (bounds in ms), shown as the
 * bucket it lies in rather than a falsely exact number: `< 50 ms`,
 * `50 ms – 500 ms`, `> 10 s`.
 */
export function formatLatencyBucket(ms: number | null, boundsMs: readonly number[]): string {
  if (ms === null) return NO_DATA;
  const upper = boundsMs.findIndex((b) => ms <= b);
  if (upper === -1) return `> ${formatLatency(boundsMs[boundsMs.length - 1] ?? ms)}`;
  const hi = boundsMs[upper] ?? ms;
  if (upper === 0) return `< ${formatLatency(hi)}`;
  return `${formatLatency(boundsMs[upper - 1] ?? 0)} – ${formatLatency(hi)}`;
}

export function formatBytesRate(bytesPerSec: number | null): string {
  if (bytesPerSec === null) return NO_DATA;
  const units = ['B/s', 'kB/s', 'MB/s', 'GB/s'];
  let v = bytesPerSec;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

export function formatCount(n: number | null): string {
  return n === null ? NO_DATA : String(Math.round(n));
}

/** Time left, in the largest sensible unit (`2h 59m`, `3d 4h`). */
export function formatSecondsLeft(seconds: number): string {
  if (seconds <= 0) return 'expired';
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  return `${m}m`;
}

export type Health = 'good' | 'warning' | 'poor' | 'idle';

/** Success-rate bands: below 90% poor, below 95% warning. */
export function healthOf(successRate: number | null): Health {
  if (successRate === null) return 'idle';
  if (successRate < 0.9) return 'poor';
  if (successRate < 0.95) return 'warning';
  return 'good';
}

export const HEALTH_COLOUR: Record<Health, string> = {
  good: '#1f9d55',
  warning: '#d69e2e',
  poor: '#d64545',
  idle: '#8a96a3',
};
