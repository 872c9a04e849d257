import { useQuery } from '@tanstack/react-query';
import { Fragment } from 'react';
import { Link, useParams } from 'react-router-dom';
import type { ServerView } from '@meshviz/shared';
import { policyQuery } from '../../api/policy';
import { useLiveInterval } from '../../app/live';
import { paths } from '../../app/paths';
import { useKeepParams, useWindow } from '../../app/url-state';
import { Empty, QueryState } from '../../components/QueryState';
import { UpstreamErrors } from '../../components/UpstreamErrors';
import { formatRps } from '../../format/format';
import { Requirements } from './Requirements';

/** A Server's HTTPLocalRateLimitPolicy: its limits per proxy, what it refused and who got 429s. */
function RateLimit({ server, r }: { server: string; r: NonNullable<ServerView['rateLimit']> }) {
  const limit = (rps: number | null) => (rps === null ? 'none' : `${rps} rps per proxy`);
  return (
    <>
      <h3>
        Rate limit <code>{r.name}</code>
      </h3>
      <dl className="facts" aria-label={`Rate limit of ${server}`}>
        <dt>In all</dt>
        <dd>{limit(r.totalRps)}</dd>
        <dt>Each client identity</dt>
        <dd>{limit(r.identityRps)}</dd>
        {r.overrides.map((o) => (
          <Fragment key={o.identities.join(',')}>
            <dt>Override</dt>
            <dd>
              {limit(o.requestsPerSecond)} for{' '}
              {o.identities.map((id) => (
                <code key={id}>{id} </code>
              ))}
            </dd>
          </Fragment>
        ))}
        <dt>Refused</dt>
        <dd className={r.limitedRps ? 'warning-text' : undefined}>
          {r.limitedRps === null
            ? 'none'
            : `${formatRps(r.limitedRps)} (${r.limitedByScope.map((x) => `${x.scope} limit ${formatRps(x.rps)}`).join(', ')})`}
        </dd>
      </dl>
      {r.tooManyRequestsClients.length > 0 && (
        <table aria-label={`429 responses of ${server}`}>
          <thead>
            <tr>
              <th scope="col">Client identity</th>
              <th scope="col" className="num">
                429 responses
              </th>
            </tr>
          </thead>
          <tbody>
            {r.tooManyRequestsClients.map((c) => (
              <tr key={c.identity}>
                <td>
                  <code>{c.identity}</code>
                </td>
                <td className="num">{formatRps(c.rps)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function ServerCard({ s }: { s: ServerView }) {
  const t = s.traffic;
  return (
    <section className="card" aria-label={`Server ${s.name}`}>
      <h2>
        Server <code>{s.name}</code>
      </h2>
      <dl className="facts">
        <dt>Port</dt>
        <dd>{s.port}</dd>
        <dt>Protocol</dt>
        <dd>{s.proxyProtocol}</dd>
        <dt>Without a matching authorization</dt>
        <dd>{s.accessPolicy}</dd>
        <dt>Selects</dt>
        <dd>
          {s.podSelector}:{' '}
          {s.pods.length === 0 ? (
            <strong className="warning-text">no pod</strong>
          ) : (
            `${s.pods.length} pod${s.pods.length > 1 ? 's' : ''} (${[...new Set(s.pods.map((p) => p.workload))].join(', ')})`
          )}
        </dd>
        <dt>Allowed</dt>
        <dd>
          {t.allowedRps === null ? '—' : formatRps(t.allowedRps)}
          {t.tcpAllowedPerSec !== null && ` · TCP ${t.tcpAllowedPerSec.toFixed(2)} conn/s`}
        </dd>
        <dt>Denied</dt>
        <dd className={t.deniedRps ? 'warning-text' : undefined}>
          {t.deniedRps === null ? '—' : formatRps(t.deniedRps)}
          {t.tcpDeniedPerSec !== null && ` · TCP ${t.tcpDeniedPerSec.toFixed(2)} conn/s`}
        </dd>
      </dl>
      <h3>Authorizations</h3>
      {s.authorizations.length === 0 ? (
        <p className="note" role="note">
          No AuthorizationPolicy or ServerAuthorization targets this Server: every request to it is
          handled by its access policy ({s.accessPolicy}).
        </p>
      ) : (
        <table aria-label={`Authorizations of ${s.name}`}>
          <thead>
            <tr>
              <th scope="col">Object</th>
              <th scope="col">Applies to</th>
              <th scope="col">Admits</th>
            </tr>
          </thead>
          <tbody>
            {s.authorizations.map((a) => (
              <tr key={`${a.kind}/${a.name}`}>
                <td>
                  {a.kind} <code>{a.name}</code>
                </td>
                <td>{a.scope}</td>
                <td>
                  <Requirements requires={a.requires} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {(t.deniedClients.length > 0 || t.allowedClients.length > 0) && (
        <table aria-label={`Clients of ${s.name}`}>
          <thead>
            <tr>
              <th scope="col">Client identity</th>
              <th scope="col">Decision</th>
              <th scope="col" className="num">
                RPS
              </th>
            </tr>
          </thead>
          <tbody>
            {t.deniedClients.map((c) => (
              <tr key={`deny/${c.identity}`}>
                <td>
                  <code>{c.identity}</code>
                </td>
                <td className="sr sr-poor">denied</td>
                <td className="num">{formatRps(c.rps)}</td>
              </tr>
            ))}
            {t.allowedClients.map((c) => (
              <tr key={`allow/${c.identity}`}>
                <td>
                  <code>{c.identity}</code>
                </td>
                <td className="sr sr-good">allowed</td>
                <td className="num">{formatRps(c.rps)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {s.rateLimit && <RateLimit server={s.name} r={s.rateLimit} />}
    </section>
  );
}

/** A namespace's inbound authorization: Servers, what admits clients to them, and what was denied. */
export function PolicyPage() {
  const { ns = '' } = useParams();
  const [window] = useWindow();
  const keep = useKeepParams();
  const query = useQuery({ ...policyQuery(ns, window), refetchInterval: useLiveInterval() });
  return (
    <section>
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to={keep(paths.namespaces())}>Namespaces</Link> /{' '}
        <Link to={keep(paths.namespace(ns))}>{ns}</Link> / policy
      </nav>
      <h1>Policy of {ns}</h1>
      <QueryState query={query} what={`the policy of ${ns}`}>
        {(d) => (
          <>
            <UpstreamErrors errors={d.errors} />
            <p className="headline" role="group" aria-label="Default inbound policy">
              Ports without a Server: <strong>{d.defaultInboundPolicy.value}</strong> (
              {d.defaultInboundPolicy.source === 'namespace'
                ? 'set on the namespace'
                : 'cluster default'}
              ). Rates over the last {d.window}.
            </p>
            {d.danglingPolicies.map((p) => (
              <p key={p.name} className="note" role="note">
                AuthorizationPolicy <code>{p.name}</code> targets {p.target.kind}{' '}
                <code>{p.target.name}</code>, which does not exist: it authorizes nothing.
              </p>
            ))}
            {d.servers.length === 0 ? (
              <Empty>
                No Server in {ns}: every port follows the default inbound policy (
                {d.defaultInboundPolicy.value}).
              </Empty>
            ) : (
              d.servers.map((s) => <ServerCard key={s.name} s={s} />)
            )}
          </>
        )}
      </QueryState>
    </section>
  );
}
