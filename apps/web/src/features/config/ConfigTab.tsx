import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import type { WorkloadRef } from '../../api/mesh';
import { routesQuery } from '../../api/mesh';
import { accessQuery } from '../../api/policy';
import { paths } from '../../app/paths';
import { useKeepParams, useWindow } from '../../app/url-state';
import { QueryState } from '../../components/QueryState';
import { Requirements } from '../policy/Requirements';
import { ServiceConfigView } from './ServiceConfigView';

/** "Who may call this" from the policy objects, and the route config of the Service in front of it. */
export function ConfigTab({ workload }: { workload: WorkloadRef }) {
  const [window] = useWindow();
  const keep = useKeepParams();
  const access = useQuery(accessQuery(workload));
  // The routes view names the Service that fronts this workload.
  const service = useQuery(routesQuery(workload, undefined, window)).data?.service;
  const [svcNs, svcName] = service?.split('/') ?? [];
  return (
    <>
      <section aria-label="Who may call this" className="card">
        <h2>Who may call this</h2>
        <QueryState query={access} what="authorization">
          {(a) =>
            a.ports.length === 0 ? (
              <p>
                No Server selects these pods: every port follows the default inbound policy{' '}
                <strong>{a.defaultInboundPolicy}</strong>.
              </p>
            ) : (
              <table aria-label="Access by port">
                <thead>
                  <tr>
                    <th scope="col">Port</th>
                    <th scope="col">Server</th>
                    <th scope="col">Admits</th>
                  </tr>
                </thead>
                <tbody>
                  {a.ports.map((p) => (
                    <tr key={`${p.server}/${p.port}`}>
                      <td>{p.port}</td>
                      <td>
                        <code>{p.server}</code>
                      </td>
                      <td>
                        <div>{p.rule}</div>
                        <Requirements requires={p.requires} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </QueryState>
        <p>
          <Link to={keep(paths.policy(workload.namespace))}>
            Policy of namespace {workload.namespace}
          </Link>
        </p>
      </section>
      {svcNs && svcName ? (
        <ServiceConfigView namespace={svcNs} name={svcName} />
      ) : (
        <p className="state empty">No Service selects this workload's pods.</p>
      )}
    </>
  );
}
