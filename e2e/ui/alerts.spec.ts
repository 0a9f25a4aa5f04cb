import { randomBytes, randomUUID } from 'node:crypto';
import { expect, test, type BrowserContext, type Page, type TestInfo } from '@playwright/test';
import {
  E2E_ADMIN_EMAIL,
  clerkServerEnv,
  mintSession,
  sessionCookies,
  type SessionOptions,
} from '../helpers/clerk';
import { runId } from '../helpers/events';
import { startHttpReceiver, type HttpReceiver } from '../helpers/receivers';
import { startServer, type Server } from '../helpers/server';

/**
 * The alerts page on a production server in Clerk mode: a burst of 5xx requests, the cron route run by hand,
 * then what an on-call admin does in the browser: find the alert, open it, acknowledge it, silence it.
 */

const slug = `alerts-ui-${runId()}`;
const apiKey = `cw_alerts_ui_${randomBytes(24).toString('hex')}`;
const cronSecret = `cron-${randomUUID()}`;
let server: Server;
let receiver: HttpReceiver;

const ADMIN: SessionOptions = { userId: 'user_alerts_admin', email: E2E_ADMIN_EMAIL, name: 'Ada Admin' };
const VIEWER: SessionOptions = {
  userId: 'user_alerts_viewer',
  email: 'vic@chatwatch.test',
  name: 'Vic Viewer',
};

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

/** Runs the cron route; another server sharing this Redis may hold the lock for a moment. */
async function runCron(): Promise<{ transitions: number; notificationsSent: number }> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const res = await fetch(`${server.url}/api/cron/alerts`, {
      headers: { Authorization: `Bearer ${cronSecret}` },
    });
    expect(res.status).toBe(200);
    const summary = (await res.json()) as {
      skipped?: string;
      transitions: number;
      notificationsSent: number;
    };
    if (!summary.skipped) return summary;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the cron lock stayed taken for 10 s');
}

test.describe('alerts page', () => {
  test.beforeAll(async () => {
    receiver = await startHttpReceiver();
    server = await startServer({
      ...clerkServerEnv(),
      INIT_PROJECT: slug,
      INIT_API_KEY: apiKey,
      CRON_SECRET: cronSecret,
      ALERT_WEBHOOK_URL: `${receiver.url}/webhook`,
    });
    // 30 requests in the last minute, 10 of them 5xx: a 33.3% error rate against the 1% rule.
    const now = Date.now();
    const events = Array.from({ length: 30 }, (_, i) => ({
      type: 'http.request',
      id: `${slug}-${i}`,
      route: '/api/chat',
      status: i < 10 ? 503 : 200,
      durationMs: 80,
      timestamp: now - 60_000 + i * 1000,
    }));
    const res = await fetch(`${server.url}/api/v1/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ events }),
    });
    expect(res.status).toBe(200);
    const summary = await runCron();
    expect(summary.transitions).toBeGreaterThanOrEqual(1);
  });
  test.afterAll(async () => {
    await server?.stop();
    await receiver?.close();
  });

  test('an admin finds the firing alert, opens it, acknowledges and silences it', async ({
    context,
    page,
  }, info) => {
    await signIn(context, ADMIN);
    await page.goto(`${server.url}/alerts?project=${slug}`);
    await expect(page.getByRole('heading', { name: 'Alerts', exact: true })).toBeVisible();
    const card = page.getByTestId('active-alert').filter({ hasText: 'Error rate above 1%' });
    await expect(card).toContainText('firing');
    await expect(card.getByTestId('alert-value')).toHaveText('33.3%');
    await expect(card).toContainText('threshold > 1.00%');
    await expect(page.getByRole('row').filter({ hasText: 'Error rate above 1%' })).toContainText('33.3%');
    await shot(page, info, 'alerts-firing');

    await card.getByRole('link', { name: 'Error rate above 1%' }).click();
    await expect(page).toHaveURL(/[?&]rule=[0-9a-f-]{36}/);
    const detail = page.getByTestId('alert-detail');
    await expect(detail).toContainText('error rate > 1% over 5 min');
    await expect(detail.getByTestId('alert-chart').locator('.recharts-line-curve')).toHaveCount(1);
    await expect(detail.getByTestId('alert-chart')).toContainText('fired');
    const firing = detail.getByTestId('alert-transition').filter({ hasText: 'firing' }).first();
    await expect(firing).toContainText('33.3%');
    await expect(firing.getByRole('row').filter({ hasText: 'Webhook (ALERT_WEBHOOK_URL)' })).toContainText(
      'sent',
    );
    expect(receiver.requests('/webhook').some((r) => JSON.stringify(r.json).includes(slug))).toBe(true);

    await detail.getByRole('button', { name: 'Acknowledge' }).click();
    await expect(detail.getByTestId('alert-acknowledged')).toContainText(
      `Acknowledged by ${E2E_ADMIN_EMAIL}`,
    );
    await expect(detail.getByRole('button', { name: 'Acknowledge' })).toHaveCount(0);

    await detail.getByRole('button', { name: 'Silence' }).click();
    await detail.getByLabel('4 h', { exact: true }).check();
    await detail.getByLabel('Reason').fill('e2e: rolling back the deploy');
    await detail.getByRole('button', { name: 'Create silence' }).click();
    await expect(detail.getByRole('status')).toContainText('Silenced Error rate above 1%');
    await expect(detail.getByTestId('alert-silenced')).toContainText('Silenced until');
    await shot(page, info, 'alert-detail');

    await page.getByRole('link', { name: '← All alerts' }).click();
    await expect(card.getByTestId('alert-acknowledged')).toBeVisible();
    await expect(card.getByTestId('alert-silenced')).toBeVisible();
    const silence = page
      .getByTestId('silences')
      .getByRole('row')
      .filter({ hasText: 'e2e: rolling back the deploy' });
    await expect(silence).toContainText('Error rate above 1%');
    await expect(silence).toContainText(E2E_ADMIN_EMAIL);
    await shot(page, info, 'alerts-silenced');

    await silence.getByRole('button', { name: 'End now' }).click();
    await expect(silence).toHaveCount(0);
    await expect(page.getByTestId('silences')).toContainText('No silences in force');
    await expect(card.getByTestId('alert-silenced')).toHaveCount(0);
  });

  test('a viewer may acknowledge but not silence', async ({ context, page }) => {
    await signIn(context, VIEWER);
    await page.goto(`${server.url}/alerts?project=${slug}`);
    const card = page.getByTestId('active-alert').filter({ hasText: 'API availability below 99.9%' });
    await expect(card.getByRole('button', { name: 'Acknowledge' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Silence', exact: true })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Create silence' })).toHaveCount(0);
    await expect(page.getByText('Ask an admin to create or end silences.')).toBeVisible();
    await card.getByRole('button', { name: 'Acknowledge' }).click();
    await expect(card.getByTestId('alert-acknowledged')).toContainText('Acknowledged by vic@chatwatch.test');
  });
});
