import { describe, expect, it, vi } from 'vitest';
import { layoutInputSchema } from '@meshviz/shared';
import type { LayoutInput } from '@meshviz/shared/graph-layout';
import { BusyError } from '../model/errors';
import { Layouts } from './layouts';

const graph = (n: number, tag = ''): LayoutInput => {
  const nodes = Array.from({ length: n }, (_, i) => ({ id: `a/w${i}${tag}`, group: 'a' }));
  return {
    nodes,
    edges: nodes
      .slice(1)
      .map((node, i) => ({ id: `e${i}`, source: nodes[i]?.id ?? '', target: node.id })),
    groups: ['a'],
  };
};

describe('layouts in the API', () => {
  it('lay a graph out in the engine thread, clients left of servers, and keep it for the next viewer', async () => {
    const layouts = new Layouts();
    try {
      const first = await layouts.layout(graph(4));
      expect(first.reused).toBe(false);
      const x = (id: string) => first.boxes[id]?.x ?? Number.NaN;
      expect(x('a/w0')).toBeLessThan(x('a/w1'));
      expect(x('a/w1')).toBeLessThan(x('a/w3'));
      expect(first.boxes['a/w0']?.parent).toBe('namespace:a');
      const again = await layouts.layout(graph(4));
      expect(again).toEqual({ boxes: first.boxes, reused: true });
      expect([layouts.computed, layouts.reused]).toEqual([1, 1]);
    } finally {
      await layouts.close();
    }
  });

  it('share one run between viewers asking for the same graph at once', async () => {
    const layouts = new Layouts();
    try {
      const [a, b] = await Promise.all([layouts.layout(graph(6)), layouts.layout(graph(6))]);
      expect(a.boxes).toEqual(b.boxes);
      expect([layouts.computed, layouts.reused]).toEqual([1, 1]);
    } finally {
      await layouts.close();
    }
  });

  it('lay a graph out ahead of its viewers: the first to ask shares or finds the result', async () => {
    const layouts = new Layouts();
    try {
      layouts.warm();
      layouts.prepare(graph(9));
      expect((await layouts.layout(graph(9))).reused).toBe(true);
      expect(layouts.computed).toBe(1);
    } finally {
      await layouts.close();
    }
  });

  it('refuse more waiting layouts than they take, and keep only the most recent graphs', async () => {
    const layouts = new Layouts({
      maxQueued: 1,
      timeoutMs: 60_000,
      cacheEntries: 1,
      idleMs: 60_000,
    });
    try {
      const running = layouts.layout(graph(5, 'x'));
      await expect(layouts.layout(graph(5, 'y'))).rejects.toBeInstanceOf(BusyError);
      await running;
      await layouts.layout(graph(5, 'y'));
      // Only y is kept now: x is laid out again.
      expect((await layouts.layout(graph(5, 'x'))).reused).toBe(false);
      expect(layouts.computed).toBe(3);
    } finally {
      await layouts.close();
    }
  });

  it('stop a layout past its time and start a new engine for the next', async () => {
    const layouts = new Layouts({ maxQueued: 4, timeoutMs: 1, cacheEntries: 4, idleMs: 60_000 });
    try {
      await expect(layouts.layout(graph(300))).rejects.toThrow(/took over/);
    } finally {
      await layouts.close();
    }
  });

  it('stop the engine after a while without layouts, still serve the kept ones, and start again', async () => {
    const told: string[] = [];
    const layouts = new Layouts(
      { maxQueued: 4, timeoutMs: 60_000, cacheEntries: 4, idleMs: 50 },
      {
        answered: (reused) => told.push(reused ? 'kept' : 'laid out'),
        engine: (running) => told.push(running ? 'engine on' : 'engine off'),
      },
    );
    try {
      const first = await layouts.layout(graph(4));
      expect(layouts.engineRunning).toBe(true);
      await new Promise((r) => setTimeout(r, 200));
      expect(layouts.engineRunning).toBe(false);
      expect(await layouts.layout(graph(4))).toEqual({ boxes: first.boxes, reused: true });
      expect(layouts.engineRunning).toBe(false);
      expect((await layouts.layout(graph(7))).reused).toBe(false);
      expect(layouts.engineRunning).toBe(true);
      // What the self metrics count.
      expect(told).toEqual([
        'engine on',
        'laid out',
        'engine off',
        'kept',
        'engine on',
        'laid out',
      ]);
    } finally {
      await layouts.close();
    }
  });

  it("tell how many layouts the engine's thread has to do, its warm-up practice included", async () => {
    const told: number[] = [];
    const layouts = new Layouts(undefined, { inProgress: (n) => told.push(n) });
    try {
      layouts.warm();
      expect(told).toEqual([1]);
      // A real layout waits beside the practice step in progress; no further step starts.
      await layouts.layout(graph(5));
      expect(Math.max(...told)).toBe(2);
      await vi.waitFor(() => expect(told.at(-1)).toBe(0), { timeout: 20_000, interval: 20 });
    } finally {
      await layouts.close();
    }
  }, 30_000);

  it('name what is wrong with a graph that cannot be laid out', () => {
    const bad = (g: unknown) => {
      const r = layoutInputSchema.safeParse(g);
      return r.success ? 'accepted' : r.error.issues.map((i) => i.message).join('; ');
    };
    expect(bad(graph(3))).toBe('accepted');
    expect(bad({ ...graph(2), edges: [{ id: 'e', source: 'a/w0', target: 'nowhere' }] })).toContain(
      '"e" joins an unlisted node',
    );
    expect(bad({ ...graph(2), groups: [] })).toContain('is in an unlisted group');
    expect(bad({ ...graph(2), nodes: [{ id: 'x' }, { id: 'x' }], edges: [] })).toContain(
      'ids must be unique',
    );
    expect(bad({ nodes: 'all', edges: [], groups: [] })).not.toBe('accepted');
  });
});
