import { randomBytes, randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';

// The app sits behind a proxy at 10.0.0.1: X-Forwarded-For names the client only because of this.
process.env.TRUSTED_PROXIES = '10.0.0.0/8';

const { dbQueryCount, getDb } = await import('@/db/client');
const schema = await import('@/db/schema');
const { authenticateApiKey } = await import('@/lib/auth/api-keys');
const { flushAuditSummaries, recordAuditSummary, COALESCE_MS, MAX_SOURCES_PER_MINUTE } =
  await import('@/lib/audit/record');
const { ensureBootstrap } = await import('@/lib/projects/bootstrap');

/** A documentation address no other run uses, so rows of earlier runs on the shared database do not count. */
const freshIp = () => `2001:db8:${randomBytes(2).toString('hex')}::${randomBytes(2).toString('hex')}`;

const request = (ip: string, key?: string) =>
  new Request('http://test/api/v1/stats/overview', {
    headers: {
      'x-forwarded-for': `${ip}, 10.0.0.1`,
      ...(key ? { Authorization: `Bearer ${key}` } : {}),
    },
  });

async function fail(ip: string, key?: string) {
  await expect(authenticateApiKey(request(ip, key), 'read')).rejects.toMatchObject({ status: 401 });
}

async function rowsFrom(ip: string) {
  const db = await getDb();
  return db
    .select()
    .from(schema.auditLog)
    .where(and(eq(schema.auditLog.action, 'api_key.rejected'), eq(schema.auditLog.ip, ip)));
}

/** The 100 requests must fall in one minute: start early in it. */
async function awayFromMinuteEnd() {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 5_000) await new Promise((r) => setTimeout(r, left + 50));
}

describe(`failed-key audit summary against ${process.env.DATABASE_URL ? 'Postgres' : 'PGlite'}`, () => {
  beforeAll(async () => {
    await ensureBootstrap();
  });

  it('100 unknown keys from one source in one minute leave one row with count 100 and no key material', async () => {
    await awayFromMinuteEnd();
    const ip = freshIp();
    const keys = Array.from(
      { length: 100 },
      () => `cw_${randomUUID().replace(/-/g, '')}${randomUUID().replace(/-/g, '')}`,
    );
    await Promise.all(keys.map((key) => fail(ip, key)));
    await flushAuditSummaries();

    const rows = await rowsFrom(ip);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      count: 100,
      actor: 'anonymous',
      projectId: null,
      details: { reason: 'unknown_or_revoked' },
    });
    expect(rows[0]!.summaryKey).toMatch(new RegExp(`^api_key\\.rejected:unknown_or_revoked:-:${ip}:\\d+$`));
    const stored = JSON.stringify(rows);
    for (const key of keys) expect(stored).not.toContain(key.slice(3, 20));
  });

  it('a flood costs a few statements, not one per request, and every request is counted', async () => {
    await awayFromMinuteEnd();
    const ip = freshIp();
    const key = `cw_${randomBytes(32).toString('hex')}`;
    await fail(ip, key); // looks the key up once; later attempts hit the negative cache
    const before = dbQueryCount();
    for (let i = 0; i < 200; i++) await fail(ip, key);
    await flushAuditSummaries();
    expect(dbQueryCount() - before).toBeLessThanOrEqual(3);
    expect((await rowsFrom(ip)).map((r) => r.count)).toEqual([201]);
  });

  it('keeps sources, reasons and minutes apart, and adds repeats after the window to the same row', async () => {
    await awayFromMinuteEnd();
    const [a, b] = [freshIp(), freshIp()];
    await fail(a);
    await fail(a);
    await fail(b);
    await fail(a, `cw_${randomBytes(32).toString('hex')}`);
    await new Promise((r) => setTimeout(r, COALESCE_MS + 200));
    await fail(a);
    await flushAuditSummaries();
    const rowsA = await rowsFrom(a);
    expect(rowsA.map((r) => [(r.details as { reason: string }).reason, r.count]).sort()).toEqual([
      ['missing', 3],
      ['unknown_or_revoked', 1],
    ]);
    expect((await rowsFrom(b)).map((r) => r.count)).toEqual([1]);

    const ip = freshIp();
    const entry = { action: 'api_key.rejected', actor: 'anonymous', ip, details: { reason: 'missing' } };
    await recordAuditSummary(entry, `missing:-:${ip}`, Date.UTC(2030, 0, 1, 0, 0, 59));
    await recordAuditSummary(entry, `missing:-:${ip}`, Date.UTC(2030, 0, 1, 0, 1, 0));
    await flushAuditSummaries();
    expect((await rowsFrom(ip)).map((r) => r.count)).toEqual([1, 1]);
  });

  it('a flood from ever new sources folds into one overflow row once too many sources were seen this minute', async () => {
    await awayFromMinuteEnd();
    const action = `test.flood.${randomUUID().slice(0, 8)}`;
    const writes = [];
    for (let i = 0; i < MAX_SOURCES_PER_MINUTE + 20; i++) {
      writes.push(
        recordAuditSummary({ action, actor: 'anonymous', details: { reason: 'missing' } }, `src-${i}`),
      );
    }
    await Promise.all(writes);
    // Windows closed (as they do after a second): new sources in the same minute still share the overflow row.
    await flushAuditSummaries();
    for (let i = MAX_SOURCES_PER_MINUTE + 20; i < MAX_SOURCES_PER_MINUTE + 50; i++) {
      await recordAuditSummary({ action, actor: 'anonymous', details: { reason: 'missing' } }, `src-${i}`);
    }
    await flushAuditSummaries();
    const db = await getDb();
    const rows = await db.select().from(schema.auditLog).where(eq(schema.auditLog.action, action));
    expect(rows).toHaveLength(MAX_SOURCES_PER_MINUTE + 1);
    expect(rows.reduce((sum, r) => sum + r.count, 0)).toBe(MAX_SOURCES_PER_MINUTE + 50);
    expect(rows.find((r) => r.summaryKey?.includes(':overflow:'))).toMatchObject({
      count: 50,
      projectId: null,
      ip: null,
    });
  });
});
