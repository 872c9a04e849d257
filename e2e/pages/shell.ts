import type { Locator, Page } from '@playwright/test';

/** The frame every page shares: navigation, window selector and API status. */
export class Shell {
  readonly nav: Locator;
  readonly apiStatus: Locator;
  readonly window: Locator;
  readonly refresh: Locator;
  readonly banner: Locator;

  constructor(readonly page: Page) {
    this.nav = page.getByRole('navigation', { name: 'Main' });
    this.apiStatus = page.getByRole('status', { name: 'API status' });
    this.window = page.getByRole('combobox', { name: 'Time window' });
    this.refresh = page.getByRole('button', { name: /Pause|Resume/ });
    this.banner = page.getByRole('alert', { name: 'Upstream errors' });
  }

  async open(path = '/'): Promise<void> {
    await this.page.goto(path);
  }

  navLink(name: string): Locator {
    return this.nav.getByRole('link', { name });
  }
}
