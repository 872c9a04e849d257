import { TAP_RESOURCES } from '@meshviz/shared';
import { Link } from 'react-router-dom';
import { paths } from '../../app/paths';
import { useKeepParams } from '../../app/url-state';
import { TapControls, TapProblemView, TopTable, useTapRun } from './TapParts';
import { useTap } from './use-tap';

/**
 * Live calls of one workload, as on Linkerd viz's resource pages: its tapped
 * requests counted by source, destination and path while the tab is open.
 */
export function LiveCalls({
  namespace,
  kind,
  name,
}: {
  namespace: string;
  kind: string;
  name: string;
}) {
  const keep = useKeepParams();
  const tappable = (TAP_RESOURCES as readonly string[]).includes(kind);
  const run = useTapRun();
  const filter = tappable ? { namespace, resource: kind, name } : undefined;
  const view = useTap(filter, run.running, run.limit);
  if (!tappable)
    return (
      <p className="state empty">
        The tap API does not target {kind}; tap the pods of this workload from the Tap page.
      </p>
    );
  return (
    <section aria-label="Live calls">
      <p>
        Requests through this workload&apos;s proxies, as they happen.{' '}
        <Link to={keep(paths.tap(namespace, kind, name))}>Open in Tap</Link> ·{' '}
        <Link to={keep(paths.top(namespace, kind, name))}>Open in Top</Link>
      </p>
      <TapControls view={view} what={`live-${name}`} run={run} />
      {view.problem && <TapProblemView problem={view.problem} />}
      <TopTable id="live" label="Live calls" rows={view.top} />
    </section>
  );
}
