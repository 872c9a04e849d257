import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { afterEach, describe, expect, it } from 'vitest';
import { csvName, DataTable, toCsv } from './DataTable';

interface Row {
  name: string;
  rps: number | null;
}
const rows: Row[] = [
  { name: 'web', rps: 2 },
  { name: 'idle', rps: null },
  { name: 'voting', rps: 5 },
];

function renderAt(url: string) {
  const router = createMemoryRouter(
    [
      {
        path: '/',
        element: (
          <DataTable<Row>
            id="t"
            label="Things"
            rows={rows}
            rowKey={(r) => r.name}
            filterOn={(r) => r.name}
            defaultSort="name"
            empty="none"
            columns={[
              { key: 'name', header: 'Name', value: (r) => r.name },
              { key: 'rps', header: 'RPS', numeric: true, value: (r) => r.rps },
            ]}
          />
        ),
      },
    ],
    { initialEntries: [url] },
  );
  render(<RouterProvider router={router} />);
  return router;
}

const names = () =>
  within(screen.getByRole('table', { name: 'Things' }))
    .getAllByRole('row')
    .slice(1)
    .map((r) => within(r).getAllByRole('cell')[0]?.textContent);

afterEach(cleanup);

describe('data table', () => {
  it('sorts numbers busiest first on the first click, with no-traffic rows last', () => {
    const router = renderAt('/');
    expect(names()).toEqual(['idle', 'voting', 'web']);
    fireEvent.click(screen.getByRole('button', { name: /RPS/ }));
    expect(names()).toEqual(['voting', 'web', 'idle']);
    expect(router.state.location.search).toBe('?t.sort=-rps');
    fireEvent.click(screen.getByRole('button', { name: /RPS/ }));
    expect(names()).toEqual(['web', 'voting', 'idle']);
  });

  it('when the URL holds a filter, shows only matching rows and says when none match', () => {
    renderAt('/?t.q=vot');
    expect(names()).toEqual(['voting']);
    fireEvent.change(screen.getByRole('searchbox', { name: 'Filter Things' }), {
      target: { value: 'zzz' },
    });
    expect(screen.getByText('Nothing matches the filter.')).toBeTruthy();
  });

  it('when typed into quickly, keeps every character and the URL follows; back resets the box', async () => {
    const router = renderAt('/');
    const box = screen.getByRole('searchbox', { name: 'Filter Things' });
    for (const text of ['v', 'vo', 'vot']) fireEvent.change(box, { target: { value: text } });
    expect((box as HTMLInputElement).value).toBe('vot');
    await waitFor(() => expect(router.state.location.search).toBe('?t.q=vot'));
    expect(names()).toEqual(['voting']);
    await router.navigate('/?t.q=we');
    await waitFor(() => expect((box as HTMLInputElement).value).toBe('we'));
    expect(names()).toEqual(['web']);
  });
});

describe('table export', () => {
  it('writes CSV with a header and a row per row, raw numbers, quoting and no formulas', () => {
    const columns = [
      { key: 'name', header: 'Name', value: (r: { name: string; v: number | null }) => r.name },
      { key: 'v', header: 'Value, raw', numeric: true, value: (r: { v: number | null }) => r.v },
    ];
    const csv = toCsv(columns, [
      { name: 'web', v: 0.125 },
      { name: 'say "hi", twice', v: null },
      { name: '=HYPERLINK("x")', v: Number.NaN },
    ]);
    expect(csv).toBe(
      ['Name,"Value, raw"', 'web,0.125', '"say ""hi"", twice",', `"'=HYPERLINK(""x"")",`, ''].join(
        '\r\n',
      ),
    );
  });

  it('names the file after the table and the window', () => {
    expect(csvName('Plaintext edges', '5m')).toBe('meshviz-plaintext-edges-5m.csv');
    expect(csvName('Routes of web → voting', '1h')).toBe('meshviz-routes-of-web-voting-1h.csv');
  });
});
