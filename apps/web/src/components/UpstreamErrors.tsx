import type { ApiErrors } from '@meshviz/shared';

type UpstreamError = ApiErrors[number];

const SOURCE: Record<UpstreamError['source'], string> = {
  kubernetes: 'Kubernetes API',
  metrics: 'Metrics',
  proxy: 'Proxies',
};

/**
 * The banner for a partial answer: the API computed what it could and
 * names each upstream that failed. Data below it may be stale or missing.
 */
export function UpstreamErrors({ errors }: { errors: UpstreamError[] }) {
  if (errors.length === 0) return null;
  return (
    <div className="banner" role="alert" aria-label="Upstream errors">
      <strong>Some data is missing or stale.</strong>
      <ul>
        {errors.map((e) => (
          <li key={`${e.source}:${e.message}`}>
            {e.message.startsWith(SOURCE[e.source])
              ? e.message
              : `${SOURCE[e.source]}: ${e.message}`}
          </li>
        ))}
      </ul>
    </div>
  );
}
