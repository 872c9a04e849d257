import { describe, expect, it } from 'vitest';
import {
  NODE_HEIGHT,
  NODE_WIDTH,
  type LayoutInput,
  type LayoutResult,
} from '@meshviz/shared/graph-layout';
import { ARRIVALS, LayoutMemory } from './layout-memory';

const box = (x: number, y: number, parent?: string) => ({
  x,
  y,
  width: NODE_WIDTH,
  height: NODE_HEIGHT,
  ...(parent ? { parent } : {}),
});
const input = (ids: string[]): LayoutInput => ({
  nodes: ids.map((id) => ({ id })),
  edges: [],
  groups: [],
});
const laid = (n: number): LayoutResult =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`n${i}`, box(i * 300, (i % 3) * 100)]));

class MapStorage {
  readonly map = new Map<string, string>();
  getItem = (k: string) => this.map.get(k) ?? null;
  setItem = (k: string, v: string) => void this.map.set(k, v);
  removeItem = (k: string) => void this.map.delete(k);
}

describe('layout memory', () => {
  it('has nothing to place before a layout, then reuses it for the same nodes', () => {
    const m = new LayoutMemory();
    const ids = Object.keys(laid(10));
    expect(m.place('s', input(ids))).toBe(undefined);
    const kept = m.keep('s', laid(10), 10);
    const again = m.place('s', input(ids));
    expect(again?.boxes).toBe(kept.boxes);
    expect(again?.drawing).toBe(kept.drawing);
    // Another scope (grouping, collapsed namespaces) has its own drawing.
    expect(m.place('other', input(ids))).toBe(undefined);
  });

  it('places new nodes below the drawing without moving anyone, and keeps their places', () => {
    const m = new LayoutMemory();
    const base = laid(10);
    m.keep('s', base, 10);
    const ids = Object.keys(base);
    // One node left, two arrived.
    const shown = [...ids.slice(1), 'new-a', 'new-b'];
    const placed = m.place('s', input(shown));
    if (!placed) throw new Error('expected a placement');
    for (const id of ids) expect(placed.boxes[id]).toEqual(base[id]);
    const bottom = Math.max(...Object.values(base).map((b) => b.y + b.height));
    const a = placed.boxes['new-a'];
    const b = placed.boxes['new-b'];
    expect(a && b).toBeTruthy();
    expect(a!.y).toBeGreaterThan(bottom);
    expect(b!.x).toBeGreaterThanOrEqual(a!.x + NODE_WIDTH);
    // The arrivals' box holds them.
    const strip = placed.boxes[ARRIVALS]!;
    expect(strip.y).toBeLessThan(a!.y);
    expect(strip.x + strip.width).toBeGreaterThanOrEqual(b!.x + NODE_WIDTH);
    // A third arrival later: the first two stay where they are, and so does the drawing.
    const later = m.place('s', input([...shown, 'new-c']));
    expect(later?.boxes['new-a']).toEqual(a);
    expect(later?.boxes['new-b']).toEqual(b);
    expect(later?.drawing).toBe(placed.drawing);
    // The node that left comes back to its old place.
    expect(later?.boxes[ids[0]!]).toEqual(base[ids[0]!]);
  });

  it('asks for a fresh layout when too much is new', () => {
    const m = new LayoutMemory();
    m.keep('s', laid(8), 8);
    const many = [...Object.keys(laid(8)), ...Array.from({ length: 41 }, (_, i) => `x${i}`)];
    expect(m.place('s', input(many))).toBe(undefined);
    expect(m.place('s', input(many.slice(0, 8 + 40)))).toBeDefined();
  });

  it('keeps drawings and the pan and zoom in the session, until forgotten', () => {
    const storage = new MapStorage();
    const first = new LayoutMemory(storage);
    first.keep('s', laid(4), 4);
    first.keepViewport('s', { x: -120, y: 40, zoom: 0.5 });
    // A reload: a new memory over the same session storage.
    const second = new LayoutMemory(storage);
    const placed = second.place('s', input(Object.keys(laid(4))));
    expect(placed?.boxes).toEqual(laid(4));
    expect(placed?.viewport).toEqual({ x: -120, y: 40, zoom: 0.5 });
    second.forget('s');
    expect(new LayoutMemory(storage).place('s', input(['n0']))).toBe(undefined);
  });

  it('places arrivals below group boxes, which children are relative to', () => {
    const m = new LayoutMemory();
    const grouped: LayoutResult = {
      'namespace:a': { x: 0, y: 500, width: 400, height: 300 },
      'a/x': box(20, 40, 'namespace:a'),
    };
    m.keep('s', grouped, 1);
    const placed = m.place('s', { ...input(['a/x', 'a/y']), groups: ['a'] });
    expect(placed?.boxes['a/y']?.y).toBeGreaterThan(800);
    expect(placed?.boxes['a/y']?.parent).toBe(undefined);
  });
});
