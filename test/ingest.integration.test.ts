import { randomInt, randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';

// The route hands the live counters to `after()`, which needs a request scope outside `next start`: run it now.
vi.mock('next/server', async (importOriginal) => ({
  ...(await importOriginal<typeof import('next/server')>()),
  after: (task: Promise<unknown> | (() => unknown)) => {
    void Promise.resolve(typeof task === 'function' ? task() : task).catch(() => {});
  },
}));

const slug = `it-${randomUUID().slice(0, 8)}`;
const initKey = `cw_it_${randomUUID()}${randomUUID()}`.replace(/-/g, '');
process.env.INIT_PROJECT = slug;
process.env.INIT_API_KEY = initKey;
// The tests' requests say they come through a proxy on 10.x: only then is X-Forwarded-For believed.
process.env.TRUSTED_PROXIES = '10.0.0.0/8';

// Imported after the env above is set: lib/env parses process.env once, at import.
const { dbQueryCount, getDb } = await import('@/db/client');
const schema = await import('@/db/schema');
const { authenticateApiKey, forgetCachedKeys } = await import('@/lib/auth/api-keys');
const { generateApiKey, hashApiKey, displayPrefix } = await import('@/lib/auth/api-key-format');
const { ingestBatch } = await import('@/lib/ingest/ingest');
const { ensureBootstrap } = await import('@/lib/projects/bootstrap');
const { getKv } = await import('@/lib/kv');
const { activeUsersKey, minuteKey } = await import('@/lib/ingest/live');
const { eventWriterLoad, storeRows } = await import('@/lib/ingest/store');
const { prepareBatch } = await import('@/lib/ingest/batch');
const { POST } = await import('@/app/api/v1/events/route');

/** Random CJK text, which does not compress: 3 bytes per character in UTF-8. */
function cjk(length: number): string {
  return Array.from({ length }, () => String.fromCharCode(0x4e00 + randomInt(20_000))).join('');
}

/**
 * Valid for the schema (path <= 1024 characters, userId <= 256), refused by Postgres: the row is too large for the
 * (project_id, type, ts) index, whose INCLUDE columns hold path and user_id (SQLSTATE 54000).
 */
const tooLargeForIndex = (id: string) => ({ type: 'page.view', id, path: '/' + cjk(1023), userId: cjk(256) });

const postEvents = (key: string, body: string) =>
  POST(
    new Request('http://test/api/v1/events', {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body,
    }),
  );

const request = (key?: string) =>
  new Request('http://test/api/v1/events', {
    method: 'POST',
    headers: key ? { Authorization: `Bearer ${key}`, 'x-forwarded-for': '203.0.113.9' } : {},
  });

async function newProject(scopes: ('ingest' | 'read')[] = ['ingest', 'read']) {
  const db = await getDb();
  const [project] = await db
    .insert(schema.projects)
    .values({ slug: `p-${randomUUID().slice(0, 12)}`, name: 'test' })
    .returning();
  const key = generateApiKey();
  const [row] = await db
    .insert(schema.apiKeys)
    .values({
      projectId: project!.id,
      name: 'test',
      keyHash: hashApiKey(key),
      prefix: displayPrefix(key),
      scopes,
    })
    .returning();
  return { project: project!, key, keyId: row!.id };
}

describe(`ingest against ${process.env.DATABASE_URL ? 'Postgres' : 'PGlite'}`, () => {
  beforeAll(async () => {
    await ensureBootstrap();
  });

  it('bootstraps INIT_PROJECT with an INIT_API_KEY holding both scopes, once', async () => {
    await ensureBootstrap();
    const key = await authenticateApiKey(request(initKey), 'read');
    const db = await getDb();
    const [project] = await db.select().from(schema.projects).where(eq(schema.projects.slug, slug));
    expect(key.projectId).toBe(project!.id);
    expect(key.scopes.sort()).toEqual(['ingest', 'read']);
    const keys = await db.select().from(schema.apiKeys).where(eq(schema.apiKeys.projectId, project!.id));
    expect(keys).toHaveLength(1);
    expect(keys[0]!.keyHash).toBe(hashApiKey(initKey));
    expect(JSON.stringify(keys)).not.toContain(initKey);
  });

  it('stores rows with typed columns and computed cost, and counts duplicates', async () => {
    const { project } = await newProject();
    const id = randomUUID();
    const body = {
      events: [
        {
          type: 'ai.call',
          id: `${id}-a`,
          model: 'claude-haiku-4-5',
          durationMs: 900,
          inputTokens: 2000,
          outputTokens: 1000,
          userId: 'u1',
        },
        { type: 'http.request', id: `${id}-b`, route: '/api/chat', status: 502, durationMs: 30 },
      ],
    };
    const first = await ingestBatch(project.id, body);
    expect(first.body).toEqual({ accepted: 2, duplicates: 0, rejected: 0 });
    const second = await ingestBatch(project.id, body);
    expect(second.body).toEqual({ accepted: 0, duplicates: 2, rejected: 0 });
    expect(second.stored).toEqual([]);
    const db = await getDb();
    const rows = await db.select().from(schema.events).where(eq(schema.events.projectId, project.id));
    expect(rows).toHaveLength(2);
    const ai = rows.find((r) => r.type === 'ai.call')!;
    expect(ai).toMatchObject({
      model: 'claude-haiku-4-5',
      inputTokens: 2000,
      outputTokens: 1000,
      status: 'ok',
      userId: 'u1',
    });
    expect(ai.costUsd).toBeCloseTo((2000 * 1 + 1000 * 5) / 1e6, 10);
    expect(rows.find((r) => r.type === 'http.request')).toMatchObject({
      httpStatus: 502,
      route: '/api/chat',
    });
  });

  it('scopes idempotency to the project: the same id in two projects is stored twice', async () => {
    const a = await newProject();
    const b = await newProject();
    const body = { events: [{ type: 'page.view', id: 'shared-id', path: '/' }] };
    expect((await ingestBatch(a.project.id, body)).body.accepted).toBe(1);
    expect((await ingestBatch(b.project.id, body)).body.accepted).toBe(1);
  });

  it('applies a project price override to computed cost', async () => {
    const { project } = await newProject();
    const db = await getDb();
    await db.insert(schema.modelPrices).values({
      projectId: project.id,
      model: 'claude-sonnet-4',
      inputPerMTok: 10,
      outputPerMTok: 20,
      cacheReadPerMTok: 0,
      cacheWritePerMTok: 0,
    });
    const result = await ingestBatch(project.id, {
      events: [
        { type: 'ai.call', model: 'claude-sonnet-4-5', durationMs: 1, inputTokens: 1e6, outputTokens: 1e6 },
      ],
    });
    expect(result.stored[0]?.costUsd).toBe(30);
  });

  it('refuses missing, unknown and revoked keys with 401 and a missing scope with 403, and audits each', async () => {
    const { project, key, keyId } = await newProject(['read']);
    const codes: number[] = [];
    for (const attempt of [undefined, key + 'x']) {
      try {
        await authenticateApiKey(request(attempt), 'ingest');
      } catch (error) {
        codes.push((error as { status: number }).status);
      }
    }
    await expect(authenticateApiKey(request(key), 'ingest')).rejects.toMatchObject({ status: 403 });
    const db = await getDb();
    await db.update(schema.apiKeys).set({ revokedAt: new Date() }).where(eq(schema.apiKeys.id, keyId));
    forgetCachedKeys();
    await expect(authenticateApiKey(request(key), 'read')).rejects.toMatchObject({ status: 401 });
    expect(codes).toEqual([401, 401]);

    await new Promise((r) => setTimeout(r, 200));
    const audit = await db
      .select()
      .from(schema.auditLog)
      .where(and(eq(schema.auditLog.projectId, project.id), eq(schema.auditLog.action, 'api_key.rejected')));
    expect(audit.map((a) => a.details)).toEqual([{ reason: 'missing_scope:ingest' }]);
    const anonymous = await db
      .select()
      .from(schema.auditLog)
      .where(and(eq(schema.auditLog.action, 'api_key.rejected'), eq(schema.auditLog.ip, '203.0.113.9')));
    expect(anonymous.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(anonymous)).not.toContain(key);
  });

  it('stores timestamps to the millisecond', async () => {
    const { project } = await newProject();
    const at = new Date(Date.now() - 3_600_000 + 123);
    await ingestBatch(project.id, {
      events: [
        { type: 'page.view', id: 'iso', path: '/', timestamp: at.toISOString() },
        { type: 'page.view', id: 'ms', path: '/', timestamp: at.getTime() + 1 },
      ],
    });
    const db = await getDb();
    const rows = await db.select().from(schema.events).where(eq(schema.events.projectId, project.id));
    expect(Object.fromEntries(rows.map((r) => [r.eventId, r.ts.getTime()]))).toEqual({
      iso: at.getTime(),
      ms: at.getTime() + 1,
    });
  });

  it(`writes live counters and active users to KV (${getKv().backend}) for stored events only`, async () => {
    const { project } = await newProject();
    const now = new Date();
    const body = {
      events: [
        {
          type: 'ai.call',
          id: 'a1',
          model: 'claude-haiku-4-5',
          durationMs: 5,
          status: 'error',
          userId: 'u1',
        },
        { type: 'http.request', id: 'h1', route: '/api/chat', status: 503, durationMs: 5, userId: 'u2' },
        { type: 'page.view', id: 'p1', path: '/', userId: 'u1' },
      ],
    };
    const first = await ingestBatch(project.id, body, { now });
    await first.liveRecorded;
    const retry = await ingestBatch(project.id, body, { now });
    await retry.liveRecorded;
    const kv = getKv();
    expect(await kv.hGetAll(minuteKey(project.id, now))).toEqual({
      'ai.call': 1,
      'ai.call.error': 1,
      'http.request': 1,
      'http.request.5xx': 1,
      'page.view': 1,
    });
    expect(await kv.pfCount(activeUsersKey(project.id, now))).toBe(2);
  });

  it('stores each event once when concurrent requests overlap, and answers each with its own counts', async () => {
    const { project } = await newProject();
    // Twenty requests at once, each sharing half its ids with the next, so the writes are merged and overlap.
    const requests = Array.from({ length: 20 }, (_, r) => ({
      events: Array.from({ length: 50 }, (_, i) => ({ type: 'page.view', id: `e${r * 25 + i}`, path: '/' })),
    }));
    const writesBefore = eventWriterLoad().writes;
    const statementsBefore = dbQueryCount();
    const results = await Promise.all(requests.map((body) => ingestBatch(project.id, body)));
    const writes = eventWriterLoad().writes - writesBefore;
    expect(writes).toBeLessThan(20);
    // The writes plus one price lookup shared by all twenty requests.
    expect(dbQueryCount() - statementsBefore).toBe(writes + 1);
    const unique = new Set(requests.flatMap((body) => body.events.map((e) => e.id))).size;
    expect(results.reduce((n, r) => n + r.body.accepted, 0)).toBe(unique);
    const storedIds = results.flatMap((r) => r.stored.map((row) => row.eventId));
    expect(new Set(storedIds).size).toBe(unique);
    const db = await getDb();
    const rows = await db.select().from(schema.events).where(eq(schema.events.projectId, project.id));
    expect(rows).toHaveLength(unique);
  });

  it('refuses an event holding a NUL character without losing the rest of its batch', async () => {
    const { project } = await newProject();
    const result = await ingestBatch(project.id, {
      events: [
        { type: 'log', id: 'nul', level: 'info', event: 'x', message: 'a\u0000b' },
        { type: 'page.view', id: 'ok', path: '/', metadata: { note: 'fine' } },
      ],
    });
    expect(result.status).toBe(207);
    expect(result.body).toMatchObject({ accepted: 1, rejected: 1 });
    const db = await getDb();
    const rows = await db.select().from(schema.events).where(eq(schema.events.projectId, project.id));
    expect(rows.map((r) => r.eventId)).toEqual(['ok']);
  });

  it('stores the smallest and largest scores a real column holds', async () => {
    const { project } = await newProject();
    const result = await ingestBatch(project.id, {
      events: [
        { type: 'retrieval', id: 'tiny', durationMs: 1, topScore: 1e-40 },
        { type: 'retrieval', id: 'huge', durationMs: 1, topScore: 3.4e38 },
      ],
    });
    expect(result.body).toEqual({ accepted: 2, duplicates: 0, rejected: 0 });
    const db = await getDb();
    const rows = await db.select().from(schema.events).where(eq(schema.events.projectId, project.id));
    expect(rows.map((r) => r.topScore! > 0)).toEqual([true, true]);
  });

  it('stores a field of another type as an attribute instead of failing the batch (value: true on ai.call)', async () => {
    const { project, key } = await newProject();
    const events = [
      { type: 'ai.call', id: 'ai', model: 'claude-haiku-4-5', durationMs: 5, value: true, hit: 'no' },
      { type: 'log', id: 'log', level: 'info', event: 'x', status: 'weird', cached: [1] },
      { type: 'page.view', id: 'view', path: '/', score: 'x', inputTokens: { a: 1 }, temperature: 1e300 },
    ];
    const res = await postEvents(key, JSON.stringify({ events }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 3, duplicates: 0, rejected: 0 });
    const db = await getDb();
    const rows = await db.select().from(schema.events).where(eq(schema.events.projectId, project.id));
    const byId = Object.fromEntries(rows.map((r) => [r.eventId, r]));
    expect(byId.ai).toMatchObject({ value: null, hit: null, attributes: { value: true, hit: 'no' } });
    expect(byId.log).toMatchObject({
      httpStatus: null,
      cached: null,
      attributes: { status: 'weird', cached: [1] },
    });
    expect(byId.view).toMatchObject({
      score: null,
      inputTokens: null,
      temperature: null,
      attributes: { score: 'x', inputTokens: { a: 1 }, temperature: 1e300 },
    });
  });

  it('answers 207 when Postgres refuses one event, stores the others once, and keeps idempotency on a retry', async () => {
    const { project, key } = await newProject();
    const events = [
      { type: 'page.view', id: 'before', path: '/' },
      tooLargeForIndex('huge'),
      { type: 'page.view', path: '/no-id' },
      { type: 'http.request', id: 'after', route: '/api/chat', status: 200, durationMs: 5 },
      { type: 'page.view', id: 'before', path: '/' },
    ];
    const res = await postEvents(key, JSON.stringify({ events }));
    expect(res.status).toBe(207);
    expect(await res.json()).toEqual({
      accepted: 3,
      duplicates: 1,
      rejected: 1,
      errors: [
        { index: 1, id: 'huge', message: expect.stringContaining('too large for the database index') },
      ],
    });
    const retry = await postEvents(key, JSON.stringify({ events: events.filter((e) => e.id !== undefined) }));
    expect(retry.status).toBe(207);
    expect(await retry.json()).toMatchObject({ accepted: 0, duplicates: 3, rejected: 1 });
    const db = await getDb();
    const rows = await db.select().from(schema.events).where(eq(schema.events.projectId, project.id));
    expect(rows.map((r) => r.path ?? r.route).sort()).toEqual(['/', '/api/chat', '/no-id']);
  });

  it('answers 400 with every error when Postgres refuses every event of a batch', async () => {
    const { project } = await newProject();
    const error = await ingestBatch(project.id, {
      events: [tooLargeForIndex('a'), tooLargeForIndex('b')],
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 400,
      extra: {
        errors: [
          { index: 0, id: 'a' },
          { index: 1, id: 'b' },
        ],
      },
    });
  });

  it('refuses only the refused events of requests whose writes were merged, and counts each request right', async () => {
    const { project } = await newProject();
    const requests = Array.from({ length: 12 }, (_, r) => ({
      events: [
        ...Array.from({ length: 20 }, (_, i) => ({ type: 'page.view', id: `r${r}-${i}`, path: '/' })),
        ...(r % 4 === 1 ? [tooLargeForIndex(`bad-${r}`)] : []),
      ],
    }));
    const results = await Promise.all(requests.map((body) => ingestBatch(project.id, body)));
    results.forEach((result, r) => {
      expect(result.body).toMatchObject({ accepted: 20, duplicates: 0, rejected: r % 4 === 1 ? 1 : 0 });
      expect(result.status).toBe(r % 4 === 1 ? 207 : 200);
    });
    const db = await getDb();
    const rows = await db.select().from(schema.events).where(eq(schema.events.projectId, project.id));
    expect(rows).toHaveLength(12 * 20);
  });

  it('refuses alone a row that breaks a constraint (class 23: a project that does not exist)', async () => {
    const { project } = await newProject();
    const options = { now: new Date(), retentionDays: 30 };
    const events = [{ type: 'page.view', id: 'x', path: '/' }];
    const real = prepareBatch({ events }, project.id, options).rows;
    const ghost = prepareBatch({ events }, randomUUID(), options).rows;
    const result = await storeRows([...real, ...ghost]);
    expect(result.stored).toEqual(real);
    expect(
      result.refused.map((r) => [r.row.projectId, (r.error as { cause?: { code?: string } }).cause?.code]),
    ).toEqual([[ghost[0]!.projectId, '23503']]);
  });

  it('answers 400, not 500, for an event nested 5,000 levels deep, saying the nesting is too deep', async () => {
    const { key } = await newProject();
    const deep = '['.repeat(5_000) + ']'.repeat(5_000);
    const res = await postEvents(key, `{"events": [{"type": "page.view", "path": "/", "x": ${deep}}]}`);
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.message).toContain('nested too deep');
    expect(body.errors).toEqual([
      { index: 0, message: expect.stringMatching(/^x(\[0\])+: nested too deep/) },
    ]);
  });

  it('refuses a 3.5 MiB event and a 100,000-key object alone, and stores the event beside each', async () => {
    const { key } = await newProject();
    const big = {
      type: 'log',
      id: 'big',
      level: 'info',
      event: 'x',
      data: { blob: 'y'.repeat(3.5 * 1024 * 1024) },
    };
    const keys = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, 1]));
    const many = { type: 'page.view', id: 'keys', path: '/', extra: keys };
    for (const [event, message] of [
      [big, 'event: is 3.5 MiB as JSON, over the limit of 64 KiB per event'],
      [many, 'event: has more than 1000 keys in all'],
    ] as const) {
      const res = await postEvents(
        key,
        JSON.stringify({ events: [event, { type: 'page.view', path: '/' }] }),
      );
      expect(res.status).toBe(207);
      expect(await res.json()).toEqual({
        accepted: 1,
        duplicates: 0,
        rejected: 1,
        errors: [{ index: 0, id: event.id, message: expect.stringContaining(message) }],
      });
    }
  });
});
