import ELK from 'elkjs/lib/elk.bundled.js';
import { describe, expect, it } from 'vitest';
import { groupId } from './model';
import { boxesOf, elkGraph, layOut, NODE_WIDTH, type Box } from './layout';

describe('graph layout', () => {
  it('lays clients left of servers and keeps each namespace in its own box', async () => {
    const input = {
      nodes: [
        { id: 'a/deployments/client', group: 'a' },
        { id: 'a/deployments/server', group: 'a' },
        { id: 'b/deployments/db', group: 'b' },
      ],
      edges: [
        { id: 'e1', source: 'a/deployments/client', target: 'a/deployments/server' },
        { id: 'e2', source: 'a/deployments/server', target: 'b/deployments/db' },
        { id: 'self', source: 'b/deployments/db', target: 'b/deployments/db' },
      ],
      groups: ['a', 'b'],
    };
    const boxes = boxesOf(await new ELK().layout(elkGraph(input)));
    const client = boxes['a/deployments/client'];
    const server = boxes['a/deployments/server'];
    const groupA = boxes[groupId('a')];
    const groupB = boxes[groupId('b')];
    if (!client || !server || !groupA || !groupB) throw new Error('missing boxes');
    expect(server.x).toBeGreaterThanOrEqual(client.x + NODE_WIDTH);
    // Children are placed relative to their group and inside it.
    for (const b of [client, server]) {
      expect(b.parent).toBe(groupId('a'));
      expect(b.x).toBeGreaterThanOrEqual(0);
      expect(b.x + b.width).toBeLessThanOrEqual(groupA.width);
    }
    const overlap =
      groupA.x < groupB.x + groupB.width &&
      groupB.x < groupA.x + groupA.width &&
      groupA.y < groupB.y + groupB.height &&
      groupB.y < groupA.y + groupA.height;
    expect(overlap).toBe(false);
    expect(groupA.parent).toBe(undefined);
  });

  it('lays a large grouped graph out namespace by namespace, then places the boxes by their calls', async () => {
    // Three namespaces of 30 workloads: a chain inside each, and a calls b calls c.
    const groups = ['a', 'b', 'c'];
    const nodes = groups.flatMap((g) =>
      Array.from({ length: 30 }, (_, i) => ({ id: `${g}/deployments/w${i}`, group: g })),
    );
    const edges = groups.flatMap((g) =>
      Array.from({ length: 29 }, (_, i) => ({
        id: `${g}${i}`,
        source: `${g}/deployments/w${i}`,
        target: `${g}/deployments/w${i + 1}`,
      })),
    );
    edges.push(
      { id: 'ab', source: 'a/deployments/w29', target: 'b/deployments/w0' },
      { id: 'bc', source: 'b/deployments/w29', target: 'c/deployments/w0' },
    );
    const collapsed = { id: 'collapsed:d' };
    edges.push({ id: 'cd', source: 'c/deployments/w29', target: collapsed.id });
    const elk = new ELK();
    const runs: number[] = [];
    const boxes = await layOut({ nodes: [...nodes, collapsed], edges, groups }, (g) => {
      runs.push(g.children?.length ?? 0);
      return elk.layout(g);
    });
    // One run per namespace, then one for the three boxes and the collapsed node.
    expect(runs).toEqual([30, 30, 30, 4]);
    const box = (id: string): Box => {
      const b = boxes[id];
      if (!b) throw new Error(`no box for ${id}`);
      return b;
    };
    for (const g of groups) {
      const frame = box(groupId(g));
      expect(frame.parent).toBe(undefined);
      for (let i = 0; i < 30; i++) {
        const b = box(`${g}/deployments/w${i}`);
        expect(b.parent).toBe(groupId(g));
        expect(b.x).toBeGreaterThanOrEqual(0);
        expect(b.y).toBeGreaterThanOrEqual(40);
        expect(b.x + b.width).toBeLessThanOrEqual(frame.width);
        expect(b.y + b.height).toBeLessThanOrEqual(frame.height);
        // Callers left of whom they call.
        if (i > 0) expect(b.x).toBeGreaterThan(box(`${g}/deployments/w${i - 1}`).x);
      }
    }
    // Namespaces flow left to right as they call each other, without overlapping.
    expect(box(groupId('b')).x).toBeGreaterThanOrEqual(
      box(groupId('a')).x + box(groupId('a')).width,
    );
    expect(box(groupId('c')).x).toBeGreaterThanOrEqual(
      box(groupId('b')).x + box(groupId('b')).width,
    );
    expect(box(collapsed.id).x).toBeGreaterThanOrEqual(
      box(groupId('c')).x + box(groupId('c')).width,
    );
  });
});
