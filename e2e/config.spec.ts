import type { ControlPlaneResponse, FindingsResponse, PolicyResponse } from '@meshviz/shared';
import { expect, test } from './fixtures/test';
import { ControlPlaneView, FindingsView, PolicyView } from './pages/config-pages';
import { openWithAnswer, WorkloadView } from './pages/mesh-pages';
import { waitForTraffic } from './support/api';
import { expectShows } from './support/numbers';

test.beforeAll(async ({ request }) => waitForTraffic(request));

test('the policy page shows each Server, what admits clients, and the denied client at the rate the API gave', async ({
  page,
}) => {
  const view = new PolicyView(page);
  const api = await openWithAnswer<PolicyResponse>(
    page,
    '/namespaces/booksapp/policy?refresh=off',
    '/api/v1/namespaces/booksapp/policy',
  );
  await expect(page.getByRole('group', { name: 'Default inbound policy' })).toContainText(
    'cluster-unauthenticated',
  );
  const authors = view.server('authors-http');
  await expect(authors).toContainText('MeshTLSAuthentication authors-clients');
  await expect(authors).toContainText(
    'webapp.booksapp.serviceaccount.identity.linkerd.cluster.local',
  );
  const denied = api.servers
    .find((s) => s.name === 'authors-http')
    ?.traffic.deniedClients.find((c) => c.identity.startsWith('audit-bot.'));
  expect(denied?.rps).toBeGreaterThan(0);
  const row = view.clients('authors-http').row(denied?.identity ?? '-');
  await expect(row).toContainText('denied');
  await expectShows(row.getByRole('cell').nth(2), denied?.rps ?? null, 'audit-bot denied RPS');
  await expect(view.server('admin-ui')).toContainText('no pod');
  await expect(page.getByRole('note').filter({ hasText: 'reports-from-webapp' })).toContainText(
    'does not exist',
  );
  // webapp's rate limit: its limits per proxy, the override, and the scraper's 429s.
  const webapp = view.server('webapp-http');
  await expect(webapp).toContainText('Rate limit webapp-rl');
  const limits = page.getByRole('definition').filter({ hasText: 'rps per proxy' });
  await expect(limits.filter({ hasText: 'traffic.booksapp' })).toContainText('5 rps per proxy');
  const limit = api.servers.find((s) => s.name === 'webapp-http')?.rateLimit;
  expect(limit?.limitedRps).toBeGreaterThan(0);
  const tooMany = limit?.tooManyRequestsClients[0];
  expect(tooMany?.identity).toMatch(/^book-scraper\./);
  const scraperRow = view.tooManyRequests('webapp-http').row(tooMany?.identity ?? '-');
  await expectShows(scraperRow.getByRole('cell').nth(1), tooMany?.rps ?? null, 'scraper 429s');
  await page.screenshot({ path: test.info().outputPath('policy-booksapp.png'), fullPage: true });
});

test('the findings page lists every finding the API returned, and the navigation counts them', async ({
  page,
}) => {
  const view = new FindingsView(page);
  const api = await openWithAnswer<FindingsResponse>(
    page,
    '/findings?refresh=off',
    '/api/v1/findings',
  );
  const codes = new Set(api.findings.map((f) => f.code));
  for (const code of [
    'server-selects-no-pod',
    'policy-target-missing',
    'httproute-shadowed',
    'annotation-shadowed',
    'annotation-misplaced',
    'route-backend-missing',
    'serviceprofile-without-service',
    'injection-pending',
    'proxy-version-mismatch',
    'certificate-expiring',
    'traffic-denied',
    'egress-denied',
    'rate-limit-hit',
  ])
    expect(codes, code).toContain(code);
  await expect(view.table.root.getByRole('row')).toHaveCount(api.findings.length + 1);
  await expect(view.count).toHaveText(String(api.findings.length));
  await expect(
    view.table.root.getByRole('row').filter({ hasText: 'server-selects-no-pod' }),
  ).toContainText('Server booksapp/admin-ui');
  await page.screenshot({ path: test.info().outputPath('findings.png'), fullPage: true });
  // Filtering by severity lives in the URL.
  await page.getByRole('combobox', { name: 'Severity' }).selectOption('critical');
  await expect(page).toHaveURL(/severity=critical/);
  await expect(view.table.root.getByRole('row')).toHaveCount(
    api.findings.filter((f) => f.severity === 'critical').length + 1,
  );
});

test('the control plane page shows the components healthy, the version and the proxies out of date', async ({
  page,
}) => {
  const view = new ControlPlaneView(page);
  const api = await openWithAnswer<ControlPlaneResponse>(
    page,
    '/control-plane?refresh=off',
    '/api/v1/control-plane',
  );
  for (const c of api.components)
    await expect(await view.components.cell(c.name, 'Health')).toHaveText(
      c.healthy ? 'healthy' : /not ready|no pods/,
    );
  await expect(page.getByRole('definition').filter({ hasText: api.version ?? '-' })).toBeVisible();
  const old = api.proxyVersions.find((v) => !v.matchesControlPlane);
  expect(old?.version).toBe('edge-25.8.2');
  await expect(await view.versions.cell('edge-25.8.2', 'Matches the control plane')).toContainText(
    'no',
  );
  await expect(await view.versions.cell('edge-25.8.2', 'Pods')).toHaveText(String(old?.pods));
  await page.screenshot({ path: test.info().outputPath('control-plane.png'), fullPage: true });
});

test('the Config tab says who may call a workload and marks a shadowed HTTPRoute', async ({
  page,
}) => {
  const view = new WorkloadView(page);
  await page.goto('/namespaces/booksapp/deployments/books?tab=config&refresh=off');
  await expect(view.tab('Config')).toHaveAttribute('aria-selected', 'true');
  const config = page.getByRole('region', { name: 'Configuration of service books' });
  await expect(config.getByRole('heading', { name: /HTTPRoute books-timeout/ })).toContainText(
    'shadowed by the ServiceProfile',
  );
  await expect(config.getByRole('note')).toContainText('ignored by the proxies');
  await page.goto('/namespaces/booksapp/deployments/authors?tab=config&refresh=off');
  await expect(page.getByRole('region', { name: 'Who may call this' })).toContainText(
    'books.booksapp.serviceaccount.identity.linkerd.cluster.local',
  );
  await page.getByRole('link', { name: 'Policy of namespace booksapp' }).click();
  await expect(page).toHaveURL(/\/namespaces\/booksapp\/policy/);
  await page.screenshot({ path: test.info().outputPath('config-tab.png'), fullPage: true });
});
