import { describe, expect, it } from 'vitest';
import { chooseStep } from './timeseries';

describe('time series step', () => {
  it('gives about 60 points per window, never finer than the engine can answer', () => {
    expect(chooseStep(3600, 5)).toBe(60);
    expect(chooseStep(900, 5)).toBe(15);
    expect(chooseStep(60, 10)).toBe(10);
    expect(chooseStep(60, 1)).toBe(5);
  });
});
