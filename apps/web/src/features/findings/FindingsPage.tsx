import { useQuery } from '@tanstack/react-query';
import type { Finding } from '@meshviz/shared';
import { findingsQuery } from '../../api/policy';
import { useLiveInterval } from '../../app/live';
import { useParam, useWindow } from '../../app/url-state';
import { DataTable } from '../../components/DataTable';
import { QueryState } from '../../components/QueryState';
import { UpstreamErrors } from '../../components/UpstreamErrors';

const RANK = { critical: 0, warning: 1, info: 2 } as const;

/** Everything meshviz finds wrong with the mesh's configuration, worst first, with the fix. */
export function FindingsPage() {
  const [window] = useWindow();
  const [severity, setSeverity] = useParam('severity');
  const query = useQuery({ ...findingsQuery(window), refetchInterval: useLiveInterval() });
  return (
    <section>
      <h1>Findings</h1>
      <QueryState query={query} what="findings">
        {(d) => {
          const rows = d.findings.filter((f) => !severity || f.severity === severity);
          return (
            <>
              <UpstreamErrors errors={d.errors} />
              <p className="caption">
                Checks of the Linkerd configuration and proxies; denied traffic over the last{' '}
                {d.window}.{' '}
                <label>
                  Severity{' '}
                  <select
                    aria-label="Severity"
                    value={severity}
                    onChange={(e) => setSeverity(e.target.value, { replace: true })}
                  >
                    <option value="">all</option>
                    <option value="critical">critical</option>
                    <option value="warning">warning</option>
                    <option value="info">info</option>
                  </select>
                </label>
              </p>
              <DataTable<Finding>
                id="findings"
                label="Findings"
                rows={rows}
                // What a finding is about and what to do (its message carries rates, which
                // change): two of one kind on the same objects differ in their fix, such as a
                // workload's calls refused by one EgressNetwork for two hosts.
                rowKey={(f) => `${f.code}:${f.objects.join(',')}:${f.fix}`}
                filterOn={(f) => `${f.code} ${f.message} ${f.objects.join(' ')}`}
                defaultSort="severity"
                empty={
                  severity && d.findings.length
                    ? `No ${severity} findings (${d.findings.length} of other severities).`
                    : 'Nothing to report: the configuration checks all pass.'
                }
                columns={[
                  {
                    key: 'severity',
                    header: 'Severity',
                    value: (f) => RANK[f.severity],
                    render: (f) => (
                      <span className={`badge badge-${f.severity}`}>{f.severity}</span>
                    ),
                  },
                  {
                    key: 'code',
                    header: 'Check',
                    value: (f) => f.code,
                    render: (f) => <code>{f.code}</code>,
                  },
                  {
                    key: 'message',
                    header: 'Finding',
                    value: (f) => f.message,
                    render: (f) => (
                      <div className="finding">
                        <div>{f.message}</div>
                        <div className="fix">
                          <strong>Fix:</strong> {f.fix}
                        </div>
                      </div>
                    ),
                  },
                  {
                    key: 'objects',
                    header: 'Objects',
                    value: (f) => f.objects.join(', '),
                    render: (f) => (
                      <ul className="plain">
                        {f.objects.map((o) => (
                          <li key={o}>
                            <code>{o}</code>
                          </li>
                        ))}
                      </ul>
                    ),
                  },
                ]}
              />
            </>
          );
        }}
      </QueryState>
    </section>
  );
}
