import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/test';
import { waitForTraffic } from './support/api';

test.beforeAll(async ({ request }) => waitForTraffic(request));

/** WCAG 2.1 A and AA, as axe-core tags them. */
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Axe's serious and critical findings on the page as it is now, one line
 * each with the elements concerned, so a failure says what to fix.
 */
async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}: ${v.nodes
          .slice(0, 5)
          .map((n) => n.target.join(' '))
          .join(', ')}`,
    );
}

/** Every page, loaded with its data (no spinner left), as a user first sees it. */
const PAGES: { path: string; ready: string }[] = [
  { path: '/namespaces', ready: 'Namespaces' },
  { path: '/namespaces/emojivoto', ready: 'Namespace emojivoto' },
  { path: '/namespaces/emojivoto/policy', ready: 'Policy' },
  { path: '/namespaces/emojivoto/services/web-svc', ready: 'web-svc' },
  { path: '/namespaces/emojivoto/deployments/web', ready: 'web' },
  { path: '/namespaces/emojivoto/deployments/web?tab=routes', ready: 'web' },
  { path: '/namespaces/emojivoto/deployments/web?tab=pods', ready: 'web' },
  { path: '/namespaces/emojivoto/deployments/web?tab=policy', ready: 'web' },
  { path: '/graph', ready: 'Service graph' },
  { path: '/graph?ns=emojivoto&edges=table', ready: 'Service graph' },
  {
    path: '/graph?collapsed=emojivoto&focus=booksapp%2Fdeployments%2Fwebapp',
    ready: 'Service graph',
  },
  { path: '/routes', ready: 'Routes' },
  { path: '/mtls', ready: 'mTLS' },
  { path: '/egress', ready: 'Egress' },
  { path: '/tap?ns=emojivoto&resource=deployments&name=web', ready: 'Tap' },
  { path: '/top?ns=emojivoto&resource=deployments&name=web', ready: 'Top' },
  { path: '/namespaces/emojivoto/deployments/web?tab=live', ready: 'web' },
  { path: '/findings', ready: 'Findings' },
  { path: '/control-plane', ready: 'Control plane' },
  { path: '/no-such-page', ready: 'Not found' },
];

for (const { path, ready } of PAGES) {
  test(`axe-core finds no serious or critical violation on ${path}`, async ({ page }) => {
    await page.goto(`${path}${path.includes('?') ? '&' : '?'}refresh=off`);
    await expect(page.getByRole('heading', { level: 1 })).toContainText(ready);
    await expect(page.locator('.state.loading')).toHaveCount(0);
    expect(await seriousViolations(page)).toEqual([]);
  });
}

test('axe-core finds no serious violation with the edge detail and a tooltip open', async ({
  page,
}) => {
  await page.goto('/graph?ns=emojivoto&refresh=off');
  await page
    .getByRole('button', { name: /^Details of emojivoto\/deployments\/web to / })
    .first()
    .click();
  await expect(page.getByRole('complementary', { name: 'Edge detail' })).toBeVisible();
  await page
    .getByRole('button', { name: /^mTLS / })
    .first()
    .focus();
  await expect(page.getByRole('tooltip').first()).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});
