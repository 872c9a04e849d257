import ELK from 'elkjs/lib/elk.bundled.js';
import { describe, expect, it } from 'vitest';
import { boxesOf, elkGraph, groupId, layoutInputOf, NODE_WIDTH } from './graph-layout';

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

  it('builds the same input from a graph answer wherever it runs: boxes by namespace, folded nodes outside', () => {
    const nodes = [
      { id: 'b/deployments/x', namespace: 'b' },
      { id: 'collapsed:c', namespace: 'c', folded: true },
      { id: 'a/deployments/y', namespace: 'a' },
    ];
    const edges = [{ id: 'e', source: 'b/deployments/x', target: 'a/deployments/y', rps: 1 }];
    expect(layoutInputOf(nodes, edges, true)).toEqual({
      nodes: [
        { id: 'b/deployments/x', group: 'b' },
        { id: 'collapsed:c' },
        { id: 'a/deployments/y', group: 'a' },
      ],
      edges: [{ id: 'e', source: 'b/deployments/x', target: 'a/deployments/y' }],
      groups: ['a', 'b'],
    });
    expect(layoutInputOf(nodes, edges, false).groups).toEqual([]);
    expect(layoutInputOf(nodes, edges, false).nodes.every((n) => !('group' in n))).toBe(true);
  });
});
