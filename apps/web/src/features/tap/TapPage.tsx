import {
  CallsTable,
  TapControls,
  TapForm,
  TapProblemView,
  TopTable,
  useTapFilter,
  useTapRun,
} from './TapParts';
import { useTap } from './use-tap';

function targetText(f: { namespace: string; resource: string; name: string } | undefined): string {
  if (!f) return 'nothing yet';
  return f.resource === 'namespaces'
    ? `namespace ${f.namespace}`
    : `${f.resource}/${f.name} in ${f.namespace}`;
}

/**
 * Tap: the requests passing through a resource's proxies, as they happen
 * (Linkerd viz's Tap page), through Linkerd's tap API.
 */
export function TapPage() {
  const [filter, setFilter] = useTapFilter();
  const run = useTapRun();
  const view = useTap(filter, run.running, run.limit);
  return (
    <section>
      <h1>Tap</h1>
      <p>
        Requests through the proxies of a resource, as they happen: each with its direction, source
        and destination, method, path, status, latency and TLS identities. Tapping{' '}
        {targetText(filter)}.
      </p>
      <TapForm key={JSON.stringify(filter ?? {})} filter={filter} onStart={setFilter} />
      <TapControls view={view} what={filter?.name ?? 'calls'} run={run} />
      {view.problem && <TapProblemView problem={view.problem} />}
      <CallsTable id="calls" label="Tapped calls" calls={view.calls} />
    </section>
  );
}

/** Top: tapped requests aggregated by source, destination and path, busiest first. */
export function TopPage() {
  const [filter, setFilter] = useTapFilter();
  const run = useTapRun();
  const view = useTap(filter, run.running, run.limit);
  return (
    <section>
      <h1>Top</h1>
      <p>
        Tapped requests counted by source, destination and path since the tap started, with their
        best, worst and last latency and success rate. Tapping {targetText(filter)}.
      </p>
      <TapForm key={JSON.stringify(filter ?? {})} filter={filter} onStart={setFilter} />
      <TapControls view={view} what={`top-${filter?.name ?? 'calls'}`} run={run} />
      {view.problem && <TapProblemView problem={view.problem} />}
      <TopTable id="top" label="Top paths" rows={view.top} />
    </section>
  );
}
