import { randomBytes } from 'node:crypto';
import { expect, test, type BrowserContext, type Page, type TestInfo } from '@playwright/test';
import { E2E_ADMIN_EMAIL, clerkServerEnv, mintSession, sessionCookies } from '../helpers/clerk';
import { runId } from '../helpers/events';
import { startServer, type Server } from '../helpers/server';

const slug = `ui-${runId()}`;
const apiKey = `cw_ui_${randomBytes(24).toString('hex')}`;
const ADMIN = { userId: 'user_ui_admin', email: E2E_ADMIN_EMAIL, name: 'Ada Admin' };
let server: Server;

const ago = (minutes: number) => Date.now() - minutes * 60_000;

/** A small, hand-computed dataset: every figure asserted below follows from it. */
function dataset() {
  const base = { service: 'chat-api', environment: 'production' };
  const at = (m: number, e: Record<string, unknown>, i: number) => ({
    ...base,
    id: `${slug}-${i}`,
    timestamp: ago(m),
    ...e,
  });
  return [
    { type: 'http.request', route: '/api/chat', status: 200, durationMs: 120, userId: 'u1' },
    { type: 'http.request', route: '/api/chat', status: 200, durationMs: 180, userId: 'u2' },
    { type: 'http.request', route: '/api/chat', status: 500, durationMs: 900, userId: 'u3' },
    { type: 'http.request', route: '/api/feedback', status: 503, durationMs: 40, userId: 'u1' },
    { type: 'response.sent', durationMs: 100, timeToFirstTokenMs: 50, streamed: true, userId: 'u1' },
    { type: 'response.sent', durationMs: 200, timeToFirstTokenMs: 60, streamed: true, userId: 'u2' },
    { type: 'response.sent', durationMs: 300, timeToFirstTokenMs: 70, streamed: true, userId: 'u3' },
    { type: 'response.sent', durationMs: 400, timeToFirstTokenMs: 80, streamed: true, userId: 'u1' },
    {
      type: 'ai.call',
      model: 'claude-sonnet-4-5',
      durationMs: 1000,
      inputTokens: 1000,
      outputTokens: 500,
      userId: 'u1',
      conversationId: 'c1',
    },
    {
      type: 'ai.call',
      model: 'claude-sonnet-4-5',
      durationMs: 1400,
      inputTokens: 1000,
      outputTokens: 500,
      userId: 'u2',
      conversationId: 'c2',
    },
    {
      type: 'ai.call',
      model: 'claude-haiku-4-5',
      durationMs: 300,
      status: 'error',
      errorType: 'overloaded_error',
      userId: 'u3',
    },
    { type: 'feedback', score: 5, userId: 'u1', conversationId: 'c1' },
    { type: 'feedback', score: 4, userId: 'u2', conversationId: 'c2' },
    { type: 'feedback', score: 2, userId: 'u3' },
    { type: 'cache', operation: 'get', cache: 'kv', hit: true },
    { type: 'cache', operation: 'get', cache: 'kv', hit: true },
    { type: 'cache', operation: 'get', cache: 'kv', hit: true },
    { type: 'cache', operation: 'get', cache: 'kv', hit: false },
    {
      type: 'log',
      level: 'error',
      event: 'payment.failed',
      message: 'card declined for order 42',
      userId: 'u2',
    },
    { type: 'log', level: 'info', event: 'chat.completed', message: 'ok', userId: 'u1' },
    {
      type: 'error',
      errorType: 'UpstreamTimeout',
      message: 'Claude did not answer in 30 s',
      route: '/api/chat',
      source: 'ai',
    },
  ]
    .map((e, i) => at(2, e, i))
    .concat([
      at(180, { type: 'http.request', route: '/api/chat', status: 200, durationMs: 90, userId: 'u4' }, 99),
    ]);
}

async function signInAsAdmin(context: BrowserContext) {
  await context.route(
    (url) => url.origin !== server.url,
    (route) => route.abort(),
  );
  await context.addCookies(sessionCookies(await mintSession(ADMIN), server.url));
}

async function shot(page: Page, info: TestInfo, name: string) {
  const path = info.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await info.attach(name, { path, contentType: 'image/png' });
}

const figure = (page: Page, label: string) => page.getByTestId(`figure-${label}`);

/** Percentiles come from a histogram within 1% of the exact value (lib/metrics/histogram.ts). */
async function expectMsWithin1Pct(page: Page, label: string, exact: number) {
  await expect(figure(page, label)).toHaveText(/^[\d,.]+ ms$/);
  const shown = Number((await figure(page, label).innerText()).replace(/[^\d.]/g, ''));
  expect(Math.abs(shown - exact), `${label}: ${shown} vs ${exact}`).toBeLessThanOrEqual(exact * 0.01 + 0.5);
}

test.describe('dashboards with Clerk sign-in', () => {
  test.beforeAll(async () => {
    server = await startServer({ ...clerkServerEnv(), INIT_PROJECT: slug, INIT_API_KEY: apiKey });
    const res = await fetch(`${server.url}/api/v1/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ events: dataset() }),
    });
    expect(await res.json()).toEqual({ accepted: 22, duplicates: 0, rejected: 0 });
  });
  test.afterAll(() => server?.stop());

  test('Overview shows the figures of the seeded events and its range picker changes the URL and figures', async ({
    context,
    page,
  }, info) => {
    await signInAsAdmin(context);
    await page.goto(`${server.url}/?project=${slug}&range=24h`);
    await expect(figure(page, 'Requests')).toHaveText('5');
    await expect(figure(page, 'Error rate')).toHaveText('40.0%');
    await expectMsWithin1Pct(page, 'p50 response', 250);
    await expectMsWithin1Pct(page, 'p95 response', 385);
    await expect(figure(page, 'Active users')).toHaveText('4');
    await expect(figure(page, 'Satisfaction')).toHaveText('66.7%');
    await expect(figure(page, 'AI calls')).toHaveText('3');
    await expect(figure(page, 'AI error rate')).toHaveText('33.3%');
    await expect(figure(page, 'Tokens in')).toHaveText('2,000');
    await expect(figure(page, 'Cost')).toHaveText('$0.02');
    await expect(figure(page, 'Cache hit rate')).toHaveText('75.0%');
    await expect(page.getByTestId('dependency-database')).toContainText('up');
    await shot(page, info, 'overview');

    await page.getByRole('button', { name: '1h', exact: true }).click();
    await expect(page).toHaveURL(/range=1h/);
    await expect(figure(page, 'Requests')).toHaveText('4');
    await expect(figure(page, 'Error rate')).toHaveText('50.0%');
  });

  test('the 90-day and 1-year ranges answer on every dashboard and in the read API', async ({
    context,
    page,
  }, info) => {
    for (const range of ['90d', '1y']) {
      for (const dashboard of ['overview', 'experience', 'ai', 'system', 'logs']) {
        const res = await fetch(`${server.url}/api/v1/stats/${dashboard}?range=${range}`, {
          headers: { Authorization: `Bearer ${apiKey}` },
        });
        expect(res.status, `${dashboard} ${range}`).toBe(200);
      }
      const overview = await (
        await fetch(`${server.url}/api/v1/stats/overview?range=${range}`, {
          headers: { Authorization: `Bearer ${apiKey}` },
        })
      ).json();
      expect(overview.figures.requests).toBe(5);
      expect(overview.bucketMs).toBe(range === '1y' ? 7 * 86_400_000 : 86_400_000);
    }
    await signInAsAdmin(context);
    await page.goto(`${server.url}/?project=${slug}&range=24h`);
    await page.getByRole('button', { name: '1y', exact: true }).click();
    await expect(page).toHaveURL(/range=1y/);
    await expect(figure(page, 'Requests')).toHaveText('5');
    await page.getByRole('button', { name: '90d', exact: true }).click();
    await expect(page).toHaveURL(/range=90d/);
    await expect(figure(page, 'AI calls')).toHaveText('3');
    const shown: Record<string, [string, string]> = {
      '/experience': ['Error rate', '40.0%'],
      '/ai': ['AI error rate', '33.3%'],
      '/system': ['5xx rate', '40.0%'],
    };
    for (const [path, [label, value]] of Object.entries(shown)) {
      await page.goto(`${server.url}${path}?project=${slug}&range=1y`);
      await expect(page.getByRole('button', { name: '1y', exact: true })).toHaveAttribute(
        'aria-pressed',
        'true',
      );
      await expect(figure(page, label)).toHaveText(value);
    }
    await shot(page, info, 'system-1y');
  });

  test('User Experience, AI Performance and System Status render their figures', async ({
    context,
    page,
  }, info) => {
    await signInAsAdmin(context);
    await page.goto(`${server.url}/experience?project=${slug}&range=24h`);
    await expectMsWithin1Pct(page, 'p99 response', 397);
    await expectMsWithin1Pct(page, 'Streaming latency', 65);
    // Streamed answers: the time to first response is the first token's (p95 of 50, 60, 70, 80).
    await expectMsWithin1Pct(page, 'Time to first response', 78.5);
    await expect(figure(page, 'Average rating')).toHaveText('3.67');
    // Threshold lines come from the project's alert rules (the defaults seeded with the project).
    await expect(page.getByText('alert: p95 first response > 2.00 s').first()).toBeVisible();
    await expect(page.getByText('alert: error rate > 1.00%').first()).toBeVisible();
    await expect(page.getByRole('cell', { name: '/api/feedback' }).first()).toBeVisible();
    await shot(page, info, 'experience');

    await page.goto(`${server.url}/ai?project=${slug}&range=24h`);
    const sonnet = page.getByRole('row').filter({ hasText: 'claude-sonnet-4-5' }).first();
    await expect(sonnet).toContainText('$0.02');
    await expect(figure(page, 'AI error rate')).toHaveText('33.3%');
    await expect(page.getByRole('cell', { name: 'overloaded_error' })).toBeVisible();
    await page.getByLabel('model').selectOption('claude-haiku-4-5');
    await expect(page).toHaveURL(/model=claude-haiku-4-5/);
    await expect(figure(page, 'AI error rate')).toHaveText('100%');
    await shot(page, info, 'ai');

    await page.goto(`${server.url}/system?project=${slug}&range=24h`);
    await expect(figure(page, '5xx rate')).toHaveText('40.0%');
    await expect(page.getByRole('link', { name: 'UpstreamTimeout' })).toBeVisible();
    // This server's own health checks are recorded (at most one per minute), so the history has the database up.
    await expect(page.getByTestId('health-history-database')).toContainText('100%');
    await shot(page, info, 'system');
  });

  test('Logs searches by text, expands a row to its JSON, and error links land pre-filtered', async ({
    context,
    page,
  }, info) => {
    await signInAsAdmin(context);
    await page.goto(`${server.url}/logs?project=${slug}&range=24h`);
    await expect(page.getByTestId('log-rows').locator('li')).toHaveCount(3);
    await page.getByLabel('text').fill('card declined');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page).toHaveURL(/q=card\+declined/);
    const rows = page.getByTestId('log-rows').locator('li');
    await expect(rows).toHaveCount(1);
    await rows.first().locator('summary').click();
    await expect(rows.first().locator('pre')).toContainText('"payment.failed"');
    await shot(page, info, 'logs');

    await page.goto(`${server.url}/system?project=${slug}&range=24h`);
    await page.getByRole('link', { name: 'UpstreamTimeout' }).click();
    await expect(page).toHaveURL(/\/logs\?.*event=UpstreamTimeout/);
    await expect(page.getByTestId('log-rows').locator('li')).toHaveCount(1);
  });

  test('a range without events shows the empty state instead of empty charts', async ({ context, page }) => {
    await signInAsAdmin(context);
    const to = new Date(ago(60 * 24 * 40)).toISOString();
    const from = new Date(ago(60 * 24 * 41)).toISOString();
    for (const path of ['/', '/experience', '/ai', '/system']) {
      await page.goto(`${server.url}${path}?project=${slug}&from=${from}&to=${to}`);
      await expect(page.getByTestId('empty-state')).toContainText('No events in this range');
    }
  });
});
