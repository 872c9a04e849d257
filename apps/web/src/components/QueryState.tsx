import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';

/**
 * The designed states of a query: loading, failed (with the API's reason
 * and a retry), or its content. Refetches keep the content on screen.
 */
export function QueryState<T>({
  query,
  what,
  children,
}: {
  query: UseQueryResult<T>;
  what: string;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) {
    return (
      <p className="state loading" role="status" aria-live="polite">
        Loading {what}…
      </p>
    );
  }
  if (query.isError) {
    return (
      <div className="state failed" role="alert">
        <strong>Could not load {what}:</strong> {query.error.message}{' '}
        <button type="button" onClick={() => void query.refetch()}>
          Retry
        </button>
      </div>
    );
  }
  return <>{children(query.data)}</>;
}

/** What an empty list says, so "nothing here" never looks like a broken view. */
export function Empty({ children }: { children: ReactNode }) {
  return <p className="state empty">{children}</p>;
}
