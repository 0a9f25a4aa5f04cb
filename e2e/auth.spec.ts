import {
  expect,
  test,
  type APIRequestContext,
  type BrowserContext,
  type Page,
  type TestInfo,
} from '@playwright/test';
import { decodeJwt } from 'jose';
import {
  CLERK_FRONTEND_API,
  E2E_ADMIN_EMAIL,
  clerkServerEnv,
  mintSession,
  sessionCookies,
  type SessionOptions,
} from './helpers/clerk';
import { E2E_API_KEY } from './helpers/env';
import { startServer, type Server } from './helpers/server';

// Credentials are set per request here: a global API-key header would mask signed-out behaviour.
test.use({ extraHTTPHeaders: {} });

const VIEWER: SessionOptions = { userId: 'user_viewer', email: 'vera@chatwatch.test', name: 'Vera Viewer' };
const ROLE_ADMIN: SessionOptions = {
  userId: 'user_role_admin',
  email: 'rita@chatwatch.test',
  name: 'Rita Role',
  role: 'admin',
};
const EMAIL_ADMIN: SessionOptions = {
  userId: 'user_email_admin',
  email: E2E_ADMIN_EMAIL,
  name: 'Eddie Email',
};
const STATS = '/api/v1/stats/overview';
const DASHBOARD_LINKS = [
  'Overview',
  'User Experience',
  'AI Performance',
  'System Status',
  'Alerts',
  'Logs',
  'Settings',
];

/** clerk-js and everything else off this server would try the network: only the server under test answers. */
async function offline(context: BrowserContext, server: Server) {
  await context.route(
    (url) => url.origin !== server.url,
    (route) => route.abort(),
  );
}

async function signIn(context: BrowserContext, server: Server, session: SessionOptions) {
  await context.addCookies(sessionCookies(await mintSession(session), server.url));
}

async function keepScreenshot(page: Page, testInfo: TestInfo, name: string, fullPage = true) {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

function cookieHeader(token: string) {
  return `__session=${token}; __client_uat=${decodeJwt(token).iat}`;
}

const asBrowserNavigation = {
  'sec-fetch-dest': 'document',
  'sec-fetch-mode': 'navigate',
  accept: 'text/html',
};

async function expectUnauthorizedJson(
  request: APIRequestContext,
  url: string,
  headers: Record<string, string> = {},
) {
  const res = await request.get(url, { headers, maxRedirects: 0 });
  expect(res.status(), await res.text()).toBe(401);
  expect(res.headers()['content-type']).toContain('application/json');
  expect((await res.json()).error.code).toBe('unauthorized');
}

test.describe('with Clerk keys: the real clerkMiddleware and offline session tokens', () => {
  let server: Server;
  test.beforeAll(async () => {
    server = await startServer(clerkServerEnv());
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  test.beforeEach(async ({ context }) => {
    await offline(context, server);
  });

  test('a signed-out browser lands on the server-rendered sign-in page', async ({ page }, testInfo) => {
    await page.goto(`${server.url}/experience?range=7d`);
    await expect(page).toHaveURL(/\/sign-in\?redirect_url=/);
    expect(new URL(page.url()).searchParams.get('redirect_url')).toBe(`${server.url}/experience?range=7d`);
    await expect(page.getByRole('heading', { name: 'Sign in to Chatwatch' })).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Dashboards' })).toHaveCount(0);
    await keepScreenshot(page, testInfo, 'sign-in');
  });

  test('a signed-out page request is redirected to /sign-in, whatever it accepts', async ({ request }) => {
    for (const headers of [asBrowserNavigation, {}]) {
      const res = await request.get(`${server.url}/settings`, { headers, maxRedirects: 0 });
      expect(res.status()).toBe(307);
      const location = new URL(res.headers().location ?? '', server.url);
      expect(location.pathname).toBe('/sign-in');
      expect(location.searchParams.get('redirect_url')).toBe(`${server.url}/settings`);
    }
  });

  test('the read API answers 401 JSON without credentials, never a redirect', async ({ request }) => {
    await expectUnauthorizedJson(request, `${server.url}${STATS}`);
    await expectUnauthorizedJson(request, `${server.url}${STATS}`, asBrowserNavigation);
  });

  test('ingest, health and cron stay outside the session check', async ({ request }) => {
    const ingest = await request.post(`${server.url}/api/v1/events`, {
      headers: { Authorization: `Bearer ${E2E_API_KEY}`, 'Content-Type': 'application/json' },
      data: { events: [{ type: 'page.view', path: '/chat' }] },
    });
    expect(ingest.status()).toBe(200);
    const health = await request.get(`${server.url}/api/health`, { maxRedirects: 0 });
    expect(health.headers()['content-type']).toContain('application/json');
    const cron = await request.get(`${server.url}/api/cron/alerts`, {
      headers: asBrowserNavigation,
      maxRedirects: 0,
    });
    expect(cron.status()).not.toBe(307);
  });

  test('a valid session renders the dashboard shell for a viewer, without admin rights', async ({
    context,
    page,
  }, testInfo) => {
    await signIn(context, server, VIEWER);
    await page.goto(`${server.url}/`);
    await expect(page).toHaveURL(`${server.url}/`);
    const nav = page.getByRole('navigation', { name: 'Dashboards' });
    await expect(nav.getByRole('link')).toHaveText(DASHBOARD_LINKS);
    await expect(nav.getByRole('link', { name: 'Overview' })).toHaveAttribute('aria-current', 'page');
    await expect(page.getByTestId('viewer-name')).toHaveText('Vera Viewer');
    await expect(page.getByText('vera@chatwatch.test')).toBeVisible();
    await expect(page.getByText('Viewer', { exact: true })).toBeVisible();
    await expect(page.getByText('Admin', { exact: true })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
    await expect(page.getByText(/Local development mode|Authentication is off/)).toHaveCount(0);
    await keepScreenshot(page, testInfo, 'shell-light');
  });

  test('admins are the users with role admin in public metadata or an email in ADMIN_EMAILS', async ({
    browser,
  }) => {
    for (const session of [ROLE_ADMIN, { ...EMAIL_ADMIN, email: 'Admin@ChatWatch.test' }]) {
      const context = await browser.newContext();
      await offline(context, server);
      await signIn(context, server, session);
      const page = await context.newPage();
      await page.goto(`${server.url}/`);
      await expect(page.getByTestId('viewer-name')).toHaveText(session.name ?? '');
      await expect(page.getByText('Admin', { exact: true })).toBeVisible();
      await context.close();
    }
  });

  test('a token signed with another key is refused', async ({ request }) => {
    const forged = await mintSession({ ...ROLE_ADMIN, wrongKey: true });
    const res = await request.get(`${server.url}/`, {
      headers: { ...asBrowserNavigation, cookie: cookieHeader(forged) },
      maxRedirects: 0,
    });
    expect(res.status()).toBe(307);
    expect(new URL(res.headers().location ?? '', server.url).pathname).toBe('/sign-in');
    await expectUnauthorizedJson(request, `${server.url}${STATS}`, { Authorization: `Bearer ${forged}` });
    await expectUnauthorizedJson(request, `${server.url}${STATS}`, { cookie: cookieHeader(forged) });
  });

  test('an expired token is refused: pages go back through Clerk, the API answers 401', async ({
    request,
  }) => {
    const expired = await mintSession({ ...VIEWER, expiresInSec: -60 });
    const res = await request.get(`${server.url}/`, {
      headers: { ...asBrowserNavigation, cookie: cookieHeader(expired) },
      maxRedirects: 0,
    });
    expect(res.status()).toBe(307);
    // Clerk sends an expired session to its handshake (to refresh it), which is never this dashboard.
    const location = new URL(res.headers().location ?? '', server.url);
    expect(location.host === CLERK_FRONTEND_API || location.pathname === '/sign-in').toBe(true);
    expect(await res.text()).not.toContain('Dashboards');
    await expectUnauthorizedJson(request, `${server.url}${STATS}`, { Authorization: `Bearer ${expired}` });
    await expectUnauthorizedJson(request, `${server.url}${STATS}`, { cookie: cookieHeader(expired) });
    await expectUnauthorizedJson(request, `${server.url}${STATS}`, {
      ...asBrowserNavigation,
      cookie: cookieHeader(expired),
    });
  });

  test('the read API takes a viewer session for any project, and a read key for its own project only', async ({
    request,
  }) => {
    const token = await mintSession(VIEWER);
    const bySession = await request.get(`${server.url}${STATS}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(bySession.status(), await bySession.text()).toBe(200);
    expect(await bySession.json()).toHaveProperty('figures');
    const byCookie = await request.get(`${server.url}${STATS}?project=e2e`, {
      headers: { cookie: cookieHeader(token) },
    });
    expect(byCookie.status()).toBe(200);
    const unknown = await request.get(`${server.url}${STATS}?project=no-such-project`, {
      headers: { cookie: cookieHeader(token) },
    });
    expect(unknown.status()).toBe(404);

    const key = { Authorization: `Bearer ${E2E_API_KEY}` };
    expect((await request.get(`${server.url}${STATS}`, { headers: key })).status()).toBe(200);
    const other = await request.get(`${server.url}${STATS}?project=someone-else`, { headers: key });
    expect(other.status()).toBe(403);
    expect((await other.json()).error.code).toBe('forbidden');
    await expectUnauthorizedJson(request, `${server.url}${STATS}`, {
      Authorization: 'Bearer cw_not_a_key_0123456789abcdefghijklmnop',
    });
  });

  test('a token without an email claim, when Clerk cannot be asked, is a stranger: 403 and no project named', async ({
    context,
    page,
  }) => {
    await signIn(context, server, { userId: 'user_no_email', name: 'Nadia No-Email' });
    const res = await page.goto(`${server.url}/`);
    expect(res?.status()).toBe(403);
    await expect(page.getByRole('heading', { name: 'No access yet' })).toBeVisible();
    await expect(page.getByText(/invite you to their Clerk organization/)).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Dashboards' })).toHaveCount(0);
  });

  test('sign out drops the session and returns to sign-in', async ({ context, page }) => {
    await signIn(context, server, VIEWER);
    await page.goto(`${server.url}/`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/sign-in$/);
    await expect(page.getByRole('heading', { name: 'Sign in to Chatwatch' })).toBeVisible();
    expect((await context.cookies()).map((c) => c.name)).not.toContain('__session');
    await page.goto(`${server.url}/`);
    await expect(page).toHaveURL(/\/sign-in\?redirect_url=/);
  });

  test('dashboard links keep the project, range and shared filters, nothing else', async ({
    context,
    page,
  }) => {
    await signIn(context, server, VIEWER);
    await page.goto(`${server.url}/?project=e2e&range=7d&service=chat-api&model=claude&q=timeout`);
    await expect(page.getByLabel('Project')).toHaveValue('e2e');
    await expect(page.getByRole('link', { name: 'AI Performance' })).toHaveAttribute(
      'href',
      '/ai?project=e2e&range=7d&service=chat-api',
    );
  });

  test('themes: dark and light are remembered, system follows the OS', async ({
    context,
    page,
  }, testInfo) => {
    await signIn(context, server, VIEWER);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(`${server.url}/`);
    const html = page.locator('html');
    await expect(html).not.toHaveClass(/dark/);
    await page.getByRole('radio', { name: 'Dark' }).click();
    await expect(html).toHaveClass(/dark/);
    await page.reload();
    await expect(html).toHaveClass(/dark/);
    await expect(page.getByRole('radio', { name: 'Dark' })).toHaveAttribute('aria-checked', 'true');
    await keepScreenshot(page, testInfo, 'shell-dark');
    await page.getByRole('radio', { name: 'Light' }).click();
    await expect(html).not.toHaveClass(/dark/);
    await page.getByRole('radio', { name: 'System' }).click();
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect(html).toHaveClass(/dark/);
  });

  test('at phone width the navigation is a drawer behind a menu button', async ({
    context,
    page,
  }, testInfo) => {
    await signIn(context, server, VIEWER);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/`);
    const logs = page.getByRole('link', { name: 'Logs' });
    await expect(logs).toBeHidden();
    await keepScreenshot(page, testInfo, 'shell-phone');
    await page.getByRole('button', { name: 'Open navigation' }).click();
    await expect(logs).toBeVisible();
    await keepScreenshot(page, testInfo, 'shell-phone-menu', false);
    await page.keyboard.press('Escape');
    await expect(logs).toBeHidden();
    await page.getByRole('button', { name: 'Open navigation' }).click();
    await page.getByRole('link', { name: 'Overview' }).click();
    await expect(logs).toBeHidden();
  });
});

test.describe('a production server without Clerk keys', () => {
  let server: Server;
  test.beforeAll(async () => {
    server = await startServer({});
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  test('refuses the dashboards and says how to configure them; read keys keep working', async ({
    page,
    request,
  }, testInfo) => {
    await page.goto(`${server.url}/`);
    await expect(page.getByRole('heading', { name: 'The dashboards are locked' })).toBeVisible();
    await expect(
      page.getByText(/^Authentication is not configured: set the Clerk keys .* or AUTH_MODE=none/),
    ).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Dashboards' })).toHaveCount(0);
    await keepScreenshot(page, testInfo, 'auth-not-configured');
    await expectUnauthorizedJson(request, `${server.url}${STATS}`);
    const byKey = await request.get(`${server.url}${STATS}`, {
      headers: { Authorization: `Bearer ${E2E_API_KEY}` },
    });
    expect(byKey.status()).toBe(200);
  });
});

test.describe('a production server with AUTH_MODE=none', () => {
  let server: Server;
  test.beforeAll(async () => {
    server = await startServer({ AUTH_MODE: 'none' });
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  test('serves the dashboards without login, with a banner and admin rights', async ({
    page,
    request,
  }, testInfo) => {
    await page.goto(`${server.url}/sign-in`);
    await expect(page).toHaveURL(`${server.url}/`);
    await expect(
      page.getByRole('status').filter({ hasText: 'Authentication is off (AUTH_MODE=none)' }),
    ).toBeVisible();
    await expect(page.getByText('Admin', { exact: true })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Sign out' })).toHaveCount(0);
    await keepScreenshot(page, testInfo, 'auth-mode-none');
    const open = await request.get(`${server.url}${STATS}`);
    expect(open.status()).toBe(200);
  });
});
