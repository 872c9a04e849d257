import { useQuery } from '@tanstack/react-query';
import { EGRESS_NETWORK_KIND, type GraphNode } from '@meshviz/shared';
import { useCallback, useMemo } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { graphQuery, namespacesQuery } from '../../api/mesh';
import { useLiveInterval } from '../../app/live';
import { paths } from '../../app/paths';
import { useKeepParams, useParam, useUrlText, useWindow } from '../../app/url-state';
import { download, fileName } from '../../components/download';
import { QueryState } from '../../components/QueryState';
import { UpstreamErrors } from '../../components/UpstreamErrors';
import { EdgeDetail } from './EdgeDetail';
import { EdgeList } from './EdgeList';
import type { EdgeLabelChoice } from './MetricEdge';
import { collapsedSet, graphView } from './model';
import { ServiceGraph } from './ServiceGraph';
import { NamespacePicker } from './NamespacePicker';

/** Opens a node's workload page; nodes outside the mesh have none. */
export function useOpenNode(): (id: string) => void {
  const navigate = useNavigate();
  const keep = useKeepParams();
  return useCallback(
    (id: string) => {
      const [ns, kind, name] = id.split('/');
      if (kind === EGRESS_NETWORK_KIND) void navigate(keep(paths.egress()));
      else if (ns && kind && name && kind !== 'unknown')
        void navigate(keep(paths.workload(ns, kind, name)));
    },
    [navigate, keep],
  );
}

const TOP_CHOICES = [10, 25, 50, 100, 250];

/** A toolbar choice: a visible label, an accessible name and its options. */
function Choice({
  label,
  name,
  value,
  options,
  onChange,
}: {
  label: string;
  name: string;
  value: string;
  options: [value: string, text: string][];
  onChange: (value: string) => void;
}) {
  return (
    <label>
      {label}{' '}
      <select aria-label={name} value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The service graph of one, several or all namespaces, with filters and edge detail. */
export function GraphPage() {
  const [window] = useWindow();
  const [ns, setNs] = useParam('ns', 'all');
  const [label, setLabel] = useParam('label', 'rps');
  const [search, setSearch] = useUrlText('q');
  const [hide, setHide] = useParam('hide');
  const [group, setGroup] = useParam('group', 'namespace');
  const [edgeId, setEdgeId] = useParam('edge');
  const [collapsedParam, setCollapsed] = useParam('collapsed', 'auto');
  const [focus, setFocus] = useParam('focus');
  const [hops, setHops] = useParam('hops', '1');
  const [top, setTop] = useParam('top', '0');
  const [around, setAround] = useParam('around');
  const interval = useLiveInterval();
  const graph = useQuery({ ...graphQuery(ns, window), refetchInterval: interval });
  const namespaces = useQuery(namespacesQuery(window));
  const openNode = useOpenNode();
  const keep = useKeepParams();
  const selectEdge = useCallback((id: string) => setEdgeId(id), [setEdgeId]);
  const hidden = new Set(hide.split(',').filter(Boolean));
  const toggleHide = (what: string) => {
    const next = new Set(hidden);
    if (next.has(what)) next.delete(what);
    else next.add(what);
    setHide([...next].sort().join(','), { replace: true });
  };
  const selected = ns === 'all' ? [] : ns.split(',');

  const hideIdle = hidden.has('idle');
  const hideHealthy = hidden.has('healthy');
  const groupByNamespace = group === 'namespace' && selected.length !== 1;
  const data = graph.data;
  const graphNamespaces = useMemo(
    () => [...new Set((data?.nodes ?? []).map((n) => n.namespace))].sort(),
    [data],
  );
  const collapsedKey = [
    ...collapsedSet(collapsedParam, graphNamespaces, data?.nodes.length ?? 0, selected),
  ].join(',');
  const view = useMemo(
    () =>
      data
        ? graphView(data, {
            search,
            hideIdle,
            hideHealthy,
            groupByNamespace,
            collapsed: new Set(collapsedKey.split(',').filter(Boolean)),
            focus,
            hops: Number(hops) || 1,
            top: Number(top) || 0,
            around,
          })
        : undefined,
    [data, search, hideIdle, hideHealthy, groupByNamespace, collapsedKey, focus, hops, top, around],
  );
  const setCollapsedList = useCallback(
    (list: string[]) => setCollapsed(list.length ? [...list].sort().join(',') : 'none'),
    [setCollapsed],
  );
  const current = useMemo(() => collapsedKey.split(',').filter(Boolean), [collapsedKey]);
  const expand = useCallback(
    (namespace: string) => setCollapsedList(current.filter((c) => c !== namespace)),
    [current, setCollapsedList],
  );
  const collapseOne = useCallback(
    (namespace: string) => setCollapsedList([...current, namespace]),
    [current, setCollapsedList],
  );
  const focusOn = useCallback((id: string) => setFocus(id), [setFocus]);
  const nodeMap = useMemo(
    () =>
      new Map<string, GraphNode>([
        ...(data?.nodes ?? []).map((n) => [n.id, n] as const),
        ...(view?.nodes ?? []).map((n) => [n.id, n] as const),
      ]),
    [data, view],
  );
  const edge = view?.edges.find((e) => e.id === edgeId) ?? data?.edges.find((e) => e.id === edgeId);
  const focused = focus ? nodeMap.get(focus) : undefined;

  return (
    <section className="graph-page">
      <h1>Service graph</h1>
      <div className="toolbar" role="toolbar" aria-label="Graph options">
        <NamespacePicker
          all={namespaces.data?.namespaces.map((n) => n.name) ?? []}
          selected={selected}
          onChange={(list) => setNs(list.length ? list.join(',') : 'all')}
        />
        <Choice
          label="Edge label"
          name="Edge label"
          value={label}
          options={[
            ['rps', 'RPS'],
            ['p95', 'Latency p95'],
          ]}
          onChange={(v) => setLabel(v, { replace: true })}
        />
        <input
          type="search"
          aria-label="Search workloads"
          placeholder="Search workloads…"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        {search && view && <span className="hint">{view.matches} matching</span>}
        <label>
          <input type="checkbox" checked={hideIdle} onChange={() => toggleHide('idle')} /> Hide idle
        </label>
        <label>
          <input type="checkbox" checked={hideHealthy} onChange={() => toggleHide('healthy')} />{' '}
          Errors only
        </label>
        <Choice
          label="Top"
          name="Top workloads by traffic"
          value={top}
          options={[
            ['0', 'all'],
            ...TOP_CHOICES.map((n): [string, string] => [String(n), `${n} by traffic`]),
          ]}
          onChange={setTop}
        />
        <Choice
          label="Around"
          name="Callers and callees of namespace"
          value={around}
          options={[['', 'any namespace'], ...graphNamespaces.map((n): [string, string] => [n, n])]}
          onChange={setAround}
        />
        <label>
          <input
            type="checkbox"
            checked={group === 'namespace'}
            onChange={() =>
              setGroup(group === 'namespace' ? 'none' : 'namespace', { replace: true })
            }
          />{' '}
          Group by namespace
        </label>
        <button
          type="button"
          disabled={!data || current.length === graphNamespaces.length}
          onClick={() => setCollapsedList(graphNamespaces)}
        >
          Collapse all
        </button>
        <button
          type="button"
          disabled={!data || current.length === 0}
          onClick={() => setCollapsedList([])}
        >
          Expand all
        </button>
        <button
          type="button"
          disabled={!data}
          onClick={() =>
            data &&
            download(
              fileName(`graph ${ns === 'all' ? 'all namespaces' : ns}`, window, 'json'),
              JSON.stringify(data, null, 2),
              'application/json',
            )
          }
        >
          Download JSON
        </button>
      </div>
      {focus && (
        <div className="graph-tools" role="group" aria-label="Focus">
          <span>
            Focus on <strong>{focused ? `${focused.namespace}/${focused.name}` : focus}</strong>
            {!focused && ' (not in the graph now)'}
          </span>
          <Choice
            label="Hops"
            name="Hops from the focused workload"
            value={hops}
            options={['1', '2', '3'].map((h): [string, string] => [h, h])}
            onChange={setHops}
          />
          <button type="button" onClick={() => setFocus('')}>
            Clear focus
          </button>
        </div>
      )}
      <QueryState query={graph} what="the service graph">
        {(g) => (
          <>
            <UpstreamErrors errors={g.errors} />
            <p className="caption">
              {g.nodes.length} workloads, {g.edges.length} edges over the last {g.window}. Edges run
              from client to server; a dotted edge carries some requests without mTLS, a dashed one
              none.{' '}
              {selected.map((n) => (
                <span key={n}>
                  <Link to={keep(paths.policy(n))}>Policy of {n}</Link> ·{' '}
                </span>
              ))}
              <Link to={keep(paths.findings())}>Findings</Link>
            </p>
            <div className="graph-with-detail">
              {view && (
                <ServiceGraph
                  view={view}
                  scope={`graph:${ns}`}
                  label={label === 'p95' ? 'p95' : ('rps' satisfies EdgeLabelChoice)}
                  selectedEdge={edge?.id}
                  onSelectEdge={selectEdge}
                  onOpenNode={openNode}
                  onFocusNode={focusOn}
                  onExpand={expand}
                  onCollapse={groupByNamespace ? collapseOne : undefined}
                  exportAs={{ what: `graph ${ns === 'all' ? 'all namespaces' : ns}`, window }}
                  height="calc(100vh - 230px)"
                />
              )}
              {edge && <EdgeDetail edge={edge} nodes={nodeMap} onClose={() => setEdgeId('')} />}
              {edgeId && !edge && (
                <aside className="detail" aria-label="Edge detail">
                  <p>This edge has no traffic in the window.</p>
                  <button type="button" onClick={() => setEdgeId('')}>
                    Close
                  </button>
                </aside>
              )}
            </div>
            {view && <EdgeList edges={view.edges} onSelect={selectEdge} />}
          </>
        )}
      </QueryState>
    </section>
  );
}
