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
    // Expired: the last answer, while the next one computes.
    expect(await answers.get('graph', ['all'], compute)).toBe(1);
    expect(computed).toBe(3);
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
    // The expired answer serves the callers while the new one computes.
    expect(await answers.get('mtls', [], slow)).toBe(7);
    expect(await answers.get('mtls', [], slow)).toBe(7);
    expect(computed).toBe(2);
    finish(8);
    await Promise.resolve();
    expect(await answers.get('mtls', [], slow)).toBe(8);
    expect(computed).toBe(2);
  });

  it('waits for a fresh answer once the old one is over a refresh stale, and drops a failed refresh', async () => {
    let now = 0;
    const answers = new SharedAnswers({ minTtlMs: 2000, maxTtlMs: 10_000, now: () => now });
    let computed = 0;
    let fail = false;
    const compute = async () => {
      computed++;
      if (fail) throw new Error('Prometheus down');
      return computed;
    };
    expect(await answers.get('graph', [], compute)).toBe(1);
    now = 12_000; // 2 s of life and 10 s more of serving it stale: over
    expect(await answers.get('graph', [], compute)).toBe(2);
    now = 14_500;
    fail = true;
    // The refresh fails: the caller that started it still got the last answer...
    expect(await answers.get('graph', [], compute)).toBe(2);
    await Promise.resolve();
    await Promise.resolve();
    // ...and the next one asks again, and sees the failure.
    await expect(answers.get('graph', [], compute)).rejects.toThrow('Prometheus down');
    expect(computed).toBe(4);
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
