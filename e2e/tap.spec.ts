import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures/test';
import { waitForTraffic } from './support/api';

test.beforeAll(async ({ request }) => waitForTraffic(request));

/** The data rows of a table (its first row is the header). */
const dataRows = (table: Locator) => table.locator('tbody tr');
/** The text of one column of every data row. */
async function column(table: Locator, index: number): Promise<string[]> {
  return dataRows(table).evaluateAll(
    (rows, i) => rows.map((r) => r.querySelectorAll('td')[i]?.textContent ?? ''),
    index,
  );
}
const tapState = (page: Page) => page.getByRole('status', { name: 'Tap state' });

test("a workload's live calls appear within 5 s of opening its tab", async ({ page }) => {
  await page.goto('/namespaces/emojivoto/deployments/web');
  await page.getByRole('tab', { name: 'Live calls' }).click();
  const table = page.getByRole('table', { name: 'Live calls' });
  await expect(dataRows(table).first()).toBeVisible({ timeout: 5000 });
  await expect(tapState(page)).toHaveText('Live');
  // web is called by vote-bot and calls emoji and voting: both directions show.
  await expect
    .poll(async () => new Set(await column(table, 0)), { timeout: 10_000 })
    .toEqual(new Set(['inbound', 'outbound']));
  await page.screenshot({ path: test.info().outputPath('live-calls.png'), fullPage: true });
});

test('a path prefix narrows the tap to the requests on that path', async ({ page }) => {
  await page.goto('/tap');
  const form = page.getByRole('form', { name: 'Tap filters' });
  await form.getByLabel('Namespace', { exact: true }).fill('emojivoto');
  await form.getByLabel('Resource', { exact: true }).selectOption('deployments');
  await form.getByLabel('Name', { exact: true }).fill('web');
  await form.getByRole('button', { name: 'Start' }).click();
  const table = page.getByRole('table', { name: 'Tapped calls' });
  // Unfiltered, web's own gRPC calls show beside the votes it receives.
  await expect
    .poll(async () => (await column(table, 5)).some((p) => p.startsWith('/emojivoto.v1.')), {
      timeout: 10_000,
    })
    .toBe(true);
  await form.getByLabel('Path prefix').fill('/api/vote');
  await form.getByRole('button', { name: 'Start' }).click();
  await expect(page).toHaveURL(/path=%2Fapi%2Fvote/);
  await expect
    .poll(async () => (await column(table, 5)).length, { timeout: 10_000 })
    .toBeGreaterThan(3);
  expect(new Set(await column(table, 5))).toEqual(new Set(['/api/vote']));
  // The doughnut votes fail: some of the filtered calls are 500s.
  await expect
    .poll(async () => (await column(table, 6)).includes('500'), { timeout: 15_000 })
    .toBe(true);
});

test('pause stops the updates and resume brings them back', async ({ page }) => {
  await page.goto('/tap?ns=emojivoto&resource=deployments&name=web');
  const table = page.getByRole('table', { name: 'Tapped calls' });
  await expect(dataRows(table).first()).toBeVisible({ timeout: 10_000 });
  await page.getByRole('button', { name: 'Pause the tap' }).click();
  await expect(tapState(page)).toHaveText('Paused');
  await expect(page).toHaveURL(/paused=1/);
  // The stream closes just after the view says Paused (React runs the effect's cleanup after
  // rendering); a batch already on its way may land in that moment, none after.
  await page.waitForTimeout(500);
  const frozen = await table.locator('tbody').innerText();
  // web sees several requests a second: three seconds paused would have shown new ones.
  await page.waitForTimeout(3000);
  expect(await table.locator('tbody').innerText()).toBe(frozen);
  await page.getByRole('button', { name: 'Resume the tap' }).click();
  await expect(tapState(page)).toHaveText('Live');
  await expect.poll(() => table.locator('tbody').innerText(), { timeout: 10_000 }).not.toBe(frozen);
});

test('top ranks the busiest path first', async ({ page }) => {
  // vote-bot votes about 3.5 times a second (seven emoji at 0.5) and lists once a second.
  await page.goto('/top?ns=emojivoto&resource=deployments&name=vote-bot');
  const table = page.getByRole('table', { name: 'Top paths' });
  await expect
    .poll(async () => (await column(table, 4)).length, { timeout: 15_000 })
    .toBeGreaterThanOrEqual(2);
  await expect
    .poll(async () => Number((await column(table, 5))[0]), { timeout: 15_000 })
    .toBeGreaterThanOrEqual(8);
  const paths = await column(table, 4);
  const counts = (await column(table, 5)).map(Number);
  expect(paths[0]).toBe('/api/vote');
  expect(counts[0]).toBe(Math.max(...counts));
  expect(paths).toContain('/api/list');
  await page.screenshot({ path: test.info().outputPath('top.png'), fullPage: true });
});
