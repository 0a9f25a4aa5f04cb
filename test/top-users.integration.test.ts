import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rawRows } from '@/db/client';
import { ensurePartitions } from '@/db/partitions';
import * as schema from '@/db/schema';
import { NO_FILTERS } from '@/lib/metrics/range';
import { readTopUsers } from '@/lib/metrics/rollups/read';
import { backends, newProject, random, rollUpAll, type Backend } from './backends';

/**
 * The top users by cost, against Postgres and PGlite, equal those summed from the raw events: before and after the
 * rollup, with late events and new users in the tail, at windows whose edges are read raw, with a model filter, with
 * ties and users without a cost.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const LIMIT = 10;

type TopUser = Awaited<ReturnType<typeof readTopUsers>>[number];

/** The top users as summed from raw rows: cost descending (no cost last), then user id. */
function expectedTop(rows: schema.NewEventRow[], window: { from: Date; to: Date }): TopUser[] {
  const users = new Map<string, TopUser>();
  for (const r of rows) {
    if (r.type !== 'ai.call' || !r.userId || r.ts < window.from || r.ts >= window.to) continue;
    const u = users.get(r.userId) ?? { userId: r.userId, events: 0, cost: null };
    u.events += 1;
    if (r.costUsd !== null && r.costUsd !== undefined) u.cost = (u.cost ?? 0) + r.costUsd;
    users.set(r.userId, u);
  }
  return [...users.values()]
    .sort(
      (a, b) => (b.cost ?? -1) - (a.cost ?? -1) || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0),
    )
    .slice(0, LIMIT);
}

const shape = (top: TopUser[]) =>
  top.map((u) => [u.userId, u.events, u.cost === null ? null : u.cost.toFixed(9)]);

describe.each(backends())('top users by cost against $name', (backend) => {
  let handle: Awaited<ReturnType<Backend['open']>>;
  afterAll(() => handle?.close());

  it('equal the raw sums over a month, a week and three hours, with a tail of late events', async () => {
    handle = await backend.open();
    const { db } = handle;
    const now = Date.now();
    await ensurePartitions(db, { from: new Date(now - 26 * DAY), to: new Date(now + DAY) });
    const projectId = await newProject(db, 'tu', 'top users');
    const next = random(3);
    let id = 0;
    const call = (userId: string | null, ts: Date, costUsd: number | null): schema.NewEventRow => ({
      projectId,
      eventId: `t${id++}`,
      ts,
      service: next() < 0.5 ? 'api' : 'worker',
      userId,
      type: 'ai.call' as const,
      model: next() < 0.5 ? 'claude-haiku-4' : 'claude-sonnet-4',
      status: 'ok',
      durationMs: 100,
      costUsd,
    });
    // 200 users over 24 days: user k spends in proportion to 1 / (k + 1) (a few heavy users, a long tail), some
    // calls without a cost, users 190-199 never with one; 'tie-a' and 'tie-b' spend the same, near the top.
    const rows: schema.NewEventRow[] = [];
    for (let i = 0; i < 3000; i++) {
      const k = Math.floor(next() ** 2 * 200);
      const ts = new Date(now - 1000 - Math.floor(next() * 24 * DAY));
      const cost = k >= 190 || next() < 0.05 ? null : Math.round((next() * 1e6) / (k + 1)) / 1e8;
      rows.push(call(`user-${String(k).padStart(3, '0')}`, ts, cost));
    }
    rows.push(call(null, new Date(now - 2 * DAY), 5));
    for (const user of ['tie-a', 'tie-b'])
      for (let d = 1; d <= 20; d++) rows.push(call(user, new Date(now - d * DAY - 3 * HOUR), 0.125));
    const insert = async (batch: schema.NewEventRow[]) => {
      for (let i = 0; i < batch.length; i += 500)
        await db.insert(schema.events).values(batch.slice(i, i + 500));
    };
    await insert(rows);

    const windows = [
      { from: new Date(now - 22 * DAY - 5 * HOUR - 13_000), to: new Date(now - 7_000) },
      { from: new Date(now - 9 * DAY - 30 * 60_000), to: new Date(now - 2 * DAY - 17 * 60_000) },
      { from: new Date(now - 3 * HOUR - 1), to: new Date(now) },
    ];
    const check = async (label: string) => {
      for (const [w, window] of windows.entries()) {
        const want = shape(expectedTop(rows, window));
        const read = await readTopUsers({ projectId }, window, NO_FILTERS, LIMIT, { db });
        expect(shape(read), `${label}: window ${w}`).toEqual(want);
      }
      // A model filter reads the rows per model rather than those of all a user's calls together.
      const filtered = { ...NO_FILTERS, model: 'claude-haiku-4' };
      const byModel = await readTopUsers({ projectId }, windows[0]!, filtered, LIMIT, { db });
      const want = expectedTop(
        rows.filter((r) => r.model === 'claude-haiku-4'),
        windows[0]!,
      );
      expect(shape(byModel)).toEqual(shape(want));
    };

    // Before the rollup: every event is in the tail, read raw.
    await check('raw');
    await rollUpAll(db);
    await check('rolled up');
    const [weeks] = await rawRows<{ rows: number }>(
      db,
      sql`select count(*)::int as rows from user_rollups where project_id = ${projectId} and grain = 'week'`,
    );
    expect(weeks!.rows).toBeGreaterThan(0);

    // Late events into old buckets and a new user, in the tail: one of them climbs to the top.
    const late = [
      ...Array.from({ length: 6 }, (_, i) => call('late-riser', new Date(now - (10 + i) * DAY), 0.2)),
      call('user-150', new Date(now - 4 * DAY - 5 * HOUR), 0.3),
      call('user-000', new Date(now - 30 * 60_000), 0.01),
    ];
    await insert(late);
    rows.push(...late);
    await check('tail');
    expect(shape(expectedTop(rows, windows[0]!)).map((u) => u[0])).toContain('late-riser');
    // Rolled up, the late events are in days whose totals were kept before them: the job notes those days
    // as changed, and the read sums them again.
    await rollUpAll(db);
    await check('late events rolled up');
    const [changed] = await rawRows<{ days: number }>(
      db,
      sql`select count(*)::int as days from rollup_changes where project_id = ${projectId} and grain = 'day'`,
    );
    expect(changed!.days).toBeGreaterThan(20);
  }, 180_000);

  it('orders ties by user id and users without a cost last', async () => {
    handle ??= await backend.open();
    const { db } = handle;
    const now = Date.now();
    await ensurePartitions(db, { from: new Date(now - 5 * DAY), to: new Date(now + DAY) });
    const projectId = await newProject(db, 'tt', 'top ties');
    const call = (i: number, userId: string, costUsd: number | null): schema.NewEventRow => ({
      projectId,
      eventId: `x${i}`,
      ts: new Date(now - 2 * DAY - i * 60_000),
      service: 'api',
      userId,
      type: 'ai.call' as const,
      model: 'claude-haiku-4',
      status: 'ok',
      costUsd,
    });
    // Twelve users of the same cost: ranks 10 and 11 tie. Then users without a cost.
    const rows = [
      ...Array.from({ length: 12 }, (_, i) => call(i, `same-${String(i).padStart(2, '0')}`, 0.5)),
      ...Array.from({ length: 4 }, (_, i) => call(100 + i, `free-${i}`, null)),
    ];
    await db.insert(schema.events).values(rows);
    await rollUpAll(db);
    const window = { from: new Date(now - 4 * DAY), to: new Date(now) };
    // The tied users: the first ten by id.
    const tied = await readTopUsers({ projectId }, window, NO_FILTERS, LIMIT, { db });
    expect(shape(tied)).toEqual(shape(expectedTop(rows, window)));
    expect(tied.at(-1)?.userId).toBe('same-09');
    // Fifteen: ten priced users and free ones after them.
    const fifteen = await readTopUsers({ projectId }, window, NO_FILTERS, 15, { db });
    expect(fifteen.map((u) => u.userId).slice(12)).toEqual(['free-0', 'free-1', 'free-2']);
    expect(fifteen[14]!.cost).toBeNull();
    // A late call makes one of them the dearest, in the tail and after the rollup.
    await db.insert(schema.events).values(call(200, 'same-11', 0.25));
    const first = () => readTopUsers({ projectId }, window, NO_FILTERS, 1, { db });
    expect((await first()).map((u) => [u.userId, u.events, u.cost])).toEqual([['same-11', 2, 0.75]]);
    await rollUpAll(db);
    expect((await first()).map((u) => [u.userId, u.events, u.cost])).toEqual([['same-11', 2, 0.75]]);
  }, 120_000);
});
