import { useQuery } from '@tanstack/react-query';
import { WORKLOAD_KINDS } from '@meshviz/shared';
import { Link } from 'react-router-dom';
import { namespacesQuery, routesQuery, workloadsQuery } from '../../api/mesh';
import { useLiveInterval } from '../../app/live';
import { kindTitle, paths } from '../../app/paths';
import { useKeepParams, useParam, useWindow } from '../../app/url-state';
import { Empty, QueryState } from '../../components/QueryState';
import { UpstreamErrors } from '../../components/UpstreamErrors';
import { RoutesTable } from './RoutesTable';

/**
 * Routes of one workload: inbound (what it serves) or, with a service
 * chosen, outbound (what it calls on that service), as `linkerd viz routes`.
 */
export function RoutesPage() {
  const [window] = useWindow();
  const keep = useKeepParams();
  const [namespace, setNamespace] = useParam('namespace');
  const [kind, setKind] = useParam('kind', 'deployments');
  const [name, setName] = useParam('name');
  const [to, setTo] = useParam('to');
  const interval = useLiveInterval();
  const namespaces = useQuery(namespacesQuery(window));
  const workloads = useQuery({ ...workloadsQuery(namespace, window), enabled: namespace !== '' });
  const ref = { namespace, kind, name };
  const routes = useQuery({
    ...routesQuery(ref, to || undefined, window),
    enabled: namespace !== '' && name !== '',
    refetchInterval: interval,
  });
  const own = (workloads.data?.workloads ?? []).filter((w) => w.kind !== 'services');
  const services = (workloads.data?.workloads ?? []).filter((w) => w.kind === 'services');
  // Known kinds in their usual order, then other controllers' (`rollouts`).
  const kinds = [
    ...WORKLOAD_KINDS.filter((k) => own.some((w) => w.kind === k)),
    ...new Set(
      own.map((w) => w.kind).filter((k) => !(WORKLOAD_KINDS as readonly string[]).includes(k)),
    ),
  ];

  return (
    <section>
      <h1>Routes</h1>
      <form className="toolbar" aria-label="Route selection" onSubmit={(e) => e.preventDefault()}>
        <label>
          Namespace{' '}
          <select value={namespace} onChange={(e) => setNamespace(e.target.value)}>
            <option value="">choose…</option>
            {namespaces.data?.namespaces.map((n) => (
              <option key={n.name}>{n.name}</option>
            ))}
          </select>
        </label>
        <label>
          Kind{' '}
          <select value={kind} onChange={(e) => setKind(e.target.value)}>
            {(kinds.length ? kinds : ['deployments']).map((k) => (
              <option key={k} value={k}>
                {kindTitle(k)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Workload{' '}
          <select value={name} onChange={(e) => setName(e.target.value)}>
            <option value="">choose…</option>
            {own
              .filter((w) => w.kind === kind)
              .map((w) => (
                <option key={w.name}>{w.name}</option>
              ))}
          </select>
        </label>
        <label>
          Calls to service{' '}
          <select value={to} onChange={(e) => setTo(e.target.value)}>
            <option value="">— inbound routes —</option>
            {services.map((s) => (
              <option key={s.name} value={`${s.namespace}/${s.name}`}>
                {s.namespace}/{s.name}
              </option>
            ))}
          </select>
        </label>
      </form>
      {namespace === '' || name === '' ? (
        <Empty>Choose a namespace and a workload to see its routes.</Empty>
      ) : (
        <QueryState query={routes} what="routes">
          {(data) => (
            <>
              <UpstreamErrors errors={data.errors} />
              <p>
                <Link to={keep(paths.workload(namespace, kind, name))}>
                  {kindTitle(kind)} {namespace}/{name}
                </Link>
              </p>
              <RoutesTable data={data} workload={ref} to={to || undefined} />
            </>
          )}
        </QueryState>
      )}
    </section>
  );
}
