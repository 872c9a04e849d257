import { describe, expect, it } from 'vitest';
import type { GraphEdge, GraphNode } from '@meshviz/shared';
import { NODE_HEIGHT, NODE_WIDTH } from '@meshviz/shared/graph-layout';
import { graphSvg } from './export-image';
import { graphView, groupId } from './model';

const node = (ns: string, name: string, meshed = true): GraphNode => ({
  id: `${ns}/deployments/${name}`,
  namespace: ns,
  kind: 'deployments',
  name,
  meshed,
  successRate: 0.5,
  rps: 2,
  latencyMs: { p50: null, p95: null, p99: null },
});
const edge = (s: GraphNode, t: GraphNode, state: 'all' | 'some' | 'none'): GraphEdge => ({
  id: `${s.id}>${t.id}`,
  source: s.id,
  target: t.id,
  protocol: 'http',
  rps: 1.5,
  successRate: 1,
  latencyMs: { p95: 12 },
  mtls: { securedShare: 1, state, reasons: [], clientIdentity: null, serverIdentities: [] },
});

const a = node('shop', 'web');
const b = node('shop', '<cart & "co">', false);
const c = node('db', 'pg');
const graph = { nodes: [a, b, c], edges: [edge(a, b, 'some'), edge(b, c, 'all')] };
const box = (x: number, y: number, parent?: string) => ({
  x,
  y,
  width: NODE_WIDTH,
  height: NODE_HEIGHT,
  ...(parent ? { parent } : {}),
});
const boxes = {
  [groupId('shop')]: { x: 100, y: 50, width: 600, height: 200 },
  [groupId('db')]: { x: 900, y: 50, width: 300, height: 200 },
  [a.id]: box(20, 40, groupId('shop')),
  [b.id]: box(300, 40, groupId('shop')),
  [c.id]: box(20, 40, groupId('db')),
};

describe('graph as SVG', () => {
  const view = graphView(graph, {
    search: '',
    hideIdle: false,
    hideHealthy: false,
    groupByNamespace: true,
  });
  const { svg, width, height } = graphSvg(view, boxes, 'rps', 'meshviz · graph · last 1m');
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  const byId = (id: string) =>
    [...doc.querySelectorAll('g')].find((g) => g.getAttribute('data-id') === id);

  it('is well-formed XML with every shown node, edge and namespace box', () => {
    expect(doc.getElementsByTagName('parsererror')).toHaveLength(0);
    const ids = (cls: string) =>
      [...doc.querySelectorAll(`g.${cls}`)].map((g) => g.getAttribute('data-id'));
    expect(ids('node')).toEqual([a.id, b.id, c.id]);
    expect(ids('edge')).toEqual([`${a.id}>${b.id}`, `${b.id}>${c.id}`]);
    expect(doc.querySelectorAll('g.group')).toHaveLength(2);
    // Names are text, not markup.
    expect(byId(b.id)?.querySelector('text')?.textContent).toBe('<cart & "co">');
  });

  it('places children in their group, draws edges between the boxes, and dashes like the screen', () => {
    const pg = byId(c.id);
    expect(pg?.getAttribute('transform')).toBe('translate(920,90)');
    const path = byId(`${a.id}>${b.id}`)?.querySelector('path');
    // From the right middle of web (120 + 190, 90 + 34) to the left middle of cart (400, 124).
    expect(path?.getAttribute('d')).toMatch(/^M310,124 C.* 400,124$/);
    expect(path?.getAttribute('stroke-dasharray')).toBe('1 4');
    expect(byId(`${b.id}>${c.id}`)?.querySelector('path')?.hasAttribute('stroke-dasharray')).toBe(
      false,
    );
    // The unmeshed node is dashed, the label carries the rate.
    expect(byId(b.id)?.querySelector('rect')?.getAttribute('stroke-dasharray')).toBe('6 4');
    expect(byId(`${a.id}>${b.id}`)?.querySelector('text')?.textContent).toBe('1.5 rps');
  });

  it('is sized to the drawing plus a margin and a title', () => {
    // Boxes span x 100..1200 and y 50..250.
    expect(width).toBe(1100 + 80);
    expect(height).toBe(200 + 80 + 30);
    expect(svg).toContain('meshviz · graph · last 1m');
  });
});
