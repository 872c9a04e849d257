import type { OpaqueRouteRow, RoutesResponse } from '@meshviz/shared';
import { DataTable, type Column } from '../../components/DataTable';
import { formatPercent } from '../../format/format';

/** Connections a second, as finely as a slow pool's reconnects need. */
const perSecond = (v: number) => `${v >= 10 ? v.toFixed(1) : v.toFixed(2)}/s`;

/**
 * The routes this workload's opaque and TLS connections to the service took
 * (TCPRoute, TLSRoute, or the default `opaq` route): connections opened and
 * closed, those the proxy closed with an error and why, and the backends the
 * route object names, a missing one marked. HTTP routes have requests; these
 * have only connections.
 */
export function OpaqueRoutes({ data }: { data: RoutesResponse }) {
  if (data.opaqueRoutes.length === 0) return null;
  const columns: Column<OpaqueRouteRow>[] = [
    {
      key: 'route',
      header: 'Route',
      value: (r) => `${r.kind} ${r.name}`,
      render: (r) => (
        <>
          <code>{r.name}</code>{' '}
          <span className="kind">{r.kind === 'default' ? 'default route' : r.kind}</span>
          {r.hostnames.length > 0 && <div className="kind">SNI {r.hostnames.join(', ')}</div>}
        </>
      ),
    },
    { key: 'protocol', header: 'Protocol', value: (r) => r.protocol.toUpperCase() },
    {
      key: 'opened',
      header: 'Opened',
      numeric: true,
      value: (r) => r.openedPerSecond,
      render: (r) => perSecond(r.openedPerSecond),
    },
    {
      key: 'closed',
      header: 'Closed',
      numeric: true,
      value: (r) => r.closedPerSecond,
      render: (r) => perSecond(r.closedPerSecond),
    },
    {
      key: 'failed',
      header: 'Failed',
      numeric: true,
      value: (r) => r.failedPerSecond,
      render: (r) => (
        <span className={r.failedPerSecond > 0 ? 'warning-text' : undefined}>
          {perSecond(r.failedPerSecond)}
          {r.openedPerSecond > 0 && r.failedPerSecond > 0
            ? ` (${formatPercent(r.failedPerSecond / r.openedPerSecond)} of opened)`
            : ''}
        </span>
      ),
    },
    {
      key: 'errors',
      header: 'Errors',
      value: (r) => r.errors.map((e) => e.error).join(' '),
      render: (r) =>
        r.errors.length === 0
          ? '—'
          : r.errors.map((e) => (
              <div key={e.error}>
                <code>{e.error}</code> {perSecond(e.perSecond)}
              </div>
            )),
    },
    {
      key: 'backends',
      header: 'Backends',
      value: (r) => r.backends.map((b) => b.name).join(' '),
      render: (r) =>
        r.backends.length === 0
          ? 'the service itself'
          : r.backends.map((b) => (
              <div key={`${b.namespace}/${b.name}`}>
                <code>{`${b.namespace}/${b.name}`}</code> {formatPercent(b.weight)}
                {!b.exists && <span className="badge badge-warning">no such Service</span>}
              </div>
            )),
    },
  ];
  return (
    <section aria-label="Opaque and TLS routes" className="opaque-routes">
      <h3>Opaque and TLS routes</h3>
      <p className="caption">
        Connections this workload opened to the service over the last {data.window}, by the route
        they took, and those its proxy closed with an error.
      </p>
      {data.opaqueRoutes
        .filter((r) => r.problem)
        .map((r) => (
          <p key={r.object} className="note" role="note">
            <code>{r.object}</code> is not used: {r.problem}.
          </p>
        ))}
      <DataTable
        id="opaque"
        label="Opaque routes"
        rows={data.opaqueRoutes}
        columns={columns}
        rowKey={(r) => `${r.kind}/${r.name}`}
        defaultSort=""
        empty="No connections in the window."
      />
    </section>
  );
}
