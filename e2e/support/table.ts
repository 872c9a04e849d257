import type { Locator } from '@playwright/test';

/** A table found by its accessible name, read by column header and row text. */
export class Table {
  constructor(readonly root: Locator) {}

  row(name: string | RegExp): Locator {
    return this.root.getByRole('row').filter({
      has: this.root.page().getByRole('cell', { name, exact: typeof name === 'string' }),
    });
  }

  async columnIndex(header: string): Promise<number> {
    await this.root.getByRole('columnheader').first().waitFor();
    const headers = await this.root.getByRole('columnheader').allInnerTexts();
    const i = headers.findIndex((h) => h.replace(/[▴▾]/g, '').trim() === header);
    if (i < 0) throw new Error(`no column ${header} in ${headers.join(', ')}`);
    return i;
  }

  async cell(row: string | RegExp, header: string): Promise<Locator> {
    return this.row(row)
      .getByRole('cell')
      .nth(await this.columnIndex(header));
  }

  async sortBy(header: string): Promise<void> {
    await this.root
      .getByRole('columnheader')
      .getByRole('button', { name: header, exact: false })
      .first()
      .click();
  }
}
