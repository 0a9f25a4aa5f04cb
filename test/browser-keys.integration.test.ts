import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';

// The route hands the live counters to `after()`, which needs a request scope outside `next start`: run it now.
vi.mock('next/server', async (importOriginal) => ({
  ...(await importOriginal<typeof import('next/server')>()),
  after: (task: Promise<unknown> | (() => unknown)) => {
    void Promise.resolve(typeof task === 'function' ? task() : task).catch(() => {});
  },
}));

// Requests say they come through a proxy on 10.x, so X-Forwarded-For names the client; 3 requests a minute each.
process.env.TRUSTED_PROXIES = '10.0.0.0/8';
process.env.BROWSER_RATE_LIMIT_PER_IP_PER_MINUTE = '3';

const { getDb } = await import('@/db/client');
const schema = await import('@/db/schema');
const { createProject } = await import('@/lib/settings/create-project');
const { createApiKey } = await import('@/lib/settings/create-api-key');
const { POST, OPTIONS } = await import('@/app/api/v1/events/route');
const { GET: getStats } = await import('@/app/api/v1/stats/[dashboard]/route');
const otlpTraces = (await import('@/app/api/otlp/v1/traces/route')).POST;

const PAGE = 'https://chat.example.com';
let ip = 0;
/** A distinct client address per test, so the per-address limit counts each test's requests alone. */
const nextIp = () => `203.0.113.${++ip}`;

async function setup() {
  const project = await createProject({ name: 'Web', slug: `web-${randomUUID().slice(0, 8)}` });
  const browser = await createApiKey(project.id, {
    name: 'web',
    scopes: ['ingest'],
    kind: 'browser',
    allowedOrigins: [PAGE, 'http://localhost:5173'],
  });
  const server = await createApiKey(project.id, { name: 'server', scopes: ['ingest', 'read'] });
  return { projectId: project.id, browserKey: browser.key, serverKey: server.key };
}

function send(
  key: string | null,
  body: unknown,
  {
    origin = PAGE,
    type = 'text/plain;charset=UTF-8',
    client = nextIp(),
  }: { origin?: string | null; type?: string; client?: string } = {},
) {
  const headers: Record<string, string> = { 'content-type': type, 'x-forwarded-for': `${client}, 10.0.0.1` };
  if (origin) headers.origin = origin;
  const url = key ? `http://test/api/v1/events?key=${encodeURIComponent(key)}` : 'http://test/api/v1/events';
  return POST(new Request(url, { method: 'POST', headers, body: JSON.stringify(body) }));
}

async function rows(projectId: string) {
  const db = await getDb();
  return db.select().from(schema.events).where(eq(schema.events.projectId, projectId));
}

describe(`browser keys against ${process.env.DATABASE_URL ? 'Postgres' : 'PGlite'}`, () => {
  it('answers the preflight of an allowed origin only', async () => {
    const { browserKey, serverKey } = await setup();
    const preflight = (key: string, origin: string) =>
      OPTIONS(
        new Request(`http://test/api/v1/events?key=${key}`, {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'content-type',
          },
        }),
      );
    const ok = await preflight(browserKey, 'http://localhost:5173');
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(ok.headers.get('access-control-allow-methods')).toBe('POST');
    expect(ok.headers.get('access-control-allow-headers')).toBe('Content-Type');
    for (const refused of [
      await preflight(browserKey, 'https://evil.example'),
      await preflight(serverKey, PAGE),
    ]) {
      expect(refused.status).toBe(403);
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('stores what a page sends as text/plain (sendBeacon) or JSON, with the key in the URL or the body', async () => {
    const { projectId, browserKey } = await setup();
    const fromQuery = await send(browserKey, {
      events: [
        { type: 'page.view', path: '/chat', sessionId: 's1' },
        { type: 'web.vital', name: 'LCP', value: 1830, path: '/chat' },
        { type: 'error', errorType: 'TypeError', message: 'x is undefined' },
        { type: 'feedback', score: 5 },
      ],
    });
    expect(fromQuery.status).toBe(200);
    expect(fromQuery.headers.get('access-control-allow-origin')).toBe(PAGE);
    expect(fromQuery.headers.get('vary')).toBe('Origin');
    expect(await fromQuery.json()).toEqual({ accepted: 4, duplicates: 0, rejected: 0 });
    const fromBody = await send(null, {
      key: browserKey,
      events: [{ type: 'page.view', path: '/settings' }],
    });
    expect(fromBody.status).toBe(200);
    const json = await send(
      browserKey,
      { events: [{ type: 'page.view', path: '/' }] },
      { type: 'application/json' },
    );
    expect(json.status).toBe(200);
    const stored = await rows(projectId);
    expect(stored).toHaveLength(6);
    expect(stored.find((r) => r.type === 'error')).toMatchObject({
      source: 'client',
      errorType: 'TypeError',
    });
  });

  it('refuses server event types and server errors from a browser key, naming why, and stores the rest', async () => {
    const { projectId, browserKey } = await setup();
    const res = await send(browserKey, {
      events: [
        { type: 'page.view', path: '/' },
        { type: 'ai.call', model: 'claude-sonnet-4-5', durationMs: 10 },
        { type: 'error', errorType: 'E', message: 'm', source: 'api' },
      ],
    });
    expect(res.status).toBe(207);
    expect(await res.json()).toMatchObject({
      accepted: 1,
      rejected: 2,
      errors: [
        {
          index: 1,
          message: expect.stringMatching(/a browser key sends page.view, web.vital, error, feedback only/),
        },
        { index: 2, message: expect.stringMatching(/source "client" only/) },
      ],
    });
    expect((await rows(projectId)).map((r) => r.type)).toEqual(['page.view']);
  });

  it('refuses a disallowed or missing origin, a server key outside the header, and stores nothing', async () => {
    const { projectId, browserKey, serverKey } = await setup();
    const body = { events: [{ type: 'page.view', path: '/' }] };
    const evil = await send(browserKey, body, { origin: 'https://evil.example' });
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    expect((await evil.json()).error.message).toMatch(/not allowed for this browser key/);
    expect((await send(browserKey, body, { origin: null })).status).toBe(403);
    const leaked = await send(serverKey, body);
    expect(leaked.status).toBe(403);
    expect((await leaked.json()).error.message).toMatch(/This is a server key/);
    expect((await send('cw_pub_unknown', body)).status).toBe(401);
    expect(await rows(projectId)).toEqual([]);
  });

  it('does not open the read API or the OTLP receiver', async () => {
    const { browserKey } = await setup();
    const read = await getStats(
      new Request('http://test/api/v1/stats/overview?range=24h', {
        headers: { authorization: `Bearer ${browserKey}` },
      }),
      { params: Promise.resolve({ dashboard: 'overview' }) },
    );
    expect(read.status).toBe(403);
    const otlp = await otlpTraces(
      new Request('http://test/api/otlp/v1/traces', {
        method: 'POST',
        headers: { authorization: `Bearer ${browserKey}`, 'content-type': 'application/json' },
        body: '{}',
      }),
    );
    expect(otlp.status).toBe(403);
    const header = await POST(
      new Request('http://test/api/v1/events', {
        method: 'POST',
        headers: { authorization: `Bearer ${browserKey}`, 'content-type': 'application/json', origin: PAGE },
        body: JSON.stringify({ events: [{ type: 'page.view', path: '/' }] }),
      }),
    );
    expect(header.status).toBe(403);
  });

  it('limits each client address per minute, with a 429 the page can read', async () => {
    const { browserKey } = await setup();
    const client = nextIp();
    const body = { events: [{ type: 'page.view', path: '/' }] };
    for (let i = 0; i < 3; i++) expect((await send(browserKey, body, { client })).status).toBe(200);
    const limited = await send(browserKey, body, { client });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(limited.headers.get('access-control-allow-origin')).toBe(PAGE);
    expect(limited.headers.get('access-control-expose-headers')).toBe('Retry-After');
    // Another address of the same key is not limited.
    expect((await send(browserKey, body, { client: nextIp() })).status).toBe(200);
  });
  it('checks a key in the URL before reading the body, and caps a browser body at 64 KiB and 50 events', async () => {
    const { projectId, browserKey } = await setup();
    const huge = { events: [{ type: 'page.view', path: `/${'x'.repeat(5 * 1024 * 1024)}` }] };
    // A refused origin is a 403 even with a body past every size limit: the body was never read.
    const refused = await send(browserKey, huge, { origin: 'https://evil.example' });
    expect(refused.status).toBe(403);
    const large = await send(browserKey, { events: [{ type: 'page.view', path: `/${'x'.repeat(70 * 1024)}` }] });
    expect(large.status).toBe(413);
    const many = await send(browserKey, {
      events: Array.from({ length: 51 }, (_, i) => ({ type: 'page.view', path: `/${i}` })),
    });
    expect(many.status).toBe(413);
    expect((await many.json()).error.message).toMatch(/at most 50/);
    expect(many.headers.get('access-control-allow-origin')).toBe(PAGE);
    expect(await rows(projectId)).toHaveLength(0);
  });

  it("stores a browser event's id apart from the server's, so a page cannot drop a server event by its id", async () => {
    const { projectId, browserKey, serverKey } = await setup();
    const timestamp = new Date(Date.now() - 60_000).toISOString();
    const event = { id: 'evt-1', type: 'error', errorType: 'TypeError', message: 'boom', timestamp };
    const fromPage = await send(browserKey, { events: [{ ...event, source: 'client' }] });
    expect(await fromPage.json()).toEqual({ accepted: 1, duplicates: 0, rejected: 0 });
    const fromServer = await POST(
      new Request('http://test/api/v1/events', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${serverKey}` },
        body: JSON.stringify({ events: [{ ...event, source: 'api' }] }),
      }),
    );
    expect(await fromServer.json()).toEqual({ accepted: 1, duplicates: 0, rejected: 0 });
    // A page's retry is still stored once.
    const retry = await send(browserKey, { events: [{ ...event, source: 'client' }] });
    expect(await retry.json()).toEqual({ accepted: 0, duplicates: 1, rejected: 0 });
    const stored = await rows(projectId);
    expect(stored.map((r) => [r.eventId, r.source]).sort()).toEqual([
      ['browser:evt-1', 'client'],
      ['evt-1', 'api'],
    ]);
  });
});
