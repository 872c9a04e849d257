import { describe, expect, it } from 'vitest';
import {
  formatBytesRate,
  formatLatency,
  formatLatencyBucket,
  formatPercent,
  formatRps,
  formatSecondsLeft,
  healthOf,
} from './format';

describe('formatting for people', () => {
  it('when there was no traffic, shows a dash rather than 0 or 100%', () => {
    expect(formatPercent(null)).toBe('—');
    expect(formatRps(null)).toBe('—');
    expect(formatLatency(null)).toBe('—');
  });

  it('when a success rate is just below 1, never rounds it up to 100%', () => {
    expect(formatPercent(0.99996)).toBe('99.9%');
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(0.992)).toBe('99.2%');
    expect(formatPercent(0)).toBe('0.0%');
  });

  it('scales rates, latencies and byte rates to their size', () => {
    expect(formatRps(12.34)).toBe('12.3 rps');
    expect(formatRps(0.4)).toBe('0.40 rps');
    expect(formatRps(1234.4)).toBe('1234 rps');
    expect(formatLatency(1234)).toBe('1.2 s');
    expect(formatLatency(42.6)).toBe('43 ms');
    expect(formatLatency(2.25)).toBe('2.3 ms');
    expect(formatBytesRate(9000)).toBe('9.0 kB/s');
    expect(formatBytesRate(512)).toBe('512 B/s');
    expect(formatSecondsLeft(3 * 3600 - 60)).toBe('2h 59m');
  });

  it('bands success rates: below 90% poor, below 95% warning', () => {
    expect(healthOf(0.899)).toBe('poor');
    expect(healthOf(0.9)).toBe('warning');
    expect(healthOf(0.95)).toBe('good');
    expect(healthOf(null)).toBe('idle');
  });
});

describe('latency inside a coarse histogram', () => {
  // Gateway-API route histograms have bounds 50 ms, 500 ms, 1 s and 10 s only.
  const bounds = [50, 500, 1000, 10_000];
  it('shows the bucket a quantile lies in, not a falsely exact number', () => {
    expect(formatLatencyBucket(12.5, bounds)).toBe('< 50 ms');
    expect(formatLatencyBucket(50, bounds)).toBe('< 50 ms');
    expect(formatLatencyBucket(275, bounds)).toBe('50 ms – 500 ms');
    expect(formatLatencyBucket(2500, bounds)).toBe('1.0 s – 10 s');
    expect(formatLatencyBucket(12_000, bounds)).toBe('> 10 s');
    expect(formatLatencyBucket(null, bounds)).toBe('—');
  });
});
