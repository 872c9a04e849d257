import { describe, expect, it } from 'vitest';
import { SharedAnswers } from './shared-answers';

describe('shared answers', () => {
  it('computes once for callers within the refresh, again after it, and not at all for a failure kept', async () => {
    let now = 0;
    const answers = new SharedAnswers(2000, () => now);
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

  it('keeps at most its number of entries', async () => {
    const answers = new SharedAnswers(60_000, () => 0, 3);
    let computed = 0;
    const compute = async () => ++computed;
    for (const k of [1, 2, 3, 4]) await answers.get('v', [k], compute);
    // The oldest went when the fourth came.
    expect(await answers.get('v', [1], compute)).toBe(5);
    expect(await answers.get('v', [4], compute)).toBe(4);
  });
});
