import { describe, expect, it } from 'vitest';
import { SharedAnswers } from './shared-answers';

describe('shared answers', () => {
  it('computes once for callers within the refresh, again after it, and keeps no failure', async () => {
    let now = 0;
    const answers = new SharedAnswers({ minTtlMs: 2000, maxTtlMs: 10_000, now: () => now });
    let computed = 0;
    const compute = async () => ++computed;
    const [a, b] = await Promise.all([
      answers.get('graph', ['all'], compute),
      answers.get('graph', ['all'], compute),
    ]);
    expect([a, b, computed]).toEqual([1, 1, 1]);
    expect(await answers.get('graph', [['ns']], compute)).toBe(2);
    now = 1999;
    expect(await answers.get('graph', ['all'], compute)).toBe(1);
    now = 2000;
    expect(await answers.get('graph', ['all'], compute)).toBe(3);
    await expect(answers.get('x', [], () => Promise.reject(new Error('down')))).rejects.toThrow();
    expect(await answers.get('x', [], compute)).toBe(4);
  });

  it('keeps an answer four times as long as it took, within the bounds, and shares it while computing', async () => {
    let now = 0;
    const answers = new SharedAnswers({ minTtlMs: 2000, maxTtlMs: 10_000, now: () => now });
    let computed = 0;
    let finish: (v: number) => void = () => {};
    const slow = () =>
      new Promise<number>((resolve) => {
        computed++;
        finish = resolve;
      });
    const first = answers.get('mtls', [], slow);
    now = 2500; // still computing: shared, not started again
    const second = answers.get('mtls', [], slow);
    now = 1500 + 0; // took 1.5 s from t=0
    finish(7);
    expect([await first, await second, computed]).toEqual([7, 7, 1]);
    now = 5999; // 4 x 1.5 s = 6 s
    expect(await answers.get('mtls', [], slow)).toBe(7);
    now = 6000;
    const third = answers.get('mtls', [], slow);
    finish(8);
    expect([await third, computed]).toEqual([8, 2]);
  });

  it('keeps at most its number of entries', async () => {
    const answers = new SharedAnswers({
      minTtlMs: 60_000,
      maxTtlMs: 60_000,
      maxEntries: 3,
      now: () => 0,
    });
    let computed = 0;
    const compute = async () => ++computed;
    for (const k of [1, 2, 3, 4]) await answers.get('v', [k], compute);
    // The oldest went when the fourth came.
    expect(await answers.get('v', [1], compute)).toBe(5);
    expect(await answers.get('v', [4], compute)).toBe(4);
  });
});
