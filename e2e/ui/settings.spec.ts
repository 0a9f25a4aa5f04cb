import { randomBytes } from 'node:crypto';
import { expect, test, type BrowserContext, type TestInfo, type Page } from '@playwright/test';
import { E2E_ADMIN_EMAIL, clerkServerEnv, mintSession, sessionCookies, type SessionOptions } from '../helpers/clerk';
import { runId } from '../helpers/events';
import { startServer, type Server } from '../helpers/server';

const slug = `set-${runId()}`;
const ADMIN: SessionOptions = { userId: 'user_set_admin', email: E2E_ADMIN_EMAIL, name: 'Ada Admin' };
const VIEWER: SessionOptions = { userId: 'user_set_viewer', email: 'vic@chatwatch.test', name: 'Vic Viewer' };
let server: Server;

async function signIn(context: BrowserContext, who: SessionOptions) {
  await context.route((url) => url.origin !== server.url, (route) => route.abort());
  await context.addCookies(sessionCookies(await mintSession(who), server.url));
}

async function shot(page: Page, info: TestInfo, name: string) {
  const path = info.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await info.attach(name, { path, contentType: 'image/png' });
}

const ingest = (key: string) =>
  fetch(`${server.url}/api/v1/events`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
    body: JSON.stringify({ events: [{ type: 'page.view', path: '/' }] }),
  });

test.describe('settings', () => {
  test.beforeAll(async () => {
    server = await startServer({ ...clerkServerEnv(), INIT_PROJECT: slug, INIT_API_KEY: `cw_set_${randomBytes(24).toString('hex')}` });
  });
  test.afterAll(() => server?.stop());

  test('an admin creates a key that works at once and is refused the moment it is revoked', async ({ context, page }, info) => {
    await signIn(context, ADMIN);
    await page.goto(`${server.url}/settings?project=${slug}`);
    await page.getByLabel('Key name').fill('e2e ingest');
    await page.getByRole('button', { name: 'Create key' }).click();
    const box = page.getByTestId('new-api-key');
    await expect(box).toContainText('will not be shown again');
    const key = await page.getByLabel('New API key').inputValue();
    expect(key).toMatch(/^cw_/);
    expect((await ingest(key)).status).toBe(200);
    await shot(page, info, 'settings-key-created');

    await page.reload();
    await expect(page.getByTestId('new-api-key')).toHaveCount(0);
    await expect(page.locator('body')).not.toContainText(key);
    const keys = page.locator('section').filter({ has: page.getByRole('heading', { name: 'API keys' }) });
    const row = keys.getByRole('row').filter({ hasText: 'e2e ingest' });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('button', { name: 'Revoke key' }).click();
    await expect(row).toContainText(/revoked/i);
    // Server actions and the ingest route are separate bundles: the revoke must reach the route's key cache at once.
    expect((await ingest(key)).status).toBe(401);
  });

  test('a project created in Settings shows the empty state on every dashboard', async ({ context, page }) => {
    await signIn(context, ADMIN);
    const fresh = `${slug}-new`;
    await page.goto(`${server.url}/settings?project=${slug}`);
    await page.getByLabel('Name', { exact: true }).fill(`Fresh ${fresh}`);
    await page.getByLabel('Slug (optional)').fill(fresh);
    await page.getByRole('button', { name: 'Create project' }).click();
    await expect(page.getByRole('link', { name: `Fresh ${fresh}` })).toBeVisible();
    for (const path of ['/', '/experience', '/ai', '/system']) {
      await page.goto(`${server.url}${path}?project=${fresh}`);
      await expect(page.getByTestId('empty-state')).toContainText('No events in this range');
    }
    await page.goto(`${server.url}/logs?project=${fresh}`);
    await expect(page.getByTestId('empty-state')).toContainText('No logs or errors');
  });

  test('a viewer sees no admin forms', async ({ context, page }, info) => {
    await signIn(context, VIEWER);
    await page.goto(`${server.url}/settings?project=${slug}`);
    await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Create key' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Revoke' })).toHaveCount(0);
    await expect(page.getByText(/ask an admin/i).first()).toBeVisible();
    await shot(page, info, 'settings-viewer');
  });
});
