import type { TapCall } from '@meshviz/shared';
import { TAP_RESOURCES } from '@meshviz/shared';
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import { namespacesQuery } from '../../api/mesh';
import type { TapFilter, TapProblem } from '../../api/tap';
import { useParam, useWindow } from '../../app/url-state';
import { type Column, DataTable } from '../../components/DataTable';
import { download, fileName } from '../../components/download';
import { figureColumn } from '../../components/figure-column';
import { formatLatency, formatPercent } from '../../format/format';
import { peerName, type TopRow } from './top';
import type { TapView } from './use-tap';

/** The filter fields, in the order the form shows them, with their URL parameter names. */
const FIELDS = [
  ['namespace', 'ns'],
  ['resource', 'resource'],
  ['name', 'name'],
  ['toNamespace', 'toNs'],
  ['toResource', 'toResource'],
  ['toName', 'toName'],
  ['method', 'method'],
  ['path', 'path'],
  ['authority', 'authority'],
  ['maxRps', 'maxRps'],
] as const satisfies readonly (readonly [keyof TapFilter, string])[];

/** The tap filter in the URL (`?ns=&resource=&name=&path=...`); undefined until a target is set. */
export function useTapFilter(): [TapFilter | undefined, (f: TapFilter) => void] {
  const [params, setParams] = useSearchParams();
  const values = Object.fromEntries(
    FIELDS.map(([field, param]) => [field, params.get(param) ?? '']),
  ) as Record<keyof TapFilter, string>;
  const filter: TapFilter | undefined =
    values.namespace && values.resource && values.name
      ? (Object.fromEntries(
          Object.entries(values).filter(([, v]) => v !== ''),
        ) as unknown as TapFilter)
      : undefined;
  const set = (f: TapFilter) =>
    setParams((prev) => {
      const out = new URLSearchParams(prev);
      for (const [field, param] of FIELDS) {
        const v = f[field]?.trim();
        if (v) out.set(param, v);
        else out.delete(param);
      }
      out.delete('paused');
      return out;
    });
  return [filter, set];
}

/** Pause (`?paused=1`) and the row limit (`?limit=`), in the URL. */
export function useTapRun(): {
  running: boolean;
  toggle(): void;
  limit: number;
  setLimit(n: number): void;
} {
  const [paused, setPaused] = useParam('paused', '');
  const [limitText, setLimitText] = useParam('limit', '100');
  const limit = LIMITS.includes(Number(limitText)) ? Number(limitText) : 100;
  return {
    running: paused !== '1',
    toggle: () => setPaused(paused === '1' ? '' : '1', { replace: true }),
    limit,
    setLimit: (n) => setLimitText(String(n), { replace: true }),
  };
}

const LIMITS = [50, 100, 500, 1000, 5000];

/** The filter form: a target, then optional narrowing; Start puts it in the URL. */
export function TapForm({
  filter,
  onStart,
}: {
  filter: TapFilter | undefined;
  onStart(f: TapFilter): void;
}) {
  const [window] = useWindow();
  const namespaces = useQuery(namespacesQuery(window));
  const [draft, setDraft] = useState<TapFilter>(
    filter ?? { namespace: '', resource: 'deployments', name: '' },
  );
  const field = (k: keyof TapFilter) => ({
    value: draft[k] ?? '',
    onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [k]: e.target.value }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onStart(draft.resource === 'namespaces' ? { ...draft, name: draft.namespace } : draft);
  };
  const names = namespaces.data?.namespaces.map((n) => n.name) ?? [];
  return (
    <form className="tap-form" aria-label="Tap filters" onSubmit={submit}>
      <div className="field">
        <label htmlFor="tap-namespace">Namespace</label>
        <input id="tap-namespace" list="tap-namespaces" required {...field('namespace')} />
      </div>
      <datalist id="tap-namespaces">
        {names.map((n) => (
          <option key={n} value={n} />
        ))}
      </datalist>
      <div className="field">
        <label htmlFor="tap-resource">Resource</label>
        <select id="tap-resource" {...field('resource')}>
          {TAP_RESOURCES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="tap-name">Name</label>
        <input
          id="tap-name"
          {...field('name')}
          required={draft.resource !== 'namespaces'}
          disabled={draft.resource === 'namespaces'}
        />
      </div>
      <div className="field">
        <label htmlFor="tap-to-namespace">To namespace</label>
        <input id="tap-to-namespace" list="tap-namespaces" {...field('toNamespace')} />
      </div>
      <div className="field">
        <label htmlFor="tap-to-resource">To resource</label>
        <select id="tap-to-resource" {...field('toResource')}>
          <option value="">any</option>
          {TAP_RESOURCES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="tap-to-name">To name</label>
        <input id="tap-to-name" {...field('toName')} />
      </div>
      <div className="field">
        <label htmlFor="tap-method">Method</label>
        <select id="tap-method" {...field('method')}>
          <option value="">any</option>
          {['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'].map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="tap-path-prefix">Path prefix</label>
        <input id="tap-path-prefix" placeholder="/api" {...field('path')} />
      </div>
      <div className="field">
        <label htmlFor="tap-authority">Authority</label>
        <input
          id="tap-authority"
          placeholder="web-svc.emojivoto.svc.cluster.local:80"
          {...field('authority')}
        />
      </div>
      <div className="field">
        <label htmlFor="tap-max-rps">Max RPS</label>
        <input
          id="tap-max-rps"
          type="number"
          min="0.1"
          max="100"
          step="any"
          placeholder="20"
          {...field('maxRps')}
        />
      </div>
      <button type="submit">Start</button>
    </form>
  );
}

const STATE_TEXT: Record<TapView['state'], string> = {
  idle: 'Not started',
  connecting: 'Starting the tap…',
  live: 'Live',
  paused: 'Paused',
  ended: 'Stopped',
};

/** State, pause and resume, the row limit, clearing and export of what was captured. */
export function TapControls({
  view,
  what,
  run,
}: {
  view: TapView;
  what: string;
  run: ReturnType<typeof useTapRun>;
}) {
  const exportJson = () =>
    download(
      fileName(`tap-${what}`, new Date().toISOString().slice(0, 19), 'json'),
      `${JSON.stringify(view.calls, null, 2)}\n`,
      'application/json',
    );
  return (
    <div className="tap-controls">
      <span className={`tap-state tap-${view.state}`} role="status" aria-label="Tap state">
        {STATE_TEXT[view.state]}
      </span>
      <button
        type="button"
        onClick={run.toggle}
        disabled={view.state === 'idle'}
        aria-label={run.running ? 'Pause the tap' : 'Resume the tap'}
      >
        {run.running ? 'Pause' : 'Resume'}
      </button>
      <div className="field">
        <label htmlFor="tap-rows">Rows</label>
        <select
          id="tap-rows"
          value={run.limit}
          onChange={(e) => run.setLimit(Number(e.target.value))}
        >
          {LIMITS.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </div>
      <button type="button" onClick={view.clear} disabled={view.calls.length === 0}>
        Clear
      </button>
      <button
        type="button"
        onClick={exportJson}
        disabled={view.calls.length === 0}
        aria-label="Download the captured calls as JSON"
      >
        JSON
      </button>
      {view.stats && (
        <span className="tap-stats">
          {view.stats.received} calls received
          {view.stats.dropped > 0 &&
            `, ${view.stats.dropped} not shown (over ${view.stats.capPerSecond}/s for one viewer)`}
        </span>
      )}
    </div>
  );
}

/** Why there is no tap, and what would make one possible. */
export function TapProblemView({ problem }: { problem: TapProblem }) {
  switch (problem.code) {
    case 'tap_not_installed':
      return (
        <div className="state failed" role="alert">
          <strong>Tap is not installed in this cluster.</strong> The Kubernetes API serves no
          APIService <code>v1alpha1.tap.linkerd.io</code>: linkerd-viz, which runs the tap
          component, is not installed. Install it with{' '}
          <code>linkerd viz install | kubectl apply -f -</code> (or its Helm chart), then start
          again. Everything else in meshviz works without it.
          <p className="detail">{problem.message}</p>
        </div>
      );
    case 'tap_forbidden':
      return (
        <div className="state failed" role="alert">
          <strong>Tap is not allowed for meshviz&apos;s identity.</strong> The Kubernetes API
          refused the tap: RBAC must allow verb <code>watch</code> on resources of API group{' '}
          <code>tap.linkerd.io</code>. In the cluster, <code>kubectl apply -k deploy/tap</code> adds
          that rule for meshviz&apos;s service account; from a laptop, bind such a role to your
          user. Everything else in meshviz works without it.
          <p className="detail">{problem.message}</p>
        </div>
      );
    case 'tap_busy':
      return (
        <div className="state failed" role="alert">
          <strong>Too many taps are open on this meshviz.</strong> {problem.message}
        </div>
      );
    default:
      return (
        <div className="state failed" role="alert">
          <strong>The tap stopped:</strong> {problem.message}
        </div>
      );
  }
}

const statusText = (c: TapCall) =>
  c.status === null
    ? c.resetError !== null
      ? `reset ${c.resetError}`
      : '—'
    : c.grpcStatus !== null
      ? `${c.status} grpc ${c.grpcStatus}`
      : String(c.status);

/** Captured calls, newest first. */
export function CallsTable({ id, calls, label }: { id: string; calls: TapCall[]; label: string }) {
  const columns: Column<TapCall>[] = [
    {
      key: 'at',
      header: 'Time',
      value: (c) => c.at,
      render: (c) => new Date(c.at).toLocaleTimeString(),
    },
    { key: 'direction', header: 'Direction', value: (c) => c.direction },
    { key: 'source', header: 'Source', value: (c) => peerName(c.source) },
    { key: 'destination', header: 'Destination', value: (c) => peerName(c.destination) },
    { key: 'method', header: 'Method', value: (c) => c.method },
    { key: 'path', header: 'Path', value: (c) => c.path },
    {
      key: 'status',
      header: 'Status',
      value: (c) => statusText(c),
      render: (c) => <span className={c.success ? undefined : 'failure'}>{statusText(c)}</span>,
    },
    figureColumn('latency', 'Latency', (c) => c.latencyMs, formatLatency),
    { key: 'tls', header: 'mTLS', value: (c) => (c.tls === 'true' ? 'yes' : c.tls) },
    { key: 'client', header: 'Client identity', value: (c) => c.clientId ?? '—' },
    { key: 'server', header: 'Server identity', value: (c) => c.serverId ?? '—' },
  ];
  return (
    <DataTable<TapCall>
      id={id}
      label={label}
      rows={calls}
      rowKey={(c) => `${c.id}|${c.at}`}
      columns={columns}
      defaultSort="-at"
      filterOn={(c) => `${peerName(c.source)} ${peerName(c.destination)} ${c.method} ${c.path}`}
      empty="No calls yet: they appear as requests pass through the tapped proxies."
    />
  );
}

/** Calls aggregated by source, destination and path, busiest first, as Linkerd viz's Top. */
export function TopTable({ id, rows, label }: { id: string; rows: TopRow[]; label: string }) {
  return (
    <DataTable<TopRow>
      id={id}
      label={label}
      rows={rows}
      rowKey={(r) => r.key}
      defaultSort="-count"
      filterOn={(r) => `${r.source} ${r.destination} ${r.method} ${r.path}`}
      empty="No calls yet: they appear as requests pass through the tapped proxies."
      columns={[
        { key: 'direction', header: 'Direction', value: (r) => r.direction },
        { key: 'source', header: 'Source', value: (r) => r.source },
        { key: 'destination', header: 'Destination', value: (r) => r.destination },
        { key: 'method', header: 'Method', value: (r) => r.method },
        { key: 'path', header: 'Path', value: (r) => r.path },
        { key: 'count', header: 'Count', numeric: true, value: (r) => r.count },
        figureColumn<TopRow>('best', 'Best', (r) => r.best, formatLatency),
        figureColumn<TopRow>('worst', 'Worst', (r) => r.worst, formatLatency),
        figureColumn<TopRow>('last', 'Last', (r) => r.last, formatLatency),
        figureColumn<TopRow>(
          'success',
          'Success rate',
          (r) => r.successes / r.count,
          formatPercent,
        ),
      ]}
    />
  );
}
