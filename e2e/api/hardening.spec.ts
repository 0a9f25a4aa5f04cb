import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { expect, test } from '@playwright/test';
import { decodeJwt } from 'jose';
import postgres from 'postgres';
import { clerkServerEnv, mintSession } from '../helpers/clerk';
import { E2E_PORT } from '../helpers/env';
import { runId } from '../helpers/events';
import { startServer, type Server } from '../helpers/server';

/**
 * What the proxy and the HTTP layer answer to hostile requests, from outside, on a production server:
 * security headers, 400 for broken percent-encoding, 405 for TRACE, 403 for cross-origin server actions,
 * and redirects that never take their host from the request.
 */
const MAIN = `http://localhost:${E2E_PORT}`;
const PUBLIC_URL = 'https://dash.example.com';
const FAKE_ACTION = '7f' + 'a'.repeat(40);

type Raw = { status: number; headers: http.IncomingHttpHeaders; body: string };

/** Node's client sends the path byte for byte (no URL normalising) and any method and Host. */
function raw(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Raw> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const action = (base: string, path: string, origin: string | null, extra: Record<string, string> = {}) =>
  raw(
    base,
    'POST',
    path,
    {
      'next-action': FAKE_ACTION,
      'content-type': 'text/plain;charset=UTF-8',
      accept: 'text/x-component',
      ...(origin ? { origin } : {}),
      ...extra,
    },
    '[]',
  );

function expectSecurityHeaders(res: Raw, where: string) {
  expect(res.headers['content-security-policy'], where).toBe("frame-ancestors 'none'");
  expect(res.headers['x-frame-options'], where).toBe('DENY');
  expect(res.headers['x-content-type-options'], where).toBe('nosniff');
  expect(res.headers['referrer-policy'], where).toBe('strict-origin-when-cross-origin');
}

test.describe('the main server (PUBLIC_URL left at its local default)', () => {
  test('pages, APIs, static files and errors carry the security headers, without HSTS over http', async () => {
    for (const path of [
      '/',
      '/settings',
      '/sign-in',
      '/status',
      '/api/health',
      '/api/v1/stats/overview',
      '/icon.svg',
      '/no-such-page',
    ]) {
      const res = await raw(MAIN, 'GET', path);
      expect(res.status, path).toBeLessThan(500);
      expectSecurityHeaders(res, path);
      expect(res.headers['strict-transport-security'], path).toBeUndefined();
    }
  });

  test('a path that is not valid percent-encoded UTF-8 is a 400, JSON under /api, text on pages', async () => {
    for (const path of [
      '/api/v1/stats/%FF',
      '/api/v1/events/%C0%AF',
      '/api/health/%E0%A4%A',
      '/api/cron/alerts/%FF',
    ]) {
      const res = await raw(MAIN, 'GET', path);
      expect(res.status, path).toBe(400);
      expect(res.headers['content-type'], path).toContain('application/json');
      expect(JSON.parse(res.body), path).toEqual({
        error: { code: 'bad_request', message: expect.stringContaining('percent-encoded') },
      });
    }
    for (const path of ['/status/%C0%AF', '/%FF', '/settings/%FF', '/status/a%00b', '/_next/static/%FF']) {
      const res = await raw(MAIN, 'GET', path);
      expect(res.status, path).toBe(400);
      expect(res.headers['content-type'], path).toContain('text/plain');
      expect(res.body, path).toContain('percent-encoded');
      expectSecurityHeaders(res, path);
    }
    expect((await raw(MAIN, 'GET', '/status/caf%C3%A9')).status).toBe(404);
  });

  test('TRACE is a 405 with Allow, on pages and route handlers alike', async () => {
    for (const path of ['/', '/settings', '/status/e2e']) {
      const res = await raw(MAIN, 'TRACE', path);
      expect(res.status, path).toBe(405);
      expect(res.headers.allow, path).toBe('GET, HEAD, POST');
    }
    for (const path of ['/api/health', '/api/v1/events', '/api/v1/stats/overview']) {
      const res = await raw(MAIN, 'TRACE', path);
      expect(res.status, path).toBe(405);
      expect(res.headers.allow, path).toContain('GET');
    }
    // Methods Next handles itself stay its own: an unexported method on a route handler is its 405.
    expect((await raw(MAIN, 'DELETE', '/api/health')).status).toBe(405);
  });

  test('a server action from another origin is a 403; from the app itself it reaches Next', async () => {
    for (const origin of ['https://evil.example', 'null', `http://localhost:${E2E_PORT + 1}`]) {
      const res = await action(MAIN, '/settings', origin);
      expect(res.status, origin).toBe(403);
      expectSecurityHeaders(res, origin);
    }
    const form = await raw(
      MAIN,
      'POST',
      '/alerts',
      { origin: 'https://evil.example', 'content-type': 'multipart/form-data; boundary=x' },
      '--x--\r\n',
    );
    expect(form.status).toBe(403);
    const own = await action(MAIN, '/settings', MAIN);
    expect(own.status).toBeLessThan(500);
    expect(own.status).not.toBe(403);
    // Route handlers authenticate with keys, not cookies: the origin check leaves them alone.
    expect((await action(MAIN, '/api/v1/events', 'https://evil.example')).status).not.toBe(403);
  });
});

test.describe.serial('with Clerk and PUBLIC_URL=https://dash.example.com', () => {
  const slug = `hard-${runId()}`;
  let server: Server;
  let sql: postgres.Sql | undefined;

  test.beforeAll(async () => {
    server = await startServer({
      ...clerkServerEnv(),
      PUBLIC_URL,
      INIT_PROJECT: slug,
      INIT_API_KEY: `cw_hard_${randomBytes(24).toString('hex')}`,
      INIT_STATUS_PAGE: '1',
    });
    if (process.env.DATABASE_URL) sql = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
  });
  test.afterAll(async () => {
    await server?.stop();
    await sql?.end();
  });

  test('the sign-in redirect is built from PUBLIC_URL, whatever Host and X-Forwarded-Host say', async () => {
    const expected = `${PUBLIC_URL}/sign-in?redirect_url=${encodeURIComponent(`${PUBLIC_URL}/settings?range=7d`)}`;
    const spoofs: Record<string, string>[] = [
      {},
      { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http' },
      { host: 'evil.example' },
    ];
    for (const headers of spoofs) {
      const res = await raw(server.url, 'GET', '/settings?range=7d', { accept: 'text/html', ...headers });
      expect(res.status, JSON.stringify(headers)).toBe(307);
      expect(res.headers.location, JSON.stringify(headers)).toBe(expected);
    }
  });

  test("Clerk's handshake for an expired session returns to PUBLIC_URL, not to X-Forwarded-Host", async () => {
    const token = await mintSession({ userId: 'user_hardening', expiresInSec: -60 });
    const res = await raw(server.url, 'GET', '/settings', {
      accept: 'text/html',
      'sec-fetch-dest': 'document',
      cookie: `__session=${token}; __client_uat=1`,
      'x-forwarded-host': 'evil.example',
    });
    expect(res.status).toBe(307);
    const location = new URL(res.headers.location ?? '', server.url);
    expect(location.searchParams.get('redirect_url')).toBe(`${PUBLIC_URL}/settings`);
    expect(res.headers.location).not.toContain('evil.example');
  });

  test('HSTS is sent, and only PUBLIC_URL counts as the origin of server actions', async () => {
    const page = await raw(server.url, 'GET', '/sign-in');
    expect(page.headers['strict-transport-security']).toMatch(/^max-age=\d+/);
    expectSecurityHeaders(page, '/sign-in');
    expect((await action(server.url, '/settings', server.url)).status).toBe(403);
    expect(
      (await action(server.url, '/settings', 'https://evil.example', { host: 'evil.example' })).status,
    ).toBe(403);
    // Signed in, an action from PUBLIC_URL passes the proxy and Next's own check (Host is localhost here).
    const token = await mintSession({ userId: 'user_hardening' });
    const cookie = `__session=${token}; __client_uat=${decodeJwt(token).iat}`;
    const own = await action(server.url, '/settings', PUBLIC_URL, { cookie });
    expect(own.status, own.body.slice(0, 200)).toBeLessThan(500);
    expect(own.status).not.toBe(403);
    expect((await action(server.url, '/settings', 'https://evil.example', { cookie })).status).toBe(403);
  });

  test('the status page may be framed only once framing is allowed for its project', async () => {
    test.skip(
      !sql,
      'flips projects.status_page_framable in SQL (needs DATABASE_URL; CI sets it); e2e/ui/status.spec.ts drives the Settings toggle',
    );
    const before = await raw(server.url, 'GET', `/status/${slug}`);
    expect(before.status).toBe(200);
    expectSecurityHeaders(before, 'before');

    await sql!`update projects set status_page_framable = true where slug = ${slug}`;
    // The proxy caches the flag for 15 s.
    await expect
      .poll(
        async () => (await raw(server.url, 'GET', `/status/${slug}`)).headers['content-security-policy'],
        { timeout: 25_000, intervals: [1_000] },
      )
      .toBe('frame-ancestors *');
    const after = await raw(server.url, 'GET', `/status/${slug}`);
    expect(after.headers['x-frame-options']).toBeUndefined();
    expect(after.headers['x-content-type-options']).toBe('nosniff');
    // Only the status page itself: the rest of the app still refuses frames.
    expectSecurityHeaders(await raw(server.url, 'GET', '/sign-in'), '/sign-in');
  });
});
