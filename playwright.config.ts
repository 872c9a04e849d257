import { defineConfig } from '@playwright/test';
import { E2E_PORT as PORT, STATE_FILE, WITHOUT_GATEWAY_API_URL } from './e2e/support/stack';

/** The e2e suite runs against `npm start`'s processes on a port of its own. */
export const baseURL = `http://127.0.0.1:${PORT}`;

/**
 * Stopped as Ctrl-C stops `npm start`, not killed: the demo mesh then removes the state
 * folder (kubeconfig, Prometheus configuration) it wrote under the system's temp folder.
 */
const gracefulShutdown = { signal: 'SIGTERM', timeout: 10_000 } as const;

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: true,
  outputDir: 'test-results',
  reporter: [
    ['list'],
    ['json', { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? '.tmp/reports/e2e.json' }],
  ],
  use: {
    baseURL,
    screenshot: 'on',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.MESHVIZ_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: [
    {
      command: `node --import tsx scripts/start.ts --listen 127.0.0.1:${PORT} --pod-subnet 61 --state-file ${STATE_FILE}`,
      url: `${baseURL}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
      gracefulShutdown,
    },
    {
      command: `node --import tsx scripts/start.ts --listen 127.0.0.1:${PORT + 1} --pod-subnet 62 --scenario emojivoto --without-group gateway.networking.k8s.io --forbid-tap`,
      url: `${WITHOUT_GATEWAY_API_URL}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
      gracefulShutdown,
    },
  ],
});
