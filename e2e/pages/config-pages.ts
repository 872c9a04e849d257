import type { Locator, Page } from '@playwright/test';
import { Table } from '../support/table';
import { Shell } from './shell';

export class PolicyView extends Shell {
  constructor(page: Page) {
    super(page);
  }

  server(name: string): Locator {
    return this.page.getByRole('region', { name: `Server ${name}` });
  }

  clients(server: string): Table {
    return new Table(this.page.getByRole('table', { name: `Clients of ${server}` }));
  }

  tooManyRequests(server: string): Table {
    return new Table(this.page.getByRole('table', { name: `429 responses of ${server}` }));
  }
}

export class FindingsView extends Shell {
  readonly table: Table;
  constructor(page: Page) {
    super(page);
    this.table = new Table(page.getByRole('table', { name: 'Findings' }));
  }

  /** The count beside the navigation link. */
  get count(): Locator {
    return this.navLink('Findings').getByLabel(/findings$/);
  }
}

export class ControlPlaneView extends Shell {
  readonly components: Table;
  readonly versions: Table;
  constructor(page: Page) {
    super(page);
    this.components = new Table(page.getByRole('table', { name: 'Components' }));
    this.versions = new Table(page.getByRole('table', { name: 'Proxy versions' }));
  }
}
