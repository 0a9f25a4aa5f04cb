import { randomBytes } from 'node:crypto';
import { expect, test, type APIRequestContext, type BrowserContext } from '@playwright/test';
import { decodeJwt } from 'jose';
import {
  E2E_ADMIN_EMAIL,
  clerkServerEnv,
  mintSession,
  sessionCookies,
  type SessionOptions,
} from '../helpers/clerk';
import { runId } from '../helpers/events';
import { startServer, type Server } from '../helpers/server';

/**
 * Default deny, from outside, with the real clerkMiddleware and offline session tokens carrying Clerk's v2
 * organization claims: every persona against every dashboard page and every read API route.
 */
const id = runId();
const ACME = `org_acme_${id}`;
const GLOBEX = `org_globex_${id}`;
const MAIN = `acme-main-${id}`;
const SECRET = { name: `Acme Secret Chat ${id}`, slug: `acme-secret-${id}` };
const INTERNAL = { name: `Internal Ops ${id}`, slug: `internal-ops-${id}` };
const GLOBEX_APP = { name: `Globex Bot ${id}`, slug: `globex-bot-${id}` };

const STRANGER: SessionOptions = {
  userId: `user_stranger_${id}`,
  email: 'sam@elsewhere.test',
  name: 'Sam Stranger',
};
const OTHER_ORG: SessionOptions = {
  userId: `user_globex_${id}`,
  email: 'gus@globex.test',
  name: 'Gus Globex',
  org: { id: GLOBEX, role: 'member' },
};
const MEMBER: SessionOptions = {
  userId: `user_member_${id}`,
  email: 'mia@acme.test',
  name: 'Mia Member',
  org: { id: ACME, role: 'member' },
};
const ORG_ADMIN: SessionOptions = {
  userId: `user_orgadmin_${id}`,
  email: 'oli@acme.test',
  name: 'Oli Org-Admin',
  org: { id: ACME, role: 'admin' },
};
const EMAIL_ADMIN: SessionOptions = {
  userId: `user_emailadmin_${id}`,
  email: E2E_ADMIN_EMAIL,
  name: 'Ada Admin',
};
/** The installation admin with Globex active: a project they create lets Globex in. */
const EMAIL_ADMIN_IN_GLOBEX: SessionOptions = { ...EMAIL_ADMIN, org: { id: GLOBEX, role: 'member' } };
/** Anyone can create an organization in Clerk: one that owns no project here is no way in. */
const SELF_MADE: SessionOptions = {
  userId: `user_selfmade_${id}`,
  email: 'sal@selfmade.test',
  name: 'Sal Self',
  org: { id: `org_self_${id}`, role: 'admin' },
};
const DOMAIN_VIEWER: SessionOptions = {
  userId: `user_domain_${id}`,
  email: 'dan@viewers.chatwatch.test',
  name: 'Dan Domain',
};

const PAGES = [
  '/',
  '/experience',
  '/ai',
  '/system',
  '/alerts',
  '/alerts/rules',
  '/alerts/channels',
  '/logs',
  '/settings',
  '/settings/audit',
];
const API = [...['overview', 'experience', 'ai', 'system', 'logs'].map((d) => `/api/v1/stats/${d}`), '/api/v1/metrics'];

let server: Server;
const tokens = new Map<SessionOptions, string>();

async function cookie(who: SessionOptions): Promise<string> {
  let token = tokens.get(who);
  if (!token) tokens.set(who, (token = await mintSession({ ...who, expiresInSec: 1800 })));
  return `__session=${token}; __client_uat=${decodeJwt(token).iat}`;
}

async function get(request: APIRequestContext, who: SessionOptions, path: string) {
  const res = await request.get(`${server.url}${path}`, {
    headers: { cookie: await cookie(who), accept: 'text/html' },
    maxRedirects: 0,
  });
  return {
    status: res.status(),
    body: await res.text(),
    json: res.headers()['content-type']?.includes('json') ? await res.json() : null,
  };
}

async function signIn(context: BrowserContext, who: SessionOptions) {
  await context.route(
    (url) => url.origin !== server.url,
    (route) => route.abort(),
  );
  await context.addCookies(sessionCookies(await mintSession(who), server.url));
}

test.describe.configure({ mode: 'serial' });

test.describe('who sees a project', () => {
  test.beforeAll(async () => {
    server = await startServer({
      ...clerkServerEnv(),
      INIT_PROJECT: MAIN,
      INIT_ORG_ID: ACME,
      INIT_API_KEY: `cw_access_${randomBytes(24).toString('hex')}`,
    });
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  test('an organization admin creates a project in their organization; an installation admin one without', async ({
    browser,
  }) => {
    for (const [who, project, owner] of [
      [ORG_ADMIN, SECRET, ACME],
      [EMAIL_ADMIN, INTERNAL, 'installation admins and viewers'],
      [EMAIL_ADMIN_IN_GLOBEX, GLOBEX_APP, GLOBEX],
    ] as const) {
      const context = await browser.newContext();
      await signIn(context, who);
      const page = await context.newPage();
      await page.goto(`${server.url}/settings?project=${MAIN}`);
      const form = page.getByRole('form', { name: 'Create project' });
      await form.getByLabel('Name').fill(project.name);
      await form.getByLabel('Slug (optional)').fill(project.slug);
      await form.getByRole('button', { name: /Create/ }).click();
      await expect(page.getByText(`Created project "${project.name}".`)).toBeVisible();
      await page.goto(`${server.url}/settings?project=${project.slug}`);
      await expect(page.getByRole('row').filter({ hasText: project.name })).toContainText(owner);
      await context.close();
    }
  });

  test('a stranger gets the 403 no-access page on every page and 403 JSON on every read route, naming no project', async ({
    request,
  }) => {
    for (const [path, who] of [
      ...PAGES.map((p) => [p, STRANGER] as const),
      ...PAGES.map((p) => [p, SELF_MADE] as const),
    ]) {
      // No ?project= here: Next echoes the URL into the page's payload, which would name what the stranger typed.
      const res = await get(request, who, path);
      expect(res.status, `${who.name} ${path}`).toBe(403);
      expect(res.body).toContain('No access yet');
      expect(res.body).toContain('VIEWER_EMAILS');
      for (const name of [MAIN, SECRET.name, SECRET.slug, INTERNAL.name])
        expect(res.body, `${path} names ${name}`).not.toContain(name);
    }
    for (const path of API) {
      const res = await get(request, path.endsWith('logs') ? SELF_MADE : STRANGER, path);
      expect(res.status, path).toBe(403);
      expect(res.json.error.code).toBe('forbidden');
      expect(JSON.stringify(res.json)).not.toContain(MAIN);
    }
  });

  test("a member of another organization sees none of Acme's projects: pages say unknown, the API says 404 as for a missing one", async ({
    request,
  }) => {
    for (const path of PAGES) {
      const res = await get(request, OTHER_ORG, `${path}?project=${SECRET.slug}`);
      expect(res.status, path).toBe(200);
      for (const name of [SECRET.name, INTERNAL.name, MAIN])
        expect(res.body, `${path} names ${name}`).not.toContain(name);
    }
    const missing = await get(request, OTHER_ORG, `/api/v1/stats/overview?project=no-such-${id}`);
    for (const path of API) {
      const res = await get(request, OTHER_ORG, `${path}?project=${SECRET.slug}`);
      expect(res.status, path).toBe(404);
      expect(res.json).toEqual(missing.json);
    }
  });

  test('a member of the organization reads its projects as a viewer, and nothing outside it', async ({
    request,
  }) => {
    for (const path of PAGES.filter((p) => p !== '/settings/audit')) {
      const res = await get(request, MEMBER, `${path}?project=${SECRET.slug}`);
      expect(res.status, path).toBe(200);
      expect(res.body).toContain(SECRET.name);
      expect(res.body).not.toContain(INTERNAL.name);
    }
    expect((await get(request, MEMBER, `/settings/audit?project=${SECRET.slug}`)).body).toContain(
      'Only admins of this project see the audit log',
    );
    for (const path of API) {
      expect((await get(request, MEMBER, `${path}?project=${SECRET.slug}`)).status, path).toBe(200);
      expect((await get(request, MEMBER, `${path}?project=${INTERNAL.slug}`)).status, path).toBe(404);
    }
  });

  test('roles: org admin administers Acme only, the email admin everything, the domain viewer reads everything', async ({
    browser,
    request,
  }) => {
    const cases: [SessionOptions, string, 'admin' | 'viewer' | null][] = [
      [ORG_ADMIN, SECRET.slug, 'admin'],
      [ORG_ADMIN, INTERNAL.slug, null],
      [EMAIL_ADMIN, SECRET.slug, 'admin'],
      [EMAIL_ADMIN, INTERNAL.slug, 'admin'],
      [DOMAIN_VIEWER, SECRET.slug, 'viewer'],
      [DOMAIN_VIEWER, INTERNAL.slug, 'viewer'],
      [MEMBER, SECRET.slug, 'viewer'],
    ];
    for (const [who, slug, role] of cases) {
      for (const path of API)
        expect(
          (await get(request, who, `${path}?project=${slug}`)).status,
          `${who.name} ${path} ${slug}`,
        ).toBe(role ? 200 : 404);
      const context = await browser.newContext();
      await signIn(context, who);
      const page = await context.newPage();
      await page.goto(`${server.url}/settings?project=${slug}`);
      const keys = page.getByRole('form', { name: 'Create API key' });
      if (role === 'admin') await expect(keys).toBeVisible();
      else await expect(keys).toHaveCount(0);
      if (role === null) await expect(page.getByText(`Unknown project "${slug}".`)).toBeVisible();
      const picker = page.getByLabel('Project');
      const listed = await picker.locator('option').allTextContents();
      expect(listed.includes(INTERNAL.name), `${who.name} picker`).toBe(who !== ORG_ADMIN && who !== MEMBER);
      await context.close();
    }
  });

  test('every page opens for the organization admin, the email admin and the domain viewer', async ({
    request,
  }) => {
    for (const who of [ORG_ADMIN, EMAIL_ADMIN, DOMAIN_VIEWER]) {
      for (const path of PAGES) {
        const res = await get(request, who, `${path}?project=${SECRET.slug}`);
        expect(res.status, `${who.name} ${path}`).toBe(200);
        expect(res.body, `${who.name} ${path}`).toContain(SECRET.name);
        // Not "No access yet" absent: Next ships the forbidden boundary's tree in every page's payload.
        expect(res.body, `${who.name} ${path}`).toContain('aria-label="Dashboards"');
      }
    }
  });

  test('the organization switcher sits in the shell; the server renders the active organization', async ({
    context,
    page,
  }) => {
    await signIn(context, MEMBER);
    await page.goto(`${server.url}/?project=${SECRET.slug}`);
    await expect(page.getByTestId('org-switcher')).toBeVisible();
    await expect(page.getByTestId('org-current')).toHaveText(ACME);
    await expect(page.getByTestId('viewer-role')).toHaveText('Member');
  });

  test("a viewer replaying an admin's server action is refused before any validation", async ({
    browser,
    request,
  }) => {
    const context = await browser.newContext();
    await signIn(context, ORG_ADMIN);
    const page = await context.newPage();
    await page.goto(`${server.url}/settings?project=${SECRET.slug}`);
    const sent = page.waitForRequest((r) => r.method() === 'POST' && Boolean(r.headers()['next-action']));
    const form = page.getByRole('form', { name: 'Create API key' });
    await form.getByLabel('Key name').fill('no scope picked');
    for (const scope of await form.getByRole('checkbox').all()) await scope.uncheck();
    await form.getByRole('button', { name: /Create/ }).click();
    // The admin, who may act, is told what to fix in the input.
    await expect(page.getByText('Pick at least one scope: ingest, read or both.')).toBeVisible();
    const action = await sent;
    const headers = action.headers();
    await context.close();

    for (const who of [MEMBER, DOMAIN_VIEWER, STRANGER, OTHER_ORG]) {
      const res = await request.post(`${server.url}/settings?project=${SECRET.slug}`, {
        headers: {
          'next-action': headers['next-action']!,
          'content-type': headers['content-type']!,
          accept: 'text/x-component',
          origin: server.url,
          cookie: await cookie(who),
        },
        data: action.postDataBuffer()!,
        maxRedirects: 0,
      });
      const body = await res.text();
      expect(res.status(), `${who.name}: ${body.slice(0, 200)}`).toBeLessThan(500);
      expect(body, who.name).not.toContain('Pick at least one scope');
      expect(body, who.name).toMatch(/Only admins|No such project|no project is shared with you/);
    }
  });

  test('refusals and log reads land in the audit log, filtered by actor and action', async ({
    context,
    page,
    request,
  }) => {
    await get(request, MEMBER, `/logs?project=${SECRET.slug}&user=u-42`);
    await signIn(context, ORG_ADMIN);
    await expect
      .poll(async () => {
        await page.goto(
          `${server.url}/settings/audit?project=${SECRET.slug}&actor=mia@acme.test&action=logs.`,
        );
        return page.getByRole('row').filter({ hasText: 'logs.searched' }).count();
      })
      .toBeGreaterThan(0);
    await expect(page.getByRole('row').filter({ hasText: 'logs.searched' }).first()).toContainText('u-42');
    await page.goto(`${server.url}/settings/audit?project=${SECRET.slug}&action=access.refused`);
    await expect(page.getByRole('row').filter({ hasText: 'access.refused' }).first()).toBeVisible();
    await expect(page.getByRole('row').filter({ hasText: 'logs.searched' })).toHaveCount(0);
  });
});
