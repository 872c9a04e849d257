import { useQuery } from '@tanstack/react-query';
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
import { graphView } from './model';
import { ServiceGraph } from './ServiceGraph';
import { NamespacePicker } from './NamespacePicker';

/** Opens a node's workload page; nodes outside the mesh have none. */
export function useOpenNode(): (id: string) => void {
  const navigate = useNavigate();
  const keep = useKeepParams();
  return useCallback(
    (id: string) => {
      const [ns, kind, name] = id.split('/');
      if (ns && kind && name && kind !== 'unknown')
        void navigate(keep(paths.workload(ns, kind, name)));
    },
    [navigate, keep],
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
  const view = useMemo(
    () => (data ? graphView(data, { search, hideIdle, hideHealthy, groupByNamespace }) : undefined),
    [data, search, hideIdle, hideHealthy, groupByNamespace],
  );
  const nodeMap = useMemo(() => new Map((data?.nodes ?? []).map((n) => [n.id, n])), [data]);
  const edge = data?.edges.find((e) => e.id === edgeId);

  return (
    <section className="graph-page">
      <h1>Service graph</h1>
      <div className="toolbar" role="toolbar" aria-label="Graph options">
        <NamespacePicker
          all={namespaces.data?.namespaces.map((n) => n.name) ?? []}
          selected={selected}
          onChange={(list) => setNs(list.length ? list.join(',') : 'all')}
        />
        <label>
          Edge label{' '}
          <select
            aria-label="Edge label"
            value={label}
            onChange={(e) => setLabel(e.target.value, { replace: true })}
          >
            <option value="rps">RPS</option>
            <option value="p95">Latency p95</option>
          </select>
        </label>
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
          Hide healthy
        </label>
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
                  label={label === 'p95' ? 'p95' : ('rps' satisfies EdgeLabelChoice)}
                  selectedEdge={edge?.id}
                  onSelectEdge={selectEdge}
                  onOpenNode={openNode}
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
