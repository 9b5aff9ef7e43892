import { defineConfig } from '@playwright/test';

// The browser test runs against the *built* portal: the backend bundle from
// `yarn build:all`, unpacked and started by e2e/serve-bundle.mjs on its own
// port and its own PostgreSQL databases, serving the built frontend.
const port = Number(process.env.PORTAL_E2E_PORT ?? 7017);
process.env.PORTAL_E2E_PORT = String(port);

export default defineConfig({
  testDir: 'e2e',
  timeout: 180_000,
  expect: { timeout: 30_000 },
  retries: 0,
  workers: 1,
  forbidOnly: true,
  reporter: [
    ['list'],
    [
      'json',
      {
        outputFile:
          process.env.PORTAL_E2E_REPORT ?? 'e2e-artifacts/e2e-results.json',
      },
    ],
  ],
  outputDir: `e2e-artifacts/test-results${
    process.env.PORTAL_E2E_DATABASE === 'sqlite' ? '-sqlite' : ''
  }`,
  webServer: {
    command: 'node e2e/serve-bundle.mjs',
    url: `http://127.0.0.1:${port}/.backstage/health/v1/readiness`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
  },
  use: {
    baseURL: `http://localhost:${port}`,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.PORTAL_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
