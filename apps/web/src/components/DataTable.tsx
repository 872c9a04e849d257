import { useMemo, type ReactNode } from 'react';
import { useParam, useUrlText, useWindow } from '../app/url-state';
import { download, fileName } from './download';

export interface Column<T> {
  key: string;
  header: string;
  /** The value sorted on; `null` (no traffic) sorts last either way. */
  value: (row: T) => number | string | null;
  render?: (row: T) => ReactNode;
  numeric?: boolean;
}

function compare(a: number | string | null, b: number | string | null): number {
  if (a === null || b === null) return 0;
  return typeof a === 'number' && typeof b === 'number'
    ? a - b
    : String(a).localeCompare(String(b));
}

/** A CSV field: quoted when it holds a comma, quote or line break; text that a spreadsheet would run as a formula is prefixed with '. */
function csvField(v: number | string | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** Rows as CSV (RFC 4180): a header line, then each row's sort values (raw numbers, not formatted text). */
export function toCsv<T>(columns: Column<T>[], rows: T[]): string {
  const lines = [columns.map((c) => csvField(c.header)).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvField(c.value(r))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** A file name from a table's label and the window: `meshviz-plaintext-edges-5m.csv`. */
export function csvName(label: string, window: string): string {
  return fileName(label, window, 'csv');
}

/**
 * A sortable, filterable table whose sort and filter live in the URL
 * (`<id>.sort=-rps`, `<id>.q=text`), so a sorted view can be shared.
 */
export function DataTable<T>({
  id,
  label,
  rows,
  columns,
  rowKey,
  filterOn,
  defaultSort,
  empty,
}: {
  id: string;
  label: string;
  rows: T[];
  columns: Column<T>[];
  rowKey: (row: T) => string;
  /** The text a filter matches; no filter box when absent. */
  filterOn?: (row: T) => string;
  defaultSort?: string;
  empty: ReactNode;
}) {
  const [sort, setSort] = useParam(`${id}.sort`, defaultSort ?? columns[0]?.key ?? '');
  const [filter, setFilter] = useUrlText(`${id}.q`);
  const [window] = useWindow();
  const desc = sort.startsWith('-');
  const sortKey = desc ? sort.slice(1) : sort;
  const shown = useMemo(() => {
    const col = columns.find((c) => c.key === sortKey);
    const needle = filter.toLowerCase();
    const kept = filterOn ? rows.filter((r) => filterOn(r).toLowerCase().includes(needle)) : rows;
    if (!col) return kept;
    return [...kept].sort((x, y) => {
      const a = col.value(x);
      const b = col.value(y);
      if (a === null || b === null) return Number(a === null) - Number(b === null);
      return desc ? compare(b, a) : compare(a, b);
    });
  }, [rows, columns, sortKey, desc, filter, filterOn]);

  return (
    <div className="table-wrap">
      <div className="table-tools">
        {filterOn && (
          <input
            type="search"
            className="filter"
            aria-label={`Filter ${label}`}
            placeholder="Filter…"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
        )}
        {rows.length > 0 && (
          <button
            type="button"
            className="export"
            aria-label={`Download ${label} as CSV`}
            onClick={() =>
              download(csvName(label, window), toCsv(columns, shown), 'text/csv;charset=utf-8')
            }
          >
            CSV
          </button>
        )}
      </div>
      <table aria-label={label}>
        <thead>
          <tr>
            {columns.map((c) => {
              const active = c.key === sortKey;
              return (
                <th
                  key={c.key}
                  scope="col"
                  className={c.numeric ? 'num' : undefined}
                  aria-sort={active ? (desc ? 'descending' : 'ascending') : 'none'}
                >
                  <button
                    type="button"
                    onClick={() =>
                      setSort(
                        active && !desc ? `-${c.key}` : c.numeric && !active ? `-${c.key}` : c.key,
                        { replace: true },
                      )
                    }
                  >
                    {c.header}
                    <span aria-hidden="true">{active ? (desc ? ' ▾' : ' ▴') : ''}</span>
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr key={rowKey(r)}>
              {columns.map((c) => (
                <td key={c.key} className={c.numeric ? 'num' : undefined}>
                  {c.render ? c.render(r) : String(c.value(r) ?? '—')}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {shown.length === 0 && (
        <p className="state empty">{rows.length === 0 ? empty : 'Nothing matches the filter.'}</p>
      )}
    </div>
  );
}
