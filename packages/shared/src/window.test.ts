import { describe, expect, it } from 'vitest';
import { windowSchema } from './window';
import { formatDuration, parseDuration } from './duration';

const schema = windowSchema({ minSeconds: 20, maxSeconds: 3600 });

describe('window parameter', () => {
  it('when absent, defaults to one minute', () => {
    expect(schema.parse(undefined)).toEqual({ seconds: 60, text: '1m' });
  });

  it('when a preset or a compound duration, is accepted as seconds', () => {
    expect(schema.parse('15m')).toEqual({ seconds: 900, text: '15m' });
    expect(schema.parse('1m30s')).toEqual({ seconds: 90, text: '1m30s' });
    expect(schema.parse('60m')).toEqual({ seconds: 3600, text: '1h' });
  });

  it('when shorter than the minimum or longer than retention, is rejected naming the range', () => {
    const short = schema.safeParse('10s');
    expect(short.success).toBe(false);
    expect(short.error?.issues[0]?.message).toContain('20s to 1h');
    expect(schema.safeParse('2h').success).toBe(false);
  });

  it('when not a duration, is rejected', () => {
    for (const bad of ['', '5', 'm', '5x', '1m ', '-1m', '1m"}', '\n', '🙂']) {
      expect(schema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('durations', () => {
  it('parse and format round-trip', () => {
    for (const text of ['10s', '1m', '1h30m', '2d', '250ms']) {
      const seconds = parseDuration(text);
      expect(seconds).toBeDefined();
      expect(formatDuration(seconds ?? 0)).toBe(text);
    }
  });
});
