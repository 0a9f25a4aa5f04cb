import { and, gt, lte } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ProbeResults } from '@/lib/health/status';

const { getDb } = await import('@/db/client');
const schema = await import('@/db/schema');
const { getKv } = await import('@/lib/kv');
const { recordHealthReport } = await import('@/lib/health/record');
const { getHealthHistory } = await import('@/lib/health/queries');
const { summarizeHealth } = await import('@/lib/health/status');

const MINUTE = 60_000;
const DAY = 86_400_000;
// A random minute in 2000-2010 keeps this file's rows and KV claims apart from other tests and earlier runs.
const now = new Date(Date.UTC(2000, 0, 1) + Math.floor(Math.random() * 5_000_000) * MINUTE);
const ago = (ms: number) => new Date(now.getTime() - ms);

const report = (at: Date, results: ProbeResults) => summarizeHealth(results, at);
const healthy = (at: Date, databaseMs: number) =>
  report(at, {
    database: { state: 'ok', latencyMs: databaseMs },
    cache: { state: 'ok', latencyMs: 3 },
    ai: { state: 'not_configured', reason: 'ANTHROPIC_API_KEY not set' },
    auth: { state: 'ok', latencyMs: 100 },
  });

async function rowsInWindow() {
  const db = await getDb();
  return db
    .select()
    .from(schema.healthChecks)
    .where(and(gt(schema.healthChecks.checkedAt, ago(30 * DAY)), lte(schema.healthChecks.checkedAt, now)));
}

describe(`health history against ${process.env.DATABASE_URL ? 'Postgres' : 'PGlite'}`, () => {
  // Only this file writes checks dated 2000-2010: clear what an earlier run may have left in this window.
  beforeAll(async () => {
    const db = await getDb();
    await db
      .delete(schema.healthChecks)
      .where(and(gt(schema.healthChecks.checkedAt, ago(31 * DAY)), lte(schema.healthChecks.checkedAt, now)));
  });
  afterEach(() => vi.restoreAllMocks());

  it('records one row per dependency at most once a minute, skips a down database, and reports uptime', async () => {
    expect(await recordHealthReport(healthy(ago(2 * MINUTE), 5))).toBe(true);
    expect(await recordHealthReport(healthy(new Date(ago(2 * MINUTE).getTime() + 20_000), 999))).toBe(false);
    const second = report(ago(MINUTE), {
      database: { state: 'ok', latencyMs: 15 },
      cache: { state: 'fail', latencyMs: 2000, reason: 'timed out' },
      ai: { state: 'not_configured', reason: 'ANTHROPIC_API_KEY not set' },
      auth: { state: 'fail', latencyMs: 50, reason: 'HTTP 401' },
    });
    // A failing KV is not asked to claim the minute: the in-process check records it.
    expect(await recordHealthReport(second)).toBe(true);
    expect(
      await recordHealthReport({
        ...second,
        timestamp: new Date(ago(MINUTE).getTime() + 1000).toISOString(),
      }),
    ).toBe(false);
    const down = report(now, {
      ...second.details,
      database: { state: 'fail', latencyMs: 2000, reason: 'timed out' },
    } as never);
    expect(await recordHealthReport(down)).toBe(false);

    const recorded = await rowsInWindow();
    expect(recorded).toHaveLength(8);
    expect(recorded.find((r) => r.dependency === 'auth' && r.state === 'fail')).toMatchObject({
      latencyMs: 50,
      reason: 'HTTP 401',
    });
    expect(recorded.find((r) => r.dependency === 'ai')).toMatchObject({
      state: 'not_configured',
      latencyMs: null,
    });

    // Older checks, written directly: 10 failures 3 days ago, 10 successes 20 days ago, 100 failures outside 30 days.
    const db = await getDb();
    const past = (at: Date, state: 'ok' | 'fail', n: number) =>
      Array.from({ length: n }, (_, i) => ({
        dependency: 'database' as const,
        state,
        latencyMs: 7,
        checkedAt: new Date(at.getTime() - i * MINUTE),
      }));
    await db
      .insert(schema.healthChecks)
      .values([
        ...past(ago(3 * DAY), 'fail', 10),
        ...past(ago(20 * DAY), 'ok', 10),
        ...past(ago(40 * DAY), 'fail', 100),
      ]);

    const history = await getHealthHistory(now);
    const of = (name: string) => history.dependencies.find((d) => d.dependency === name)!;
    expect(of('database').uptime).toEqual({ '24h': 1, '7d': 2 / 12, '30d': 12 / 22 });
    expect(of('database').latencyP50Ms).toBe(10);
    expect(of('cache').uptime['24h']).toBe(0.5);
    expect(of('auth').uptime['30d']).toBe(0.5);
    expect(of('ai').uptime).toEqual({ '24h': null, '7d': null, '30d': null });
    expect(of('ai').latencyP50Ms).toBeNull();
    expect(of('database').strip.at(-1)).toMatchObject({
      state: 'up',
      ok: 2,
      fail: 0,
      end: now.toISOString(),
    });
    expect(of('cache').strip.at(-1)!.state).toBe('partial');
    expect(of('database').strip.at(-2)!.state).toBe('none');
    expect(JSON.parse(JSON.stringify(history))).toEqual(history);
  });

  it('falls back to one record a minute per process when KV fails', async () => {
    vi.spyOn(getKv(), 'set').mockRejectedValue(new Error('kv down'));
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const at = ago(10 * MINUTE);
    expect(await recordHealthReport(healthy(at, 5))).toBe(true);
    expect(await recordHealthReport(healthy(new Date(at.getTime() + 30_000), 5))).toBe(false);
    expect(await recordHealthReport(healthy(new Date(at.getTime() + MINUTE), 5))).toBe(true);
  });
});
