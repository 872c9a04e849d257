import type { ReactNode } from 'react';
import type { Column } from './DataTable';

/** A sortable numeric column of a figure the row may lack (shown as a dash). */
export function figureColumn<T>(
  key: string,
  header: string,
  get: (r: T) => number | null | undefined,
  show: (value: number | null) => ReactNode,
): Column<T> {
  return {
    key,
    header,
    numeric: true,
    value: (r) => get(r) ?? null,
    render: (r) => show(get(r) ?? null),
  };
}
