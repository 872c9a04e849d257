import type { Locator, Page } from '@playwright/test';

/** The frame every page shares: navigation and API status. */
export class Shell {
  readonly nav: Locator;
  readonly apiStatus: Locator;

  constructor(readonly page: Page) {
    this.nav = page.getByRole('navigation', { name: 'Main' });
    this.apiStatus = page.getByRole('status');
  }

  async open(path = '/'): Promise<void> {
    await this.page.goto(path);
  }

  navLink(name: string): Locator {
    return this.nav.getByRole('link', { name });
  }
}
