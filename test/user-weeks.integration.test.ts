import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { rawRows } from '@/db/client';
import { ensurePartitions } from '@/db/partitions';
import * as schema from '@/db/schema';
import { NO_FILTERS } from '@/lib/metrics/range';
import { readActiveUsers, readTopUsers } from '@/lib/metrics/rollups/read';
import { ANY_TYPE } from '@/lib/metrics/rollups/shape';
import { backends, newProject, random, rollUpAll, type Backend } from './backends';

/**
 * The per-user rollups keep weeks beside days and hours: a month's active users, their cost and the top users
 * read whole weeks where the window holds them. Against Postgres and PGlite, the figures over three weeks equal
 * those counted from the raw events, before and after the rollup.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function makeEvents(projectId: string, now: number): schema.NewEventRow[] {
  const next = random(7);
  return Array.from({ length: 900 }, (_, i) => {
    const ts = new Date(now - Math.floor(next() * 24 * DAY) - 1000);
    const userId = next() < 0.9 ? `user-${Math.floor(next() ** 2 * 70)}` : null;
    return i % 2 === 0
      ? {
          projectId,
          eventId: `w${i}`,
          ts,
          service: 'api',
          userId,
          type: 'ai.call' as const,
          model: 'claude-haiku-4',
          status: 'ok',
          durationMs: 100,
          costUsd: Math.round(next() * 1e6) / 1e8,
        }
      : { projectId, eventId: `w${i}`, ts, service: 'web', userId, type: 'page.view' as const, path: '/' };
  });
}

describe.each(backends())('per-user week rollups against $name', (backend) => {
  let handle: Awaited<ReturnType<Backend['open']>>;
  afterAll(() => handle?.close());

  it('count a month of users, their cost and the top users the same from weeks as from raw events', async () => {
    handle = await backend.open();
    const { db } = handle;
    const now = Date.now();
    await ensurePartitions(db, { from: new Date(now - 26 * DAY), to: new Date(now + DAY) });
    const projectId = await newProject(db, 'uw', 'user weeks');
    const rows = makeEvents(projectId, now);
    for (let i = 0; i < rows.length; i += 300) await db.insert(schema.events).values(rows.slice(i, i + 300));

    // Three weeks and some: at least two whole weeks, days and hours at the edges, raw sub-hour edges.
    const window = { from: new Date(now - 22 * DAY - 5 * HOUR - 13_000), to: new Date(now - 7_000) };
    const since = [window.to.getTime() - DAY, window.to.getTime() - 7 * DAY];
    const inWindow = rows.filter((r) => r.userId && r.ts >= window.from && r.ts < window.to);
    const expected = (type: string) => {
      const kept = inWindow.filter((r) => type === ANY_TYPE || r.type === type);
      const last = new Map<string, number>();
      const cost = new Map<string, number>();
      for (const r of kept) {
        last.set(r.userId!, Math.max(last.get(r.userId!) ?? 0, r.ts.getTime()));
        cost.set(r.userId!, (cost.get(r.userId!) ?? 0) + (r.costUsd ?? 0));
      }
      return {
        users: last.size,
        since: since.map((ms) => [...last.values()].filter((t) => t >= ms).length),
        cost: [...cost.values()].reduce((a, b) => a + b, 0),
      };
    };
    const read = async (type: 'ai.call' | typeof ANY_TYPE) => {
      const count = async (from: Date) =>
        readActiveUsers({ projectId }, { from, to: window.to }, NO_FILTERS, { types: [type] }, { db });
      const [[group], top] = await Promise.all([
        count(window.from),
        readTopUsers({ projectId }, window, NO_FILTERS, 5, { db }),
      ]);
      const inParts = await Promise.all(since.map(async (ms) => (await count(new Date(ms)))[0]!.users));
      return { users: group!.users, since: inParts, cost: group!.cost ?? 0, top };
    };
    const check = async () => {
      for (const type of [ANY_TYPE, 'ai.call'] as const) {
        const got = await read(type);
        const want = expected(type);
        expect(got.users, type).toBe(want.users);
        expect(got.since, type).toEqual(want.since);
        if (type === 'ai.call') expect(got.cost).toBeCloseTo(want.cost, 9);
      }
      return (await read('ai.call')).top;
    };
    const rawTop = await check();

    await rollUpAll(db);
    const weeks = await rawRows<{ n: number; events: number }>(
      db,
      sql`select count(*)::int as n, coalesce(sum(n), 0)::int as events from user_rollups
        where project_id = ${projectId} and grain = 'week' and type = 'ai.call' and service = ''`,
    );
    expect(weeks[0]!.n).toBeGreaterThan(0);
    // Every stored AI call with a user is in exactly one week row (all services together).
    expect(weeks[0]!.events).toBe(rows.filter((r) => r.userId && r.type === 'ai.call').length);
    const sets = await rawRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from user_sets where project_id = ${projectId} and grain = 'week' and type = ${ANY_TYPE}`,
    );
    expect(sets[0]!.n).toBeGreaterThan(0);
    const top = await check();
    expect(top.map((u) => [u.userId, u.events])).toEqual(rawTop.map((u) => [u.userId, u.events]));
    top.forEach((u, i) => expect(u.cost).toBeCloseTo(rawTop[i]!.cost!, 12));
  }, 120_000);

  it('counts users past one bitmap chunk exactly: new users in the tail, a user again, windows at any edge', async () => {
    handle ??= await backend.open();
    const { db } = handle;
    const now = Date.now();
    await ensurePartitions(db, { from: new Date(now - 5 * DAY), to: new Date(now + DAY) });
    const projectId = await newProject(db, 'uc', 'user chunks');
    const next = random(11);
    const event = (i: number, user: string, ts: Date): schema.NewEventRow => ({
      projectId,
      eventId: `c${i}`,
      ts,
      service: i % 3 === 0 ? 'worker' : 'api',
      userId: user,
      type: 'page.view' as const,
      path: '/',
    });
    // 9,000 users (three chunks of 4,096), a third of them twice.
    const rows = Array.from({ length: 12_000 }, (_, i) =>
      event(i, `u${i % 9000}`, new Date(now - 1000 - Math.floor(next() * 3 * DAY))),
    );
    const insert = async (batch: schema.NewEventRow[]) => {
      for (let i = 0; i < batch.length; i += 500)
        await db.insert(schema.events).values(batch.slice(i, i + 500));
    };
    await insert(rows);
    await rollUpAll(db);
    const chunks = await rawRows<{ chunk: number }>(
      db,
      sql`select distinct chunk from user_sets where project_id = ${projectId} order by chunk`,
    );
    expect(chunks.map((c) => Number(c.chunk))).toEqual([0, 1, 2]);
    // The tail: users met for the first time (no number yet) and known ones, one of them late.
    const tail = [
      event(20_000, 'new-1', new Date(now - 500)),
      event(20_001, 'u8999', new Date(now - 400)),
      event(20_002, 'u5', new Date(now - 2 * DAY - 7 * HOUR)),
      event(20_003, 'new-2', new Date(now - 2 * DAY - 7 * HOUR)),
    ];
    await insert(tail);
    rows.push(...tail);
    const to = new Date(now);
    const starts = [
      3 * DAY + HOUR,
      2 * DAY + 7 * HOUR + 1,
      2 * DAY + 7 * HOUR,
      DAY + 13 * 60_000,
      5 * HOUR,
      450,
    ];
    const expected = (from: Date, service: string | null) =>
      new Set(
        rows
          .filter((r) => r.ts >= from && r.ts < to && (service === null || r.service === service))
          .map((r) => r.userId),
      ).size;
    const check = async () => {
      for (const start of starts) {
        const from = new Date(now - start);
        for (const service of [null, 'worker']) {
          const [all] = await readActiveUsers(
            { projectId },
            { from, to },
            { ...NO_FILTERS, service },
            { types: [ANY_TYPE] },
            { db },
          );
          expect(all?.users ?? 0, `${start} ms, ${service}`).toBe(expected(from, service));
        }
        const byService = await readActiveUsers(
          { projectId },
          { from, to },
          NO_FILTERS,
          { types: [ANY_TYPE], groupBy: ['service'] },
          { db },
        );
        for (const g of byService)
          expect(g.users, `${start} ms by service`).toBe(expected(from, g.key.service!));
      }
    };
    await check();
    await rollUpAll(db);
    await check();
    const numbers = await rawRows<{ n: number; max: number }>(
      db,
      sql`select count(*)::int as n, max(idx)::int as max from user_index where project_id = ${projectId}`,
    );
    // Numbered once each, without gaps.
    expect(numbers[0]).toEqual({ n: 9002, max: 9001 });
  }, 180_000);
});
