import { useQuery } from '@tanstack/react-query';
import type { ServiceConfig } from '@meshviz/shared';
import { serviceConfigQuery } from '../../api/policy';
import { Empty, QueryState } from '../../components/QueryState';

function Profile({ p }: { p: NonNullable<ServiceConfig['profile']> }) {
  return (
    <>
      <h3>
        ServiceProfile <code>{p.name}</code>
      </h3>
      <p className="caption">Retry budget: {p.retryBudget ?? 'default (20% + 10/s over 10s)'}</p>
      <table aria-label="ServiceProfile routes">
        <thead>
          <tr>
            <th scope="col">Route</th>
            <th scope="col">Condition</th>
            <th scope="col">Response classes</th>
            <th scope="col">Retryable</th>
            <th scope="col">Timeout</th>
          </tr>
        </thead>
        <tbody>
          {p.routes.map((r) => (
            <tr key={r.name}>
              <td>
                <code>{r.name}</code>
              </td>
              <td>
                <code>{r.condition}</code>
              </td>
              <td>{r.responseClasses.join('; ') || 'default (5xx = failure)'}</td>
              <td>{r.isRetryable ? 'yes' : 'no'}</td>
              <td>{r.timeout ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** A Service's route configuration, with the precedence rule applied and said. */
export function ServiceConfigView({ namespace, name }: { namespace: string; name: string }) {
  const query = useQuery(serviceConfigQuery(namespace, name));
  return (
    <QueryState query={query} what={`the configuration of ${namespace}/${name}`}>
      {(c) => (
        <section aria-label={`Configuration of service ${name}`} className="card">
          <h2>
            Service <code>{c.service}</code>
          </h2>
          <p className="note" role="note">
            {c.precedence}
          </p>
          {c.profile && <Profile p={c.profile} />}
          {c.routes.map((r) => (
            <div key={`${r.kind}.${r.group}/${r.name}`}>
              <h3>
                {r.kind} <code>{r.name}</code> <span className="kind">({r.group})</span>
                {r.shadowed && (
                  <span className="badge badge-warning">shadowed by the ServiceProfile</span>
                )}
              </h3>
              <p className="caption">
                Parents: {r.parents.join(', ')}
                {r.hostnames.length > 0 && ` · hostnames ${r.hostnames.join(', ')}`}
                {r.annotations.map((a) => ` · ${a.key}: ${a.value}`).join('')}
              </p>
              <table aria-label={`Rules of ${r.name}`}>
                <thead>
                  <tr>
                    <th scope="col">Matches</th>
                    <th scope="col">Timeouts</th>
                    <th scope="col">Backends (weight)</th>
                  </tr>
                </thead>
                <tbody>
                  {r.rules.map((rule, i) => (
                    <tr key={i}>
                      <td>{rule.matches.join(' or ')}</td>
                      <td>{rule.timeouts ?? '—'}</td>
                      <td>
                        {rule.backends
                          .map((b) => `${b.name}${b.port ? `:${b.port}` : ''} (${b.weight})`)
                          .join(', ') || 'the parent Service'}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ))}
          {c.annotations.length > 0 && (
            <>
              <h3>Annotations</h3>
              <ul className="plain">
                {c.annotations.map((a) => (
                  <li key={a.key}>
                    <code>
                      {a.key}: {a.value}
                    </code>
                  </li>
                ))}
              </ul>
            </>
          )}
          {!c.profile && c.routes.length === 0 && c.annotations.length === 0 && (
            <Empty>No route configuration: requests take the default route.</Empty>
          )}
        </section>
      )}
    </QueryState>
  );
}
