import { useQuery } from '@tanstack/react-query';
import { controlPlaneQuery } from '../../api/policy';
import { useLiveInterval } from '../../app/live';
import { formatSecondsLeft } from '../../format/format';
import { DataTable } from '../../components/DataTable';
import { QueryState } from '../../components/QueryState';
import { UpstreamErrors } from '../../components/UpstreamErrors';

/** Destination, identity and proxy-injector health, the version, and the proxies in use. */
export function ControlPlanePage() {
  const query = useQuery({ ...controlPlaneQuery(), refetchInterval: useLiveInterval() });
  return (
    <section>
      <h1>Control plane</h1>
      <QueryState query={query} what="the control plane">
        {(d) => (
          <>
            <UpstreamErrors errors={d.errors} />
            <dl className="facts" aria-label="Control plane summary">
              <dt>Namespace</dt>
              <dd>{d.namespace}</dd>
              <dt>Version</dt>
              <dd>{d.version ?? 'unknown (no control-plane pod with a proxy)'}</dd>
              <dt>Meshed pods</dt>
              <dd>
                {d.meshedPods} of {d.totalPods}
              </dd>
              <dt>Trust domain</dt>
              <dd>{d.config.trustDomain}</dd>
              <dt>Certificate lifetime</dt>
              <dd>{formatSecondsLeft(d.config.issuanceLifetimeSeconds)}</dd>
              <dt>Default inbound policy</dt>
              <dd>{d.config.defaultInboundPolicy}</dd>
            </dl>
            {d.config.note && (
              <p className="note" role="note">
                {d.config.note}
              </p>
            )}
            <h2>Components</h2>
            <table aria-label="Components">
              <thead>
                <tr>
                  <th scope="col">Component</th>
                  <th scope="col">Health</th>
                  <th scope="col">Pods</th>
                  <th scope="col" className="num">
                    Restarts
                  </th>
                </tr>
              </thead>
              <tbody>
                {d.components.map((c) => (
                  <tr key={c.name}>
                    <td>{c.name}</td>
                    <td className={c.healthy ? 'sr sr-good' : 'sr sr-poor'}>
                      {c.healthy
                        ? 'healthy'
                        : c.pods.length === 0
                          ? 'no pods'
                          : `${c.pods.filter((p) => !p.ready).length} pod(s) not ready`}
                    </td>
                    <td>
                      {c.pods
                        .map((p) => `${p.name} (${p.phase}${p.ready ? ', ready' : ''})`)
                        .join(', ') || '—'}
                    </td>
                    <td className="num">{c.pods.reduce((s, p) => s + p.restarts, 0)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <h2>Proxy versions</h2>
            <DataTable
              id="versions"
              label="Proxy versions"
              rows={d.proxyVersions}
              rowKey={(v) => v.version}
              defaultSort="-pods"
              empty="No meshed pods."
              columns={[
                { key: 'version', header: 'Version', value: (v) => v.version },
                { key: 'pods', header: 'Pods', numeric: true, value: (v) => v.pods },
                {
                  key: 'match',
                  header: 'Matches the control plane',
                  value: (v) => (v.matchesControlPlane ? 'yes' : 'no'),
                  render: (v) =>
                    v.matchesControlPlane ? (
                      'yes'
                    ) : (
                      <span className="warning-text">no: restart these workloads</span>
                    ),
                },
              ]}
            />
            <h2>Resources meshviz reads</h2>
            <p className="hint">
              Custom resources this cluster serves. A missing one is not an error: its configuration
              simply does not exist here.
            </p>
            <DataTable
              id="resources"
              label="Resources"
              rows={d.resources}
              rowKey={(r) => `${r.group}/${r.kind}`}
              defaultSort="group"
              empty="No custom resources."
              columns={[
                { key: 'kind', header: 'Kind', value: (r) => r.kind },
                { key: 'group', header: 'API group', value: (r) => r.group },
                {
                  key: 'version',
                  header: 'Served version',
                  value: (r) => r.apiVersion ?? 'not installed',
                },
              ]}
            />
          </>
        )}
      </QueryState>
    </section>
  );
}
