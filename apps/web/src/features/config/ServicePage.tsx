import { Link, useParams } from 'react-router-dom';
import { paths } from '../../app/paths';
import { useKeepParams } from '../../app/url-state';
import { ServiceConfigView } from './ServiceConfigView';

/** A Service: its route configuration (the Config view services have). */
export function ServicePage() {
  const { ns = '', name = '' } = useParams();
  const keep = useKeepParams();
  return (
    <section>
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to={keep(paths.namespaces())}>Namespaces</Link> /{' '}
        <Link to={keep(paths.namespace(ns))}>{ns}</Link> / services / {name}
      </nav>
      <h1>Service {name}</h1>
      <ServiceConfigView namespace={ns} name={name} />
    </section>
  );
}
