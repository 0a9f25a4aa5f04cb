import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type BrowserContext, type Page, type TestInfo } from '@playwright/test';
import {
  E2E_ADMIN_EMAIL,
  clerkServerEnv,
  mintSession,
  sessionCookies,
  type SessionOptions,
} from '../helpers/clerk';
import { runId } from '../helpers/events';
import { startServer, type Server } from '../helpers/server';

const slug = `rules-${runId()}`;
const ADMIN: SessionOptions = { userId: 'user_rules_admin', email: E2E_ADMIN_EMAIL, name: 'Ada Admin' };
const VIEWER: SessionOptions = {
  userId: 'user_rules_viewer',
  email: 'vic@chatwatch.test',
  name: 'Vic Viewer',
};
let server: Server;

/** A webhook receiver on loopback that records what the server sends it. */
const received: { path: string; json: Record<string, unknown> }[] = [];
const receiver = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    received.push({ path: req.url ?? '/', json: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
});
let receiverUrl = '';

async function signIn(context: BrowserContext, who: SessionOptions) {
  await context.route(
    (url) => url.origin !== server.url,
    (route) => route.abort(),
  );
  await context.addCookies(sessionCookies(await mintSession(who), server.url));
}

async function shot(page: Page, info: TestInfo, name: string) {
  const path = info.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await info.attach(name, { path, contentType: 'image/png' });
}

test.describe('alert rules and channels', () => {
  test.beforeAll(async () => {
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    server = await startServer({
      ...clerkServerEnv(),
      INIT_PROJECT: slug,
      INIT_API_KEY: `cw_rules_${randomBytes(24).toString('hex')}`,
    });
  });
  test.afterAll(async () => {
    await server?.stop();
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  test('an admin raises the error-rate threshold to 5% and disables a rule, both audited', async ({
    context,
    page,
  }, info) => {
    await signIn(context, ADMIN);
    await page.goto(`${server.url}/alerts/rules?project=${slug}`);
    const errorRate = page.getByRole('listitem', { name: 'Error rate above 1%' });
    await expect(errorRate.getByTestId('rule-condition')).toHaveText('error rate > 1% over 5 min');
    await errorRate.getByRole('link', { name: 'Edit Error rate above 1%' }).click();

    await expect(page.getByRole('heading', { name: 'Edit “Error rate above 1%”' })).toBeVisible();
    await page.getByLabel('Threshold (%)').fill('5');
    await page.getByRole('button', { name: 'Save rule' }).click();
    await expect(page).toHaveURL(/\/alerts\/rules\?project=.*&saved=/);
    await expect(page.getByText('Saved “Error rate above 1%”: enabled.')).toBeVisible();
    await expect(errorRate.getByTestId('rule-condition')).toHaveText('error rate > 5% over 5 min');

    const cache = page.getByRole('listitem', { name: 'Cache hit rate below 80%' });
    const toggle = cache.getByRole('switch', { name: 'Cache hit rate below 80% enabled' });
    await expect(toggle).toHaveAttribute('aria-checked', 'true');
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-checked', 'false');
    await page.reload();
    await expect(toggle).toHaveAttribute('aria-checked', 'false');
    await shot(page, info, 'alert-rules-admin');

    await page.goto(`${server.url}/settings/audit?project=${slug}`);
    const audit = page.getByRole('table');
    const updated = audit.getByRole('row').filter({ hasText: 'alert_rule.updated' });
    await expect(updated).toContainText('error-rate');
    await expect(updated).toContainText('"value":0.05');
    await expect(audit.getByRole('row').filter({ hasText: 'alert_rule.disabled' })).toContainText(
      'cache-hit-rate',
    );
  });

  test('an admin adds a webhook channel and a test notification reaches the receiver', async ({
    context,
    page,
  }, info) => {
    await signIn(context, ADMIN);
    await page.goto(`${server.url}/alerts/channels?project=${slug}`);
    await expect(page.getByText('No channels yet')).toBeVisible();
    const add = page.getByRole('form', { name: 'Add channel' });
    await add.getByLabel('Channel name').fill('E2E hook');
    await add.getByLabel('Webhook URL').fill(`${receiverUrl}/e2e-hook/SECRETPATH?token=tok`);
    await expect(add.getByRole('checkbox', { name: 'P3' })).toBeChecked();
    await expect(add.getByRole('checkbox', { name: 'P4' })).not.toBeChecked();
    await add.getByRole('button', { name: 'Add channel' }).click();
    await expect(add.getByRole('status')).toHaveText('Added channel “E2E hook”.');

    const row = page.getByRole('listitem', { name: 'E2E hook' });
    await expect(row.getByTestId('channel-target')).toHaveText(receiverUrl);
    await expect(page.locator('body')).not.toContainText('SECRETPATH');
    await row.getByRole('button', { name: 'Send test' }).click();
    await expect(row.getByTestId('test-outcome')).toContainText('Delivered to “E2E hook” (status 200)');
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      path: '/e2e-hook/SECRETPATH?token=tok',
      json: { kind: 'test', severity: 'P3', project: { slug } },
    });
    await shot(page, info, 'alert-channels-admin');
  });

  test('a viewer sees rules and channels without any edit control', async ({ context, page }, info) => {
    await signIn(context, VIEWER);
    await page.goto(`${server.url}/alerts/rules?project=${slug}`);
    await expect(page.getByRole('listitem', { name: 'Dependency down 3 checks in a row' })).toContainText(
      'any dependency fails 3 checks in a row',
    );
    await expect(page.getByRole('switch')).toHaveCount(0);
    await expect(page.getByRole('link', { name: /^Edit / })).toHaveCount(0);
    await expect(page.getByRole('link', { name: 'Add rule' })).toHaveCount(0);
    await expect(page.getByText(/Only admins can change alert rules/)).toBeVisible();
    await shot(page, info, 'alert-rules-viewer');

    await page.goto(`${server.url}/alerts/channels?project=${slug}`);
    await expect(page.getByRole('heading', { name: 'Notification channels' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Send test' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Add channel' })).toHaveCount(0);
    await expect(page.getByText(/Only admins can add, change or test channels/)).toBeVisible();
  });
});
