import { randomBytes } from 'node:crypto';
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

const slug = `sts-${runId()}`;
const apiKey = `cw_sts_${randomBytes(24).toString('hex')}`;
const ADMIN: SessionOptions = { userId: 'user_sts_admin', email: E2E_ADMIN_EMAIL, name: 'Ada Admin' };
let server: Server;
let projectId = '';

/** Only the server under test answers: clerk-js and anything else would try the network. */
async function offline(context: BrowserContext) {
  await context.route(
    (url) => url.origin !== server.url,
    (route) => route.abort(),
  );
}

async function shot(page: Page, info: TestInfo, name: string) {
  const path = info.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await info.attach(name, { path, contentType: 'image/png' });
}

async function setStatusPage(context: BrowserContext, page: Page, on: boolean) {
  await offline(context);
  await context.addCookies(sessionCookies(await mintSession(ADMIN), server.url));
  await page.goto(`${server.url}/settings?project=${slug}`);
  const section = page.getByTestId('status-page-setting');
  await section.getByRole('button', { name: on ? 'Turn on status page' : 'Turn off status page' }).click();
  await section.getByRole('button', { name: on ? 'Publish' : 'Turn off' }).click();
  await expect(
    section.getByRole('button', { name: on ? 'Turn off status page' : 'Turn on status page' }),
  ).toBeVisible();
}

/** Plain GET without cookies or headers: what an anonymous visitor (or a crawler) receives. */
const anonymous = (path: string) => fetch(`${server.url}${path}`, { redirect: 'manual' });

test.describe.serial('public status page', () => {
  test.beforeAll(async () => {
    server = await startServer({ ...clerkServerEnv(), INIT_PROJECT: slug, INIT_API_KEY: apiKey });
  });
  test.afterAll(() => server?.stop());

  test('is a 404 until an admin turns it on in Settings, audit-logged, with its public address', async ({
    context,
    page,
  }, info) => {
    expect((await anonymous(`/status/${slug}`)).status).toBe(404);
    await setStatusPage(context, page, true);
    const section = page.getByTestId('status-page-setting');
    await expect(section.getByTestId('status-page-url')).toHaveText(new RegExp(`/status/${slug}$`));
    projectId = await section.locator('input[name="projectId"]').inputValue();
    expect(projectId).toMatch(/^[0-9a-f-]{36}$/);
    await page.goto(`${server.url}/settings/audit?project=${slug}&action=status_page.`);
    await expect(page.getByRole('table')).toContainText('status_page.enabled');
    await page.goto(`${server.url}/settings?project=${slug}`);
    await shot(page, info, 'settings-status-page-on');
  });

  test('other sites may frame it only once an admin allows embedding in Settings', async ({
    context,
    page,
  }) => {
    const framing = async () => {
      const res = await anonymous(`/status/${slug}`);
      return [res.headers.get('content-security-policy'), res.headers.get('x-frame-options')];
    };
    expect(await framing()).toEqual(["frame-ancestors 'none'", 'DENY']);
    await offline(context);
    await context.addCookies(sessionCookies(await mintSession(ADMIN), server.url));
    await page.goto(`${server.url}/settings?project=${slug}`);
    const section = page.getByTestId('status-page-framing');
    await expect(section).toContainText('may not embed this page');
    await section.getByRole('button', { name: 'Allow embedding' }).click();
    await section.getByRole('button', { name: 'Allow', exact: true }).click();
    await expect(section).toContainText('Other sites may embed this page');
    // The action forgets the proxy's cached flag in this process: the next request already sees it.
    expect(await framing()).toEqual(['frame-ancestors *', null]);
    expect((await anonymous('/sign-in')).headers.get('x-frame-options')).toBe('DENY');
    await section.getByRole('button', { name: 'Refuse embedding' }).click();
    await section.getByRole('button', { name: 'Refuse', exact: true }).click();
    await expect(section).toContainText('may not embed this page');
    expect(await framing()).toEqual(["frame-ancestors 'none'", 'DENY']);
    await page.goto(`${server.url}/settings/audit?project=${slug}&action=status_page.framing`);
    await expect(page.getByRole('table')).toContainText('status_page.framing_allowed');
    await expect(page.getByRole('table')).toContainText('status_page.framing_refused');
  });

  test('anyone sees it without a session: dependencies, 90 bars, then the chat app degraded after errors', async ({
    context,
    page,
  }, info) => {
    await offline(context);
    // The reasons the health probes give right now: internal detail the page must not repeat.
    const health = (await (
      await fetch(`${server.url}/api/health`, { headers: { Authorization: `Bearer ${apiKey}` } })
    ).json()) as {
      details: Record<string, { state: string; reason?: string }>;
    };
    const reasons = Object.values(health.details).flatMap((d) => (d.reason ? [d.reason] : []));

    const response = await page.goto(`${server.url}/status/${slug}`);
    expect(response?.status()).toBe(200);
    expect(page.url()).toBe(`${server.url}/status/${slug}`);
    await expect(page.getByRole('heading', { name: slug, level: 1 })).toBeVisible();
    await expect(page.getByTestId('status-overall')).toHaveText(
      /All systems operational|Degraded performance|Major outage|Status unknown/,
    );
    const database = page.getByTestId('status-dependency-database');
    await expect(database).toContainText('Database');
    await expect(database.getByTestId('uptime-bar')).toHaveCount(90);
    const today = new Date().toISOString().slice(0, 10);
    await expect(database.getByTestId('uptime-bar').last()).toHaveAttribute('data-day', today);
    await expect(database.getByTestId('uptime-bar').last()).toHaveAttribute(
      'title',
      /: (no failed checks|a few failed checks|many failed checks|no data)$/,
    );
    await expect(page.getByTestId('status-app')).toContainText('Not enough traffic');
    // No dashboard shell, navigation or sign-in state on a public page, and no link into the dashboard.
    await expect(page.getByRole('navigation')).toHaveCount(0);
    await expect(page.getByText(/sign in|sign out|settings/i)).toHaveCount(0);
    expect(await page.locator('a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual(
      [],
    );

    // 20 requests, 5 failed (25%: above the default 1% rule, below an outage), and 10 quick responses.
    const now = Date.now();
    const events = [
      ...Array.from({ length: 20 }, (_, i) => ({
        type: 'http.request',
        id: `sts-req-${i}`,
        route: '/api/internal-secret-route',
        status: i < 5 ? 500 : 200,
        durationMs: 40,
        timestamp: now - i * 1000,
      })),
      ...Array.from({ length: 10 }, (_, i) => ({
        type: 'response.sent',
        id: `sts-res-${i}`,
        durationMs: 300,
        timestamp: now - i * 1000,
      })),
    ];
    const ingested = await fetch(`${server.url}/api/v1/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ events }),
    });
    expect(ingested.status).toBe(200);

    // The page's figures are cached for 10 s.
    const app = page.getByTestId('status-app');
    await expect(async () => {
      await page.reload();
      await expect(app.locator('[data-state]')).toHaveAttribute('data-state', 'degraded', { timeout: 1000 });
    }).toPass({ timeout: 20_000 });
    // The state is public; the 25% error rate, the 300 ms p95 and the 1% threshold behind it are not.
    await expect(app).toContainText('Judged on errors and response times over the last 15 minutes.');
    await expect(page.getByTestId('status-overall')).toHaveText(/Degraded performance|Major outage/);
    await shot(page, info, 'status-page');
    const visible = await page.locator('main').innerText();
    expect(visible).not.toMatch(/%/);
    expect(visible).not.toMatch(/\d\s?(ms|s)\b/);
    for (const tooltip of await page
      .getByTestId('uptime-bar')
      .evaluateAll((bars) => bars.map((b) => b.getAttribute('title'))))
      expect(tooltip).not.toMatch(/\d%/);

    const html = await (await anonymous(`/status/${slug}`)).text();
    expect(html).toContain('Chat app');
    for (const secret of [
      projectId,
      apiKey.slice(0, 9),
      '/api/internal-secret-route',
      ...reasons,
      '25.0%',
      '300 ms',
      'Error rate above 1%',
      'p95 time to first response above 2 s',
    ])
      expect(html, `the page must not contain ${secret}`).not.toContain(secret);
  });

  test('the index leads to the page; an unknown slug and a turned-off page are the same 404', async ({
    context,
    page,
  }) => {
    await offline(context);
    await page.goto(`${server.url}/status`);
    // Other projects on a shared database may be public too: then the index lists them all.
    if (!page.url().endsWith(`/status/${slug}`)) await page.getByRole('link', { name: slug }).click();
    await expect(page).toHaveURL(`${server.url}/status/${slug}`);

    const unknown = await anonymous(`/status/${slug}-nope`);
    expect(unknown.status).toBe(404);
    await setStatusPage(context, page, false);
    const off = await anonymous(`/status/${slug}`);
    expect(off.status).toBe(404);
    const [offHtml, unknownHtml] = [await off.text(), await unknown.text()];
    expect(offHtml).not.toContain(projectId);
    // The same page, but for the path it was asked for.
    expect(offHtml.replaceAll(`${slug}`, 'SLUG')).toBe(unknownHtml.replaceAll(`${slug}-nope`, 'SLUG'));
  });

  test('a slug no project can have is the same plain 404 as an unknown one, never an error', async () => {
    const unknown = await anonymous(`/status/${slug}-nope`);
    expect(unknown.status).toBe(404);
    const unknownTitle = /<title>([^<]*)<\/title>/.exec(await unknown.text())?.[1];
    for (const path of [
      '%7F',
      `${slug}%01`,
      '%E2%80%AE',
      'ABC',
      'a'.repeat(300),
      '%25C0%25AF',
      `${slug}%20`,
    ]) {
      const response = await anonymous(`/status/${path}`);
      expect([path, response.status]).toEqual([path, 404]);
      const html = await response.text();
      expect(html, path).not.toContain('could not be loaded');
      expect(/<title>([^<]*)<\/title>/.exec(html)?.[1], path).toBe(unknownTitle);
    }
    // Invalid UTF-8 or a NUL in the path: the proxy refuses it before routing (400); never a server error.
    for (const path of ['%C0%AF', '%FF', '%E0%80', '%', '%00', `${slug}%00`]) {
      const response = await anonymous(`/status/${path}`);
      expect([path, [400, 404].includes(response.status)]).toEqual([path, true]);
    }
  });
});
