import { z } from 'zod';
import { formatDuration, parseDuration } from './duration';

/** Windows offered in the UI; any other duration within bounds is accepted too. */
export const PRESET_WINDOWS = ['1m', '5m', '15m', '1h'] as const;
export const DEFAULT_WINDOW = '1m';

export interface WindowBounds {
  /** Shortest window in seconds: two scrape intervals, so a rate has two samples. */
  minSeconds: number;
  /** Longest window in seconds: the metrics retention. */
  maxSeconds: number;
}

/**
 * A `window` query parameter: a duration between the bounds, returned as
 * seconds plus its canonical text. The error message names the allowed range.
 */
export function windowSchema(bounds: WindowBounds) {
  const range = `${formatDuration(bounds.minSeconds)} to ${formatDuration(bounds.maxSeconds)}`;
  return z
    .string()
    .default(DEFAULT_WINDOW)
    .transform((text, ctx) => {
      const seconds = parseDuration(text);
      if (seconds === undefined || seconds < bounds.minSeconds || seconds > bounds.maxSeconds) {
        ctx.addIssue({
          code: 'custom',
          message: `window must be a duration from ${range} (e.g. ${PRESET_WINDOWS.join(', ')})`,
        });
        return z.NEVER;
      }
      return { seconds, text: formatDuration(seconds) };
    });
}
