import { useQuery } from '@tanstack/react-query';
import { isPostQuantumGroup, type GraphEdge, type MtlsResponse } from '@meshviz/shared';
import { mtlsQuery } from '../../api/mesh';
import { useLiveInterval } from '../../app/live';
import { kindTitle } from '../../app/paths';
import { useWindow } from '../../app/url-state';
import { DataTable } from '../../components/DataTable';
import { MtlsMark, reasonText } from '../../components/MtlsMark';
import { WorkloadLink } from '../../components/ObjectLink';
import { QueryState } from '../../components/QueryState';
import { UpstreamErrors } from '../../components/UpstreamErrors';
import { formatPercent, formatRps, formatSecondsLeft } from '../../format/format';

type Unmeshed = MtlsResponse['unmeshedWorkloads'][number];
type Certificate = MtlsResponse['certificates'][number];
type TlsProvider = MtlsResponse['tlsProviders'][number];

/** Workloads shown per provider before a count of the rest. */
const WORKLOADS_SHOWN = 5;

/** Key-exchange groups in preference order, the post-quantum ones marked. */
function KxGroups({ groups }: { groups: string[] }) {
  return (
    <ol className="inline-list">
      {groups.map((g) => (
        <li key={g}>
          <code>{g}</code>
          {isPostQuantumGroup(g) ? <span className="badge badge-ok">post-quantum</span> : null}
        </li>
      ))}
    </ol>
  );
}

/** What the proxies' TLS providers offer: post-quantum key exchange, FIPS mode (rustls_info). */
function TlsProviders({ d }: { d: MtlsResponse }) {
  const { tlsInfo } = d;
  // Proxies scraped without the metric, apart from those not scraped yet.
  const silent = tlsInfo.proxies - tlsInfo.reporting - tlsInfo.unscraped;
  return (
    <>
      <h2>TLS providers</h2>
      <p className="headline" role="group" aria-label="Post-quantum key exchange">
        {tlsInfo.reporting === 0 ? (
          <>No proxy reports its TLS provider.</>
        ) : (
          <>
            <strong>{formatPercent(tlsInfo.postQuantumPreferred / tlsInfo.reporting)}</strong> of
            the {tlsInfo.reporting} proxies that report their TLS provider prefer post-quantum key
            exchange (ML-KEM); {tlsInfo.fips} run in FIPS mode.
          </>
        )}
      </p>
      <p className="hint">
        What each proxy offers, from its <code>rustls_info</code> metric, first choice first. Two
        proxies that both prefer an ML-KEM group agree on it; Linkerd does not count handshakes by
        group.
        {silent > 0
          ? ` ${silent} of ${tlsInfo.proxies} running proxies do not report it: releases before August 2025 lack the metric.`
          : ''}
        {tlsInfo.unscraped > 0
          ? ` ${tlsInfo.unscraped} of ${tlsInfo.proxies} running proxies have no metrics yet: started since the last scrape, or their admin port does not answer.`
          : ''}
      </p>
      <DataTable<TlsProvider>
        id="tls"
        label="TLS providers"
        rows={d.tlsProviders}
        rowKey={(p) => `${p.kxGroups.join(',')}|${p.suites.join(',')}|${p.fips}|${p.keyProvider}`}
        defaultSort="-proxies"
        empty="No proxy reports its TLS provider."
        columns={[
          {
            key: 'kx',
            header: 'Key exchange',
            value: (p) => p.kxGroups.join(' '),
            render: (p) => <KxGroups groups={p.kxGroups} />,
          },
          {
            key: 'pq',
            header: 'Post-quantum',
            value: (p) =>
              p.postQuantumPreferred ? 'preferred' : p.postQuantumOffered ? 'offered' : 'no',
          },
          { key: 'fips', header: 'FIPS', value: (p) => (p.fips ? 'yes' : 'no') },
          {
            key: 'suites',
            header: 'Cipher suites',
            value: (p) => p.suites.join(' '),
            // The proxy speaks TLS 1.3 only: `TLS13_` on every suite is left out (kept in the title).
            render: (p) =>
              p.suites.map((c) => (
                <div key={c} title={c}>
                  {c.replace(/^TLS13_/, '')}
                </div>
              )),
          },
          { key: 'proxies', header: 'Proxies', numeric: true, value: (p) => p.proxies },
          {
            key: 'workloads',
            header: 'Workloads',
            value: (p) => p.workloads.map((w) => `${w.namespace}/${w.name}`).join(' '),
            render: (p) => (
              <>
                {p.workloads.slice(0, WORKLOADS_SHOWN).map((w) => (
                  <div key={`${w.namespace}/${w.kind}/${w.name}`}>
                    <WorkloadLink {...w} showNamespace />
                  </div>
                ))}
                {p.workloads.length > WORKLOADS_SHOWN
                  ? `and ${p.workloads.length - WORKLOADS_SHOWN} more`
                  : null}
              </>
            ),
          },
        ]}
      />
    </>
  );
}

/** `ns/kind/name` node ids as links (a client outside the mesh has no page). */
function NodeRef({ id }: { id: string }) {
  const [namespace = '', kind = '', name = ''] = id.split('/');
  return <WorkloadLink namespace={namespace} kind={kind} name={name} showNamespace />;
}

/** How much traffic mTLS secures, where it does not and why, and whose certificates expire soon. */
export function MtlsPage() {
  const [window] = useWindow();
  const query = useQuery({ ...mtlsQuery(window), refetchInterval: useLiveInterval() });
  return (
    <section>
      <h1>mTLS</h1>
      <QueryState query={query} what="mTLS status">
        {(d) => (
          <>
            <UpstreamErrors errors={d.errors} />
            <div className="headline" role="group" aria-label="Mesh-wide mTLS">
              Mesh-wide, <strong>{formatPercent(d.mesh.securedShare)}</strong> of requests over the
              last {d.window} were secured by mTLS <MtlsMark mtls={d.mesh} />
            </div>
            <h2>By namespace</h2>
            <DataTable
              id="ns"
              label="mTLS by namespace"
              rows={d.namespaces}
              rowKey={(r) => r.name}
              defaultSort="name"
              empty="No namespaces."
              columns={[
                { key: 'name', header: 'Namespace', value: (r) => r.name },
                {
                  key: 'share',
                  header: 'Secured',
                  numeric: true,
                  value: (r) => r.mtls.securedShare,
                  render: (r) => <MtlsMark mtls={r.mtls} />,
                },
              ]}
            />
            <TlsProviders d={d} />
            <h2>Plaintext edges</h2>
            <DataTable<GraphEdge>
              id="plain"
              label="Plaintext edges"
              rows={d.plaintextEdges}
              rowKey={(e) => e.id}
              defaultSort="-rps"
              empty="Every request between workloads was secured."
              columns={[
                {
                  key: 'from',
                  header: 'Client',
                  value: (e) => e.source,
                  render: (e) => <NodeRef id={e.source} />,
                },
                {
                  key: 'to',
                  header: 'Server',
                  value: (e) => e.target,
                  render: (e) => <NodeRef id={e.target} />,
                },
                {
                  key: 'rps',
                  header: 'RPS',
                  numeric: true,
                  value: (e) => e.rps,
                  render: (e) => formatRps(e.rps),
                },
                {
                  key: 'reason',
                  header: 'Reason',
                  value: (e) => e.mtls.reasons.map((r) => r.reason).join(', '),
                  render: (e) =>
                    e.mtls.reasons.map((r) => (
                      <div key={r.reason}>
                        <code>{r.reason}</code>: {reasonText(r.reason)} ({formatPercent(r.share)})
                      </div>
                    )),
                },
              ]}
            />
            <h2>Unmeshed workloads</h2>
            <DataTable<Unmeshed>
              id="unmeshed"
              label="Unmeshed workloads"
              rows={d.unmeshedWorkloads}
              rowKey={(w) => `${w.namespace}/${w.kind}/${w.name}`}
              defaultSort="name"
              empty="Every workload has a proxy."
              columns={[
                {
                  key: 'name',
                  header: 'Workload',
                  value: (w) => `${w.namespace}/${w.name}`,
                  render: (w) => <WorkloadLink {...w} showNamespace />,
                },
                { key: 'kind', header: 'Kind', value: (w) => kindTitle(w.kind) },
                {
                  key: 'pods',
                  header: 'Meshed pods',
                  numeric: true,
                  value: (w) => w.meshedPods,
                  render: (w) => `${w.meshedPods}/${w.totalPods}`,
                },
                {
                  key: 'why',
                  header: 'Injection',
                  value: (w) => (w.injectionPending ? 'pending' : 'not enabled'),
                  render: (w) =>
                    w.injectionPending
                      ? 'enabled, pods predate it: restart the workload'
                      : 'not enabled (or disabled) for these pods',
                },
              ]}
            />
            <h2>Identity certificates nearest expiry</h2>
            <p className="hint">
              Certificates live {formatSecondsLeft(d.certificateLifetimeSeconds)} and are renewed at
              70% of that: less than {formatSecondsLeft(d.certificateWarningSeconds)} left means
              renewal is failing.
            </p>
            <DataTable<Certificate>
              id="certs"
              label="Certificates"
              rows={d.certificates.slice(0, 20)}
              rowKey={(c) => `${c.namespace}/${c.pod}`}
              defaultSort="left"
              empty="No proxy reports its certificate."
              columns={[
                { key: 'pod', header: 'Pod', value: (c) => `${c.namespace}/${c.pod}` },
                {
                  key: 'left',
                  header: 'Expires in',
                  numeric: true,
                  value: (c) => c.secondsLeft,
                  render: (c) => (
                    <span
                      className={
                        c.secondsLeft < d.certificateWarningSeconds ? 'warning-text' : undefined
                      }
                    >
                      {formatSecondsLeft(c.secondsLeft)}
                    </span>
                  ),
                },
                {
                  key: 'at',
                  header: 'Expiry',
                  value: (c) => c.expiresAt,
                  render: (c) => new Date(c.expiresAt * 1000).toISOString().replace('.000', ''),
                },
              ]}
            />
          </>
        )}
      </QueryState>
    </section>
  );
}
