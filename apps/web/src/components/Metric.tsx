import { formatPercent, healthOf } from '../format/format';

/** A success rate with its health band as colour and as text for screen readers. */
export function SuccessRate({ value }: { value: number | null }) {
  const health = healthOf(value);
  return (
    <span
      className={`sr sr-${health}`}
      title={value === null ? 'no traffic in the window' : health}
    >
      {formatPercent(value)}
    </span>
  );
}
