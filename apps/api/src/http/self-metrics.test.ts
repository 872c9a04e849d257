import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import { SelfMetrics } from './self-metrics';

describe('self metrics', () => {
  it('report the heap a full collection leaves, at each one', async () => {
    const metrics = new SelfMetrics();
    try {
      expect((await metrics.liveHeap.get()).values[0]?.value ?? 0).toBe(0);
      // A full collection on demand: `gc` made visible to a fresh context.
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void;
      gc();
      await vi.waitFor(async () =>
        expect((await metrics.fullCollections.get()).values[0]?.value).toBeGreaterThan(0),
      );
      const live = (await metrics.liveHeap.get()).values[0]?.value ?? 0;
      // Some heap is always in use (this test's own code), and never more than the heap.
      expect(live).toBeGreaterThan(1024 * 1024);
      expect(live).toBeLessThanOrEqual(getHeapStatistics().total_heap_size);
    } finally {
      metrics.close();
    }
  });
});
