import { defineConfig } from '@playwright/test';
import { E2E_API_KEY, E2E_PORT, e2eServerEnv } from './e2e/helpers/env';

export default defineConfig({
  testDir: './e2e',
  timeout: 60_000,
  fullyParallel: false,
  workers: 1,
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL: `http://localhost:${E2E_PORT}`,
    extraHTTPHeaders: { Authorization: `Bearer ${E2E_API_KEY}` },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update'],
    },
  },
  projects: [
    { name: 'api', testMatch: 'api/**/*.spec.ts' },
    // Clerk reads an Authorization header before the session cookie: UI specs send no API key by default.
    { name: 'ui', testMatch: ['auth.spec.ts', 'ui/**/*.spec.ts'], use: { extraHTTPHeaders: {} } },
  ],
  webServer: {
    command: `npx next build && npx next start -p ${E2E_PORT}`,
    url: `http://localhost:${E2E_PORT}/api/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    env: e2eServerEnv(),
  },
});
