import { describe, expect, it } from 'vitest';
import type { GraphEdge, GraphNode } from '@meshviz/shared';
import { graphView, shapeKey } from './model';

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
    expect(shapeKey(busier)).toBe(shapeKey(v));
    expect(shapeKey(graphView(graph, { ...none, hideIdle: true }))).not.toBe(shapeKey(v));
  });
});
