import { randomBytes } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Page } from '@playwright/test';
import { E2E_ADMIN_EMAIL, clerkServerEnv, mintSession, sessionCookies } from '../helpers/clerk';
import { runId } from '../helpers/events';
import { startServer, type Server } from '../helpers/server';

const slug = `web-${runId()}`;
const READ_KEY = `cw_web_${randomBytes(24).toString('hex')}`;
let server: Server;
/** The chat app's pages, on another origin than the dashboard. */
let site: HttpServer;
let siteOrigin: string;
let snippet = '';

const PAGE = (title: string) => `<!doctype html><html><head><title>${title}</title>${snippet}</head>
<body><h1>${title}</h1><p style="font-size:40px">A chat app page with enough text to paint.</p>
<button id="go">Next page</button><button id="fail">Fail</button>
<script>
  document.getElementById('go').onclick = () => history.pushState({}, '', '/chat/42');
  document.getElementById('fail').onclick = () => {
    setTimeout(() => { throw new TypeError('cannot read properties of undefined'); });
    Promise.reject(new RangeError('quota exceeded'));
    window.chatwatch.track({ type: 'feedback', score: 5 });
  };
</script></body></html>`;

async function readExperience() {
  const res = await fetch(`${server.url}/api/v1/stats/experience?range=1h`, {
    headers: { Authorization: `Bearer ${READ_KEY}` },
  });
  return res.json();
}
async function readErrors() {
  const res = await fetch(`${server.url}/api/v1/stats/system?range=1h`, {
    headers: { Authorization: `Bearer ${READ_KEY}` },
  });
  return (await res.json()).errors as { errorType: string; sources: string[]; route: string | null }[];
}

/** What `web-vitals` waits for to report everything: the page going to the background. */
async function hide(page: Page) {
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
}

test.describe('browser key and chatwatch.js', () => {
  test.beforeAll(async ({ browser }, info) => {
    server = await startServer({ ...clerkServerEnv(), INIT_PROJECT: slug, INIT_API_KEY: READ_KEY });
    site = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE(req.url ?? '/'));
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    // An admin creates the browser key in Settings and copies the snippet.
    const admin = await browser.newContext();
    await admin.addCookies(
      sessionCookies(
        await mintSession({ userId: 'user_web_admin', email: E2E_ADMIN_EMAIL, name: 'Ada' }),
        server.url,
      ),
    );
    const settings = await admin.newPage();
    await settings.goto(`${server.url}/settings?project=${slug}`);
    await settings.getByLabel('Browser key').check();
    await settings.getByLabel('Key name').fill('web app');
    await settings.getByLabel('Allowed origins').fill(siteOrigin);
    await settings.getByRole('button', { name: 'Create key' }).click();
    const key = await settings.getByLabel('New API key').inputValue();
    expect(key).toMatch(/^cw_pub_/);
    snippet = (await settings.getByTestId('browser-snippet').textContent()) ?? '';
    expect(snippet).toBe(`<script src="${server.url}/chatwatch.js" data-key="${key}" defer></script>`);
    const shot = info.outputPath('browser-key-created.png');
    await settings.getByTestId('new-api-key').locator('..').screenshot({ path: shot });
    await info.attach('browser-key-created', { path: shot, contentType: 'image/png' });
    await admin.close();
  });
  test.afterAll(async () => {
    await server?.stop();
    await new Promise<void>((resolve) => (site ? site.close(() => resolve()) : resolve()));
  });

  test("a page on the key's origin reports views, vitals, errors and feedback", async ({ browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const beacons: number[] = [];
    page.on('response', (r) => {
      if (r.url().startsWith(`${server.url}/api/v1/events`)) beacons.push(r.status());
    });
    await page.goto(`${siteOrigin}/home`);
    await expect
      .poll(() => page.evaluate(() => typeof (window as unknown as { chatwatch?: unknown }).chatwatch))
      .toBe('object');
    await page.click('#go'); // an input: LCP is final, and a client-side route change
    await expect(page).toHaveURL(/\/chat\/42$/);
    await page.click('#fail');
    await page.waitForTimeout(300);
    await hide(page);
    await page.goto('about:blank'); // pagehide: whatever is left goes out as a beacon

    await expect
      .poll(
        async () => (await readExperience()).webVitals?.byPage?.map((p: { path: string }) => p.path) ?? [],
        { timeout: 20_000 },
      )
      .toContain('/home');
    const experience = await readExperience();
    const home = experience.webVitals.byPage.find((p: { path: string }) => p.path === '/home');
    expect(home.lcp).toBeGreaterThan(0);
    expect(home.cls).not.toBeNull();
    expect(experience.sessions.count).toBe(1);
    expect(experience.satisfaction).toMatchObject({ count: 1, share: 1 });
    const errors = await readErrors();
    expect(errors.map((e) => [e.errorType, e.sources, e.route]).sort()).toEqual([
      ['RangeError', ['client'], '/chat/42'],
      ['TypeError', ['client'], '/chat/42'],
    ]);
    expect(beacons.every((status) => status === 200)).toBe(true);
    await context.close();
  });

  test('a page on another origin is refused at the preflight and at the POST, and stores nothing', async ({
    page,
  }) => {
    const before = (await readExperience()).sessions.count;
    // The same pages served from localhost instead of 127.0.0.1: another origin, not on the key's list.
    const other = siteOrigin.replace('127.0.0.1', 'localhost');
    await page.goto(`${other}/elsewhere`);
    const key = snippet.match(/data-key="([^"]+)"/)![1]!;
    const outcome = await page.evaluate(
      async ({ url, key }) => {
        const endpoint = `${url}/api/v1/events?key=${encodeURIComponent(key)}`;
        const body = JSON.stringify({
          events: [{ type: 'page.view', path: '/elsewhere', sessionId: 'evil' }],
        });
        const json = await fetch(endpoint, {
          method: 'POST',
          body,
          headers: { 'Content-Type': 'application/json' },
        }).then(
          () => 'answered',
          () => 'blocked',
        );
        const plain = await fetch(endpoint, {
          method: 'POST',
          body,
          headers: { 'Content-Type': 'text/plain' },
        }).then(
          () => 'answered',
          () => 'blocked',
        );
        return { json, plain };
      },
      { url: server.url, key },
    );
    // Preflighted JSON never leaves the browser; the simple text/plain POST is sent, refused (403) and unreadable.
    expect(outcome).toEqual({ json: 'blocked', plain: 'blocked' });
    await page.waitForTimeout(500);
    expect((await readExperience()).sessions.count).toBe(before);
  });
});
