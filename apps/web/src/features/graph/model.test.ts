import { describe, expect, it } from 'vitest';
import type { GraphEdge, GraphNode } from '@meshviz/shared';
import {
  COLLAPSE_FROM,
  collapsedId,
  collapsedSet,
  graphView,
  layoutEdges,
  shapeKey,
} from './model';

const node = (
  ns: string,
  name: string,
  successRate: number | null,
  rps: number | null,
): GraphNode => ({
  id: `${ns}/deployments/${name}`,
  namespace: ns,
  kind: 'deployments',
  name,
  meshed: true,
  successRate,
  rps,
  latencyMs: { p50: null, p95: null, p99: null },
});
const edge = (
  s: GraphNode,
  t: GraphNode,
  successRate: number | null,
  rps: number | null,
): GraphEdge => ({
  id: `${s.id}>${t.id}`,
  source: s.id,
  target: t.id,
  protocol: 'http',
  rps,
  successRate,
  latencyMs: { p95: null },
  mtls: { securedShare: 1, state: 'all', reasons: [], clientIdentity: null, serverIdentities: [] },
});

const web = node('emojivoto', 'web', 0.88, 2);
const voting = node('emojivoto', 'voting', 0.85, 1);
const emoji = node('emojivoto', 'emoji', 1, 2);
const bot = node('emojivoto', 'vote-bot', null, null);
const idle = node('booksapp', 'log-collector', null, null);
const graph = {
  nodes: [web, voting, emoji, bot, idle],
  edges: [edge(bot, web, 0.88, 2), edge(web, voting, 0.85, 1), edge(web, emoji, 1, 2)],
};
const none = { search: '', hideIdle: false, hideHealthy: false, groupByNamespace: false };
const ids = (v: ReturnType<typeof graphView>) => v.nodes.map((n) => n.name).sort();

describe('graph view model', () => {
  it('when hiding idle, drops workloads with no traffic either way, but keeps pure clients', () => {
    const v = graphView(graph, { ...none, hideIdle: true });
    // vote-bot serves nothing but calls web: it is not idle.
    expect(ids(v)).toEqual(['emoji', 'vote-bot', 'voting', 'web']);
  });

  it('when hiding healthy, keeps failing workloads and the peers of failing edges', () => {
    const v = graphView(graph, { ...none, hideHealthy: true });
    expect(ids(v)).toEqual(['vote-bot', 'voting', 'web']);
    expect(v.edges.map((e) => e.id)).not.toContain(`${web.id}>${emoji.id}`);
  });

  it('when searching, marks matches by name and dims the rest; a slash searches namespaces too', () => {
    const v = graphView(graph, { ...none, search: 'vot' });
    expect(v.matches).toBe(2);
    expect(v.nodes.find((n) => n.name === 'web')?.dim).toBe(true);
    expect(graphView(graph, { ...none, search: 'booksapp/' }).matches).toBe(1);
  });

  it('when grouping, lists the namespaces shown; the shape key ignores numbers', () => {
    const v = graphView(graph, { ...none, groupByNamespace: true });
    expect(v.groups).toEqual(['booksapp', 'emojivoto']);
    const busier = graphView(
      { ...graph, nodes: graph.nodes.map((n) => ({ ...n, rps: 99 })) },
      { ...none, groupByNamespace: true },
    );
    expect(shapeKey(busier.layout)).toBe(shapeKey(v.layout));
    // Filters hide nodes from the drawing; they never change what is laid out.
    const filtered = graphView(graph, { ...none, groupByNamespace: true, hideIdle: true });
    expect(filtered.nodes.length).toBeLessThan(v.nodes.length);
    expect(shapeKey(filtered.layout)).toBe(shapeKey(v.layout));
    expect(filtered.layoutScope).toBe(v.layoutScope);
    expect(v.layout.nodes.find((n) => n.id === web.id)?.group).toBe('emojivoto');
  });

  it('collapses a namespace into one node, summing its calls per peer', () => {
    const books = node('booksapp', 'webapp', 0.5, 4);
    const withBooks = {
      nodes: [...graph.nodes, books],
      edges: [
        ...graph.edges,
        // Two calls from emojivoto into booksapp: 2 rps all good and 2 rps all failing.
        { ...edge(web, books, 1, 2), latencyMs: { p95: 40 } },
        {
          ...edge(voting, books, 0, 2),
          latencyMs: { p95: 90 },
          mtls: { ...edge(voting, books, 0, 2).mtls, securedShare: 0, state: 'none' as const },
        },
      ],
    };
    const v = graphView(withBooks, { ...none, collapsed: new Set(['emojivoto']) });
    const folded = v.nodes.find((n) => n.id === collapsedId('emojivoto'));
    expect(folded?.members).toBe(4);
    // Served requests of its workloads: web 2 (0.88), voting 1 (0.85), emoji 2 (1.0).
    expect(folded?.rps).toBe(5);
    expect(folded?.successRate).toBeCloseTo((2 * 0.88 + 0.85 + 2) / 5, 10);
    expect(v.nodes.map((n) => n.id)).toContain(books.id);
    // Calls inside emojivoto are gone; the two into booksapp are one edge.
    expect(v.edges).toHaveLength(1);
    const [summed] = v.edges;
    expect(summed?.id).toBe(`${collapsedId('emojivoto')}>${books.id}`);
    expect(summed?.members).toBe(2);
    expect(summed?.rps).toBe(4);
    expect(summed?.successRate).toBe(0.5);
    // Quantiles do not add: the worst p95 of the two.
    expect(summed?.latencyMs.p95).toBe(90);
    // Half the requests went without mTLS.
    expect(summed?.mtls.state).toBe('some');
    expect(summed?.mtls.securedShare).toBe(0.5);
    // Collapsed nodes sit outside namespace boxes; each collapse set is its own drawing.
    const grouped = graphView(withBooks, {
      ...none,
      groupByNamespace: true,
      collapsed: new Set(['emojivoto']),
    });
    expect(grouped.groups).toEqual(['booksapp']);
    expect(grouped.layout.nodes.find((n) => n.id === collapsedId('emojivoto'))?.group).toBe(
      undefined,
    );
    expect(grouped.layoutScope).not.toBe(
      graphView(withBooks, { ...none, groupByNamespace: true }).layoutScope,
    );
  });

  it('focuses on a workload and its neighbours, N calls away either way', () => {
    const one = graphView(graph, { ...none, focus: voting.id, hops: 1 });
    expect(ids(one)).toEqual(['voting', 'web']);
    const two = graphView(graph, { ...none, focus: voting.id, hops: 2 });
    expect(ids(two)).toEqual(['emoji', 'vote-bot', 'voting', 'web']);
    // A focus on a node not in the graph filters nothing.
    expect(graphView(graph, { ...none, focus: 'gone/deployments/x' }).nodes).toHaveLength(5);
  });

  it('keeps the top N nodes by traffic, counting calls either way', () => {
    // web takes part in 2 + 1 + 2 = 5 rps, emoji 2, vote-bot 2, voting 1, log-collector 0.
    const v = graphView(graph, { ...none, top: 1 });
    expect(ids(v)).toEqual(['web']);
    expect(v.edges).toHaveLength(0);
    expect(ids(graphView(graph, { ...none, top: 2 }))).toEqual(['emoji', 'web']);
  });

  it("shows one namespace's workloads with their callers and callees only", () => {
    const books = node('booksapp', 'webapp', 1, 1);
    const other = node('other', 'lonely', 1, 1);
    const g = {
      nodes: [...graph.nodes, books, other],
      edges: [...graph.edges, edge(books, web, 1, 1)],
    };
    const v = graphView(g, { ...none, around: 'booksapp' });
    // booksapp's two workloads, and web, which webapp calls; emojivoto's other calls drop.
    expect(ids(v)).toEqual(['log-collector', 'web', 'webapp']);
    expect(v.edges.map((e) => e.id)).toEqual([`${books.id}>${web.id}`]);
  });

  it("lays a dense graph out by each node's two busiest calls each way, and draws every call", () => {
    const hub = node('a', 'hub', 1, 1);
    const peers = ['p1', 'p2', 'p3', 'p4'].map((n) => node('a', n, 1, 1));
    // 4 nodes + hub = 5 nodes, 16 edges (> 3 a node): hub calls everyone, everyone calls hub,
    // and p1..p4 call each other at rates that rank them.
    const dense = [
      ...peers.map((p, i) => edge(hub, p, 1, 10 - i)),
      ...peers.map((p, i) => edge(p, hub, 1, 1 + i)),
      ...peers.flatMap((p, i) =>
        peers
          .filter((q) => q !== p)
          .slice(0, 2)
          .map((q, j) => edge(p, q, 1, i + j)),
      ),
    ];
    expect(dense.length).toBeGreaterThan(15);
    const kept = layoutEdges(dense, 5);
    const ids = new Set(kept.map((e) => e.id));
    // The hub's two busiest calls out (to p1 at 10 rps and p2 at 9), never its slowest.
    expect(ids.has(`${hub.id}>${peers[0]!.id}`)).toBe(true);
    expect(ids.has(`${hub.id}>${peers[1]!.id}`)).toBe(true);
    for (const n of [hub, ...peers]) {
      expect(kept.filter((e) => e.source === n.id).length).toBeLessThanOrEqual(4);
    }
    expect(kept.length).toBeLessThan(dense.length);
    // A sparse graph is laid out by all its calls; the view always draws all of them.
    expect(layoutEdges(graph.edges, graph.nodes.length)).toBe(graph.edges);
    const v = graphView({ nodes: [hub, ...peers], edges: dense }, none);
    expect(v.edges).toHaveLength(dense.length);
    expect(v.layout.edges).toHaveLength(kept.length);
  });

  it('collapses every namespace of a large graph by default, but the one picked, and follows the URL', () => {
    const all = ['a', 'b', 'c'];
    expect([...collapsedSet('auto', all, COLLAPSE_FROM, [])]).toEqual([]);
    expect([...collapsedSet('auto', all, COLLAPSE_FROM + 1, [])]).toEqual(all);
    expect([...collapsedSet('auto', all, COLLAPSE_FROM + 1, ['b'])]).toEqual(['a', 'c']);
    expect([...collapsedSet('auto', all, COLLAPSE_FROM + 1, ['a', 'b'])]).toEqual(all);
    expect([...collapsedSet('none', all, COLLAPSE_FROM + 1, [])]).toEqual([]);
    expect([...collapsedSet('b,c', all, 10, [])]).toEqual(['b', 'c']);
  });
});
