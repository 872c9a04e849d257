import { EGRESS_NETWORK_KIND } from '@meshviz/shared';
import { Link } from 'react-router-dom';
import { kindTitle, paths } from '../app/paths';
import { useKeepParams } from '../app/url-state';

/** A link to a workload's page, keeping the window; plain text for what has no page. */
export function WorkloadLink({
  namespace,
  kind,
  name,
  showNamespace = false,
}: {
  namespace: string;
  kind: string;
  name: string;
  showNamespace?: boolean;
}) {
  const keep = useKeepParams();
  const text = showNamespace ? `${namespace}/${name}` : name;
  if (kind === 'unknown') return <span>{text}</span>;
  if (kind === EGRESS_NETWORK_KIND)
    return (
      <Link to={keep(paths.egress())} title={`EgressNetwork ${namespace}/${name}`}>
        {text}
      </Link>
    );
  if (kind === 'services') return <Link to={keep(paths.service(namespace, name))}>{text}</Link>;
  return (
    <Link
      to={keep(paths.workload(namespace, kind, name))}
      title={`${kindTitle(kind)} ${namespace}/${name}`}
    >
      {text}
    </Link>
  );
}
