import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, rawRows, type Db } from '@/db/client';
import { ensurePartitions } from '@/db/partitions';
import * as schema from '@/db/schema';
import { METRIC_IDS, type MetricId } from '@/lib/metrics/catalog';
import { readFigureViews, readFigures, readTotals } from '@/lib/metrics/queries/figures';
import { getFilterOptions } from '@/lib/metrics/queries/options';
import { NO_FILTERS } from '@/lib/metrics/range';
import { sessionStats } from '@/lib/metrics/queries/sessions';
import { rollStep, rollUp } from '@/lib/metrics/rollups/job';
import {
  primeTailBounds,
  readActiveUsers,
  readActiveUsersAt,
  readRollupsIn,
  readTopUsers,
  tailBound,
} from '@/lib/metrics/rollups/read';
import { ANY_TYPE } from '@/lib/metrics/rollups/shape';
import { summarizeSessions } from '@/lib/metrics/activity';
import { percentile } from '@/lib/metrics/stats';
import type { Filters } from '@/lib/metrics/range';
import { openPglite, random } from './backends';

/**
 * The rollups against real Postgres and embedded PGlite: every figure is the same whether its events are
 * raw, rolled up or both; late events land in their old buckets; duplicates and interrupted steps never
 * count twice; percentiles stay within 1% of the exact ones.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

type Backend = { name: string; db: () => Promise<Db>; close: () => Promise<void> };

async function pglite(): Promise<{ db: Db; close: () => Promise<void> }> {
  const handle = await openPglite();
  // Made by hand, not through openDb: the daily partitions of events are ours to create.
  const now = Date.now();
  await ensurePartitions(handle.db, { from: new Date(now - 4 * DAY), to: new Date(now + DAY) });
  return handle;
}

let embedded: Promise<{ db: Db; close: () => Promise<void> }> | null = null;
const backends: Backend[] = [
  {
    name: 'PGlite',
    db: async () => (await (embedded ??= pglite())).db,
    close: async () => {
      if (embedded) await (await embedded).close();
    },
  },
];
if (process.env.DATABASE_URL) {
  const handle = openDb({ url: process.env.DATABASE_URL });
  backends.unshift({ name: 'Postgres', db: () => handle.db, close: async () => {} });
}

// A fixed pseudo-random sequence: the same events on every run.

function makeEvents(projectId: string, now: number, count: number) {
  const next = random(42);
  const rows: schema.NewEventRow[] = [];
  for (let i = 0; i < count; i++) {
    const ts = new Date(now - Math.floor(next() * 3 * DAY) - 1000);
    const base = {
      projectId,
      eventId: `e${i}`,
      ts,
      service: next() < 0.7 ? 'api' : 'worker',
      environment: next() < 0.8 ? 'production' : null,
      userId: next() < 0.9 ? `user-${Math.floor(next() * 40)}` : null,
    };
    const kind = i % 6;
    const ms = Math.exp(3 + next() * 7);
    if (kind === 0)
      rows.push({
        ...base,
        type: 'http.request',
        route: next() < 0.5 ? '/api/chat' : '/api/history',
        httpStatus: next() < 0.1 ? 503 : next() < 0.2 ? 404 : 200,
        durationMs: ms,
      });
    else if (kind === 1)
      rows.push({ ...base, type: 'response.sent', durationMs: ms, ttftMs: ms / 5, streamed: next() < 0.6 });
    else if (kind === 2)
      rows.push({
        ...base,
        type: 'ai.call',
        model: next() < 0.5 ? 'claude-sonnet-4' : 'claude-haiku-4',
        status: next() < 0.1 ? 'error' : 'ok',
        durationMs: ms,
        ttftMs: ms / 4,
        inputTokens: Math.floor(next() * 5000),
        outputTokens: Math.floor(next() * 900),
        costUsd: next() / 100,
        conversationId: `conv-${Math.floor(next() * 30)}`,
        temperature: [0, 0.3, 0.7, 1][Math.floor(next() * 4)],
        contextLength: next() < 0.2 ? null : Math.floor(next() * 200_000),
      });
    else if (kind === 3)
      rows.push({
        ...base,
        type: 'cache',
        operation: next() < 0.8 ? 'get' : 'set',
        hit: next() < 0.3 ? null : next() < 0.6,
      });
    else if (kind === 4)
      rows.push({
        ...base,
        type: 'feedback',
        score: 1 + Math.floor(next() * 5),
        conversationId: `conv-${Math.floor(next() * 30)}`,
      });
    else
      rows.push({
        ...base,
        type: 'metric',
        name: 'db.pool.usage',
        value: next() * 100,
        attributes: { labels: { pool: 'main' } },
      });
  }
  return rows;
}

/** Errors of a few types, routes, sources and messages (one longer than an index key may be), over 3 days. */
function makeErrors(projectId: string, now: number, count: number): schema.NewEventRow[] {
  const next = random(7);
  const long = `stack overflow ${'x'.repeat(5000)}`;
  return Array.from({ length: count }, (_, i) => ({
    projectId,
    eventId: `err${i}`,
    ts: new Date(now - Math.floor(next() * 3 * DAY) - 1000),
    service: next() < 0.7 ? 'api' : 'worker',
    environment: next() < 0.8 ? 'production' : null,
    type: 'error',
    errorType: ['TimeoutError', 'TypeError', 'RateLimitError'][i % 3]!,
    message: ['upstream timed out', 'x is undefined', long, 'slow down'][Math.floor(next() * 4)]!,
    source: next() < 0.5 ? 'api' : 'ai',
    route: next() < 0.2 ? null : next() < 0.5 ? '/api/chat' : '/api/history',
  }));
}

async function insert(db: Db, rows: schema.NewEventRow[]) {
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insert(schema.events)
      .values(rows.slice(i, i + 500))
      .onConflictDoNothing();
  }
}

/** The job leaves the last second to the next run (a write may still be committing): let it pass. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 1_100));

const ALL: MetricId[] = METRIC_IDS.filter((id) => id !== 'retrieval_p95_ms' && id !== 'failed_logins');

function expectSameFigures(a: Record<string, { value: number | null; samples: number }>, b: typeof a) {
  for (const id of Object.keys(a)) {
    const [x, y] = [a[id]!, b[id]!];
    expect(y.samples, id).toBe(x.samples);
    if (x.value === null) expect(y.value, id).toBeNull();
    else expect(y.value, id).toBeCloseTo(x.value, 6);
  }
}

/** Sessions of 0 to 5 hours starting over three days, so some span midnight (UTC), with and without messages. */
function makeSessions(projectId: string, now: number, count: number) {
  const next = random(7);
  const rows: schema.NewEventRow[] = [];
  for (let i = 0; i < count; i++) {
    const start = now - 3 * DAY + Math.floor(next() * (3 * DAY - 6 * HOUR));
    const length = Math.floor(next() * next() * 5 * HOUR);
    const events = 1 + Math.floor(next() * 5);
    for (let j = 0; j < events; j++) {
      rows.push({
        projectId,
        eventId: `s${i}-${j}`,
        type: next() < 0.5 ? 'message.received' : 'page.view',
        ts: new Date(start + (events === 1 ? 0 : Math.floor((length * j) / (events - 1)))),
        service: next() < 0.6 ? 'api' : 'web',
        environment: next() < 0.7 ? 'production' : null,
        userId: `u${i % 17}`,
        sessionId: `sess-${i}`,
        path: '/chat',
      });
    }
  }
  // Events without a session do not count.
  rows.push({
    projectId,
    eventId: 'nosession',
    type: 'message.received',
    ts: new Date(now - DAY),
    service: 'api',
  });
  return rows;
}

/** The session figures the pure definitions give over the stored rows in a window and the filters. */
function expectedSessions(rows: schema.NewEventRow[], window: { from: Date; to: Date }, filters: Filters) {
  const sessions = summarizeSessions(
    rows
      .filter(
        (r) =>
          r.ts >= window.from &&
          r.ts < window.to &&
          (filters.service === null || r.service === filters.service) &&
          (filters.environment === null || (r.environment ?? null) === filters.environment),
      )
      .map((r) => ({ sessionId: r.sessionId ?? null, type: r.type, ts: r.ts })),
  );
  const count = sessions.length;
  return {
    count,
    messages: sessions.reduce((sum, s) => sum + s.messages, 0),
    avg: count === 0 ? null : sessions.reduce((sum, s) => sum + s.durationMs, 0) / count,
    p50: percentile(
      sessions.map((s) => s.durationMs),
      0.5,
    ),
  };
}

describe.each(backends)('rollups against $name', (backend) => {
  let db: Db;
  let projectId: string;
  const now = Date.now();
  // Not aligned to minutes: whole days, hours and minutes from the rollups, the edges raw.
  const window = { from: new Date(now - 3 * DAY - 17 * MINUTE - 13_000), to: new Date(now - 7_000) };
  let rows: schema.NewEventRow[];

  beforeAll(async () => {
    db = await backend.db();
    const [project] = await db
      .insert(schema.projects)
      .values({ slug: `ru-${randomUUID().slice(0, 10)}`, name: 'rollups' })
      .returning();
    projectId = project!.id;
    rows = [...makeEvents(projectId, now - 10_000, 1_200), ...makeErrors(projectId, now - 10_000, 240)];
    await insert(db, rows);
  }, 120_000);
  afterAll(() => backend.close());

  const scope = () => ({ projectId });
  const totals = () => readTotals(scope(), window, NO_FILTERS, ALL, { db });
  /** The AI calls' temperature and context-length histograms, merged over the window. */
  const distributions = async () => {
    const [read] = await readRollupsIn(
      scope(),
      NO_FILTERS,
      [{ window, spec: { types: ['ai.call'], measures: [], fields: ['temperature', 'context'] } }],
      { db },
    );
    const merged = { temperature: {} as Record<number, number>, context: {} as Record<number, number> };
    for (const row of read!)
      for (const field of ['temperature', 'context'] as const)
        for (const [bin, n] of row.bins[field] ?? []) merged[field][bin] = (merged[field][bin] ?? 0) + n;
    return merged;
  };
  /** The System page's error list, as its query reads it: per type, route and message, with sources and last time. */
  const errorList = async (service: string | null = null) => {
    const [read] = await readRollupsIn(
      scope(),
      { ...NO_FILTERS, service },
      [
        {
          window,
          spec: {
            table: 'errors',
            types: ['error'],
            groupBy: ['error_type', 'path', 'message', 'name'],
            measures: ['n', 'last_ms'],
          },
        },
      ],
      { db },
    );
    const list = new Map<string, { n: number; last: number; sources: Set<string> }>();
    for (const r of read!) {
      const id = JSON.stringify([r.key.error_type, r.key.path, r.key.message]);
      const e = list.get(id) ?? { n: 0, last: 0, sources: new Set<string>() };
      e.n += r.values.n ?? 0;
      e.last = Math.max(e.last, r.values.last_ms ?? 0);
      e.sources.add(r.key.name ?? '');
      list.set(id, e);
    }
    return Object.fromEntries(
      [...list].map(([id, e]) => [id, { n: e.n, last: e.last, sources: [...e.sources].sort() }]),
    );
  };
  const expectedErrorList = (service: string | null = null) => {
    const list = new Map<string, { n: number; last: number; sources: Set<string> }>();
    for (const r of rows) {
      if (r.type !== 'error' || r.ts < window.from || r.ts >= window.to) continue;
      if (service !== null && r.service !== service) continue;
      const id = JSON.stringify([r.errorType, r.route ?? '', r.message]);
      const e = list.get(id) ?? { n: 0, last: 0, sources: new Set<string>() };
      e.n += 1;
      e.last = Math.max(e.last, r.ts.getTime());
      e.sources.add(r.source ?? '');
      list.set(id, e);
    }
    return Object.fromEntries(
      [...list].map(([id, e]) => [id, { n: e.n, last: e.last, sources: [...e.sources].sort() }]),
    );
  };
  /** Per user: AI calls and their cost, from the per-user rollups and raw rows. */
  const userCosts = async () => {
    const [read] = await readRollupsIn(
      scope(),
      NO_FILTERS,
      [
        {
          window,
          spec: { table: 'users', types: ['ai.call'], groupBy: ['user_id'], measures: ['n', 'sum_cost'] },
        },
      ],
      { db },
    );
    return Object.fromEntries(
      read!.map((r) => [r.key.user_id, { calls: r.values.n, cost: r.values.sum_cost?.toFixed(9) }]),
    );
  };
  const expectedUserCosts = (model: string | null = null) => {
    const out: Record<string, { calls: number; cost: number }> = {};
    for (const r of rows)
      if (
        r.type === 'ai.call' &&
        r.userId &&
        r.ts >= window.from &&
        r.ts < window.to &&
        (model === null || r.model === model)
      ) {
        const u = (out[r.userId] ??= { calls: 0, cost: 0 });
        u.calls += 1;
        u.cost += r.costUsd!;
      }
    return Object.fromEntries(
      Object.entries(out).map(([id, u]) => [id, { calls: u.calls, cost: u.cost.toFixed(9) }]),
    );
  };
  /**
   * AI users, their summed cost and the top 3 by cost, counted in SQL as the AI page reads them: for every
   * model (the rows for all of them together) and for one (the rows per model).
   */
  const userSummary = async (model: string | null = null) => {
    const filters = { ...NO_FILTERS, model };
    const [[all], top] = await Promise.all([
      readActiveUsers(scope(), window, filters, { types: ['ai.call'] }, { db }),
      readTopUsers(scope(), window, filters, 3, { db }),
    ]);
    return {
      users: all?.users ?? 0,
      // The total sums many floats in another order than the test: equal to a millionth of a dollar.
      cost: all?.cost?.toFixed(6),
      top: top.map((u) => [u.userId, u.events, u.cost?.toFixed(9)]),
    };
  };
  const expectedUserSummary = (model: string | null = null) => {
    const users = Object.entries(expectedUserCosts(model));
    const cost = users.reduce((sum, [, u]) => sum + Number(u.cost), 0);
    return {
      users: users.length,
      cost: users.length ? cost.toFixed(6) : undefined,
      top: users
        .sort(([a, x], [b, y]) => Number(y.cost) - Number(x.cost) || (a < b ? -1 : 1))
        .slice(0, 3)
        .map(([id, u]) => [id, u.calls, u.cost]),
    };
  };
  /**
   * Users with an event in the window and, as DAU and WAU count them, in its part from each instant a user was
   * last seen (and a millisecond later) on: windows that start anywhere, so at every edge and grain.
   * Unfiltered, filtered by service or by environment, and per service.
   */
  const ACTIVE_FILTERS: Filters[] = [
    NO_FILTERS,
    { ...NO_FILTERS, service: 'worker' },
    { ...NO_FILTERS, environment: 'production' },
  ];
  const lastSeenThresholds = () => [
    ...new Set(Object.values(expectedLastSeen(NO_FILTERS)).flatMap((t) => [t, t + 1])),
  ];
  const lastSeen = async () => {
    const since = lastSeenThresholds();
    const filtered = await Promise.all(
      ACTIVE_FILTERS.map(async (filters) => {
        const count = async (from: Date) => {
          const read = { from, to: window.to };
          const [all] = await readActiveUsers(scope(), read, filters, { types: [ANY_TYPE] }, { db });
          return all?.users ?? 0;
        };
        const users = await count(window.from);
        // The parts from each instant on, in one statement (as DAU, WAU and MAU are read).
        const parts = await readActiveUsersAt(
          scope(),
          since.map((t) => ({ from: new Date(t), to: window.to })),
          filters,
          { types: [ANY_TYPE] },
          { db },
        );
        return { users, since: parts.map(([all]) => all?.users ?? 0) };
      }),
    );
    const groups = await readActiveUsers(
      scope(),
      window,
      NO_FILTERS,
      { types: [ANY_TYPE], groupBy: ['service'] },
      { db },
    );
    return { filtered, byService: Object.fromEntries(groups.map((g) => [g.key.service, g.users])) };
  };
  const expectedLastSeen = (filters: Filters) => {
    const out: Record<string, number> = {};
    for (const r of rows)
      if (
        r.userId &&
        r.ts >= window.from &&
        r.ts < window.to &&
        (filters.service === null || r.service === filters.service) &&
        (filters.environment === null || r.environment === filters.environment)
      )
        out[r.userId] = Math.max(out[r.userId] ?? 0, r.ts.getTime());
    return out;
  };
  const expectedActive = () => {
    const filtered = ACTIVE_FILTERS.map((filters) => {
      const last = Object.values(expectedLastSeen(filters));
      return {
        users: last.length,
        since: lastSeenThresholds().map((t) => last.filter((l) => l >= t).length),
      };
    });
    const byService: Record<string, number> = {};
    for (const service of ['api', 'worker'])
      byService[service] = Object.keys(expectedLastSeen({ ...NO_FILTERS, service })).length;
    return { filtered, byService };
  };
  /** Ratings per model of the call they rate, as the AI page reads them. */
  const ratingsByModel = async () => {
    const read = await readFigures(scope(), window, NO_FILTERS, ['feedback_count'], {
      groupBy: ['model'],
      db,
    });
    return Object.fromEntries(read.map((r) => [r.key.model, r.values.feedback_count.value]));
  };
  /** The latest successful call of the rating's conversation at or before it, within a day. */
  const expectedRatingsByModel = () => {
    const out: Record<string, number> = {};
    for (const f of rows) {
      if (f.type !== 'feedback' || f.ts < window.from || f.ts >= window.to) continue;
      const call = rows
        .filter(
          (c) =>
            c.type === 'ai.call' &&
            c.status === 'ok' &&
            c.conversationId === f.conversationId &&
            c.ts <= f.ts &&
            c.ts.getTime() > f.ts.getTime() - DAY,
        )
        .sort((a, b) => b.ts.getTime() - a.ts.getTime())[0];
      const model = call?.model ?? '';
      out[model] = (out[model] ?? 0) + 1;
    }
    return out;
  };
  const expectedDistributions = () => {
    const calls = rows.filter((r) => r.type === 'ai.call' && r.ts >= window.from && r.ts < window.to);
    const count = (bins: number[]) =>
      bins.reduce<Record<number, number>>((acc, b) => ({ ...acc, [b]: (acc[b] ?? 0) + 1 }), {});
    // width_bucket over 1024, 2048, ... 2^30.
    const contextBin = (n: number) => (n < 1024 ? 0 : Math.min(21, Math.floor(Math.log2(n)) - 9));
    return {
      temperature: count(calls.map((r) => Math.round(r.temperature! * 10))),
      context: count(calls.filter((r) => r.contextLength != null).map((r) => contextBin(r.contextLength!))),
    };
  };

  it('answers the same figures before and after the rollup, counts exact, percentiles within 1%', async () => {
    const raw = await totals();
    expect(raw.active_users.value).toBe(
      new Set(rows.filter((r) => r.userId && r.ts >= window.from && r.ts < window.to).map((r) => r.userId))
        .size,
    );
    expect(await distributions()).toEqual(expectedDistributions());
    expect(Object.keys(expectedErrorList()).length).toBeGreaterThan(20);
    expect(await errorList()).toEqual(expectedErrorList());
    expect(await errorList('worker')).toEqual(expectedErrorList('worker'));
    expect(await userCosts()).toEqual(expectedUserCosts());
    expect(await lastSeen()).toEqual(expectedActive());
    expect(await userSummary()).toEqual(expectedUserSummary());
    expect(await userSummary('claude-haiku-4')).toEqual(expectedUserSummary('claude-haiku-4'));
    const ratings = expectedRatingsByModel();
    expect(Object.keys(ratings).length).toBeGreaterThan(1);
    expect(await ratingsByModel()).toEqual(ratings);
    const pickers = {
      services: ['api', 'worker'],
      environments: ['production'],
      models: ['claude-haiku-4', 'claude-sonnet-4'],
    };
    expect(await getFilterOptions(scope(), { db })).toEqual(pickers);
    expect(raw.request_count.value).toBe(
      rows.filter((r) => r.type === 'http.request' && r.ts >= window.from && r.ts < window.to).length,
    );
    const report = (await settle(), await rollUp({ db, budgetMs: 60_000 }));
    expect(report.caughtUp).toBe(true);
    const [rolled] = await rawRows<{ n: unknown }>(
      db,
      sql`select count(*) as n from metric_rollups where project_id = ${projectId} and grain = 'day'`,
    );
    expect(Number(rolled!.n)).toBeGreaterThan(0);
    expectSameFigures(raw, await totals());
    expect(await distributions()).toEqual(expectedDistributions());
    expect(await errorList()).toEqual(expectedErrorList());
    expect(await errorList('worker')).toEqual(expectedErrorList('worker'));
    const [errorRows] = await rawRows<{ n: unknown }>(
      db,
      sql`select count(*) as n from error_rollups where project_id = ${projectId} and grain = 'day'`,
    );
    expect(Number(errorRows!.n)).toBeGreaterThan(0);
    expect(await getFilterOptions(scope(), { db })).toEqual(pickers);
    expect(await userCosts()).toEqual(expectedUserCosts());
    expect(await ratingsByModel()).toEqual(ratings);
    expect(await lastSeen()).toEqual(expectedActive());
    expect(await userSummary()).toEqual(expectedUserSummary());
    expect(await userSummary('claude-haiku-4')).toEqual(expectedUserSummary('claude-haiku-4'));
    const [users] = await rawRows<{ n: unknown }>(
      db,
      sql`select count(*) as n from user_rollups where project_id = ${projectId} and grain = 'day'`,
    );
    expect(Number(users!.n)).toBeGreaterThan(0);
    const [kept] = await rawRows<{ n: unknown }>(
      db,
      sql`select count(*) as n from dimension_values where project_id = ${projectId}`,
    );
    expect(Number(kept!.n)).toBe(5);
    // Thirty days on, nothing is offered any more.
    expect(await getFilterOptions(scope(), { db, now: new Date(now + 31 * DAY) })).toEqual({
      services: [],
      environments: [],
      models: [],
    });

    // Exact percentile_cont over the same raw rows, for comparison with the histogram.
    const [exact] = await rawRows<{ p95: number; ai: number }>(
      db,
      sql`select percentile_cont(0.95) within group (order by duration_ms) filter (where type = 'response.sent') as p95,
        percentile_cont(0.95) within group (order by duration_ms) filter (where type = 'ai.call' and status = 'ok') as ai
        from events where project_id = ${projectId} and ts >= ${window.from.toISOString()}::timestamptz and ts < ${window.to.toISOString()}::timestamptz`,
    );
    const after = await totals();
    expect(Math.abs(after.p95_response_ms.value! / Number(exact!.p95) - 1)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(after.ai_p95_latency_ms.value! / Number(exact!.ai) - 1)).toBeLessThanOrEqual(0.01);
  });

  it('groups by model and by chart bucket the same way from rollups and raw rows', async () => {
    const byModel = await readFigures(
      scope(),
      window,
      NO_FILTERS,
      ['ai_calls', 'ai_cost_usd', 'ai_p95_latency_ms'],
      { groupBy: ['model'], db },
    );
    const calls = (model: string) =>
      rows.filter((r) => r.type === 'ai.call' && r.model === model && r.ts >= window.from && r.ts < window.to)
        .length;
    for (const model of ['claude-sonnet-4', 'claude-haiku-4']) {
      expect(byModel.find((r) => r.key.model === model)?.values.ai_calls.value).toBe(calls(model));
    }
    const series = await readFigures(scope(), window, NO_FILTERS, ['request_count'], {
      bucketMs: 6 * HOUR,
      db,
    });
    expect(series.reduce((s, r) => s + (r.values.request_count.value ?? 0), 0)).toBe(
      rows.filter((r) => r.type === 'http.request' && r.ts >= window.from && r.ts < window.to).length,
    );
    expect(series.every((r) => r.bucket! % (6 * HOUR) === 0)).toBe(true);
  });

  it('regroups one read into coarser views equal to reading each apart', async () => {
    const responses = [
      'responses',
      'p50_response_ms',
      'p95_response_ms',
      'p95_first_response_ms',
      'streamed_responses',
      'streamed_p95_ttft_ms',
    ] as const;
    const [series = [], [total] = []] = await readFigureViews(
      scope(),
      window,
      NO_FILTERS,
      responses,
      { bucketMs: 6 * HOUR, db },
      [{ bucketMs: null }],
    );
    expect(series.length).toBeGreaterThan(4);
    expect(total!.bucket).toBeNull();
    const apart = await readTotals(scope(), window, NO_FILTERS, responses, { db });
    expect(apart.streamed_responses.value).toBeGreaterThan(0);
    expect(total!.values).toEqual(apart);

    const requests = ['request_count', 'p95_request_ms'] as const;
    const [byRoute = [], [all] = [], byRouteAgain = []] = await readFigureViews(
      scope(),
      window,
      NO_FILTERS,
      requests,
      { groupBy: ['path'], db },
      [{ groupBy: [] }, { groupBy: ['path'] }],
    );
    expect(byRoute.map((r) => r.key.path).sort()).toEqual(['/api/chat', '/api/history']);
    expect(byRouteAgain).toEqual(byRoute);
    expect(all!.key).toEqual({});
    expect(all!.values).toEqual(await readTotals(scope(), window, NO_FILTERS, requests, { db }));
    await expect(
      readFigureViews(scope(), window, NO_FILTERS, requests, { groupBy: ['path'], db }, [
        { groupBy: ['model'] },
      ]),
    ).rejects.toThrow(/dimensions of the read only: model/);
  });

  it('counts a late event in its old bucket at once, and once after the rollup', async () => {
    const before = await totals();
    const late = {
      projectId,
      eventId: 'late-1',
      type: 'http.request',
      ts: new Date(now - 2 * DAY - 5 * HOUR),
      service: 'api',
      route: '/api/chat',
      httpStatus: 500,
      durationMs: 120,
    };
    await insert(db, [late]);
    const seen = await totals();
    expect(seen.request_count.value).toBe(before.request_count.value! + 1);
    await settle();
    await rollUp({ db, budgetMs: 60_000 });
    expectSameFigures(seen, await totals());
    // Stored once however often it is retried.
    await insert(db, [late, late]);
    await settle();
    await rollUp({ db, budgetMs: 60_000 });
    expectSameFigures(seen, await totals());
  });

  it('bounds the tail by what was stored since the mark: a late event, per project and all at once, nothing once rolled up', async () => {
    const [other] = await db
      .insert(schema.projects)
      .values({ slug: `ru-${randomUUID().slice(0, 10)}`, name: 'rollups, another project' })
      .returning();
    const request = (project: string, eventId: string, ts: Date) => ({
      projectId: project,
      eventId,
      type: 'http.request',
      ts,
      service: 'api',
      route: '/api/chat',
      httpStatus: 200,
      durationMs: 30,
    });
    const lateTs = new Date(now - 2 * DAY - 7 * HOUR);
    await insert(db, [
      request(projectId, 'bound-now', new Date(now - 1_000)),
      request(projectId, 'bound-late', lateTs),
    ]);
    await insert(db, [request(other!.id, 'bound-other', new Date(now - HOUR))]);
    expect(await tailBound(db, scope())).toEqual(lateTs);
    const mine = scope();
    const theirs = { projectId: other!.id };
    const idle = { projectId: randomUUID() };
    await primeTailBounds([mine, theirs, idle], { db });
    expect(await tailBound(db, mine)).toEqual(lateTs);
    expect(await tailBound(db, theirs)).toEqual(new Date(now - HOUR));
    expect(await tailBound(db, idle)).toBeNull();
    // Once the job's mark passes them (another test's write may hold it back a moment), they bound nothing.
    const arrivals = async () => {
      const [row] = await rawRows<{ behind: number; ahead: number }>(
        db,
        sql`select count(*) filter (where a.received_at < s.rolled_through)::int as behind,
              count(*) filter (where a.received_at >= s.rolled_through)::int as ahead
            from event_arrivals a, metric_rollup_state s where a.project_id in (${projectId}, ${other!.id})`,
      );
      return row!;
    };
    for (let i = 0; i < 10 && (await arrivals()).ahead > 0; i++) {
      await settle();
      await rollUp({ db, budgetMs: 60_000 });
    }
    expect(await arrivals()).toEqual({ behind: 0, ahead: 0 });
    expect(await tailBound(db, scope())).toBeNull();
  });

  it('reads whole weeks from the week rows: totals and 7-day buckets the same before and after, a late event in its old week', async () => {
    const [project] = await db
      .insert(schema.projects)
      .values({ slug: `rw-${randomUUID().slice(0, 10)}`, name: 'weeks' })
      .returning();
    const weeks = { projectId: project!.id };
    // The three days of makeEvents stretched over sixteen and a half: at least one whole week, epoch-aligned.
    await ensurePartitions(db, { from: new Date(now - 18 * DAY), to: new Date(now + DAY) });
    const stretched = makeEvents(weeks.projectId, now - 10_000, 900).map((r) => ({
      ...r,
      ts: new Date(now - 10_000 - (now - 10_000 - r.ts.getTime()) * 5.5),
    }));
    await insert(db, stretched);
    const span = { from: new Date(now - 16 * DAY - 5 * HOUR - 13_000), to: new Date(now - 7_000) };
    const weekly = ['request_count', 'p95_response_ms', 'ai_calls', 'ai_cost_usd'] as const;
    const read = async () => ({
      totals: await readTotals(weeks, span, NO_FILTERS, ALL, { db }),
      weeks: await readFigures(weeks, span, NO_FILTERS, weekly, { bucketMs: 7 * DAY, db }),
    });
    const raw = await read();
    await settle();
    expect((await rollUp({ db, budgetMs: 60_000 })).caughtUp).toBe(true);
    const [rolled] = await rawRows<{ n: unknown }>(
      db,
      sql`select count(*) as n from metric_rollups where project_id = ${weeks.projectId} and grain = 'week'`,
    );
    expect(Number(rolled!.n)).toBeGreaterThan(0);
    const after = await read();
    expectSameFigures(raw.totals, after.totals);
    expect(after.weeks.map((r) => r.bucket)).toEqual(raw.weeks.map((r) => r.bucket));
    raw.weeks.forEach((r, i) => expectSameFigures(r.values, after.weeks[i]!.values));
    expect(raw.totals.request_count.value).toBe(
      stretched.filter((r) => r.type === 'http.request' && r.ts >= span.from && r.ts < span.to).length,
    );

    // A late request twelve days back: counted at once from the tail, then once from its week.
    await insert(db, [
      {
        projectId: weeks.projectId,
        eventId: 'late-week',
        type: 'http.request',
        ts: new Date(now - 12 * DAY),
        service: 'api',
        httpStatus: 200,
        durationMs: 40,
      },
    ]);
    const count = async () =>
      (await readTotals(weeks, span, NO_FILTERS, ['request_count'], { db })).request_count.value;
    expect(await count()).toBe(raw.totals.request_count.value! + 1);
    await settle();
    await rollUp({ db, budgetMs: 60_000 });
    expect(await count()).toBe(raw.totals.request_count.value! + 1);
  });

  it('rolls back an interrupted step as a whole: the rerun counts each event once', async () => {
    const before = await totals();
    await insert(
      db,
      makeEvents(projectId, now - 20_000, 60).map((r) => ({ ...r, eventId: `crash-${r.eventId}` })),
    );
    const expected = await totals();
    expect(expected.request_count.value).toBeGreaterThan(before.request_count.value!);
    await expect(
      db.transaction(async (tx) => {
        await rollStep(tx as unknown as Db);
        throw new Error('crash after the rollup writes, before commit');
      }),
    ).rejects.toThrow('crash');
    expectSameFigures(expected, await totals());
    await settle();
    await rollUp({ db, budgetMs: 60_000 });
    expectSameFigures(expected, await totals());
  });

  it('reads session figures the same from hour and day rollups, parts, dirty buckets and the tail: counts exact, median within 1%', async () => {
    const [project] = await db
      .insert(schema.projects)
      .values({ slug: `rs-${randomUUID().slice(0, 10)}`, name: 'sessions' })
      .returning();
    const sessionScope = { projectId: project!.id };
    const stored = makeSessions(project!.id, now - 10_000, 400);
    const today = Math.floor(now / DAY) * DAY;
    const windows = [
      window,
      { from: new Date(today - 2 * DAY), to: new Date(today) },
      { from: new Date(now - DAY), to: new Date(now) },
      // Whole hours only, and whole hours around a whole day.
      { from: new Date(today - DAY + 3 * HOUR), to: new Date(today - DAY + 9 * HOUR) },
      { from: new Date(today - 3 * DAY + 20 * HOUR), to: new Date(today - DAY + 4 * HOUR + 90_000) },
      // Edges in busy hours: sessions active at either end of the range.
      {
        from: new Date(today - 2 * DAY + 10 * HOUR + 20 * 60_000),
        to: new Date(today - DAY + 14 * HOUR + 35 * 60_000),
      },
      {
        from: new Date(today - 2 * DAY + 15 * HOUR + 41 * 60_000),
        to: new Date(today - 2 * DAY + 19 * HOUR + 9 * 60_000),
      },
    ];
    // Sessions active at each end of every window that is not on the hour, with events on both sides in that hour.
    for (const [i, w] of windows.entries())
      for (const end of [w.from.getTime(), w.to.getTime()]) {
        if (end % HOUR === 0 || end > now - 10 * 60_000) continue;
        for (const [j, offsets] of [
          [-300_000, 200_000],
          [-60_000, 30_000, 400_000],
        ].entries())
          for (const [k, offset] of offsets.entries())
            stored.push({
              projectId: project!.id,
              eventId: `edge-${i}-${end}-${j}-${k}`,
              type: k === 0 ? 'message.received' : 'page.view',
              ts: new Date(end + offset),
              service: j === 0 ? 'api' : 'web',
              environment: 'production',
              sessionId: `edge-${i}-${end}-${j}`,
            });
      }
    await insert(db, stored);
    const filterSets: Filters[] = [
      NO_FILTERS,
      { ...NO_FILTERS, service: 'api' },
      { ...NO_FILTERS, environment: 'production' },
      { ...NO_FILTERS, service: 'web', environment: 'production' },
    ];
    const check = async () => {
      for (const w of windows)
        for (const filters of filterSets) {
          const want = expectedSessions(stored, w, filters);
          const got = await sessionStats(sessionScope, w, filters, { db });
          const at = `${w.from.toISOString()} ${JSON.stringify(filters)}`;
          expect(got.count, at).toBe(want.count);
          expect(got.messagesPerSession, at).toBeCloseTo(want.messages / want.count, 9);
          expect(got.avgDurationMs, at).toBeCloseTo(want.avg!, 3);
          if (want.p50 === 0) expect(got.p50DurationMs, at).toBe(0);
          else expect(Math.abs(got.p50DurationMs! / want.p50! - 1), at).toBeLessThanOrEqual(0.01);
        }
    };
    await check();
    await settle();
    expect((await rollUp({ db, budgetMs: 60_000 })).caughtUp).toBe(true);
    const built = await rawRows<{ grain: string; buckets: unknown; parts: unknown }>(
      db,
      sql`select g.grain,
          (select count(*) from session_rollups as r where r.project_id = ${project!.id} and r.grain = g.grain) as buckets,
          (select count(*) from session_parts as x where x.project_id = ${project!.id} and x.grain = g.grain) as parts
        from (values ('day'), ('hour')) as g (grain) order by g.grain`,
    );
    for (const grain of built) {
      expect(Number(grain.buckets), grain.grain).toBeGreaterThan(0);
      expect(Number(grain.parts), grain.grain).toBeGreaterThan(0);
    }
    const [dirty] = await rawRows<{ n: unknown }>(
      db,
      sql`select count(*) as n from session_dirty_buckets where project_id = ${project!.id}`,
    );
    expect(Number(dirty!.n)).toBe(0);
    await check();

    // A late event is read at once (from the tail), then the same once rolled up.
    const storeLate = async (event: schema.NewEventRow) => {
      stored.push(event);
      await insert(db, [event]);
      await check();
      await settle();
      await rollUp({ db, budgetMs: 60_000 });
      await check();
    };

    // A late event makes a single-day session span two days: read from the tail at once, then rolled up.
    const [single] = await rawRows<{ session_id: string; first_ts: Date | string }>(
      db,
      sql`select session_id, first_ts from session_spans where project_id = ${project!.id}
        and first_ts >= ${new Date(today - 2 * DAY).toISOString()}::timestamptz
        and last_ts < ${new Date(today - DAY).toISOString()}::timestamptz order by session_id limit 1`,
    );
    const late: schema.NewEventRow = {
      projectId: project!.id,
      eventId: 'late-session',
      type: 'message.received',
      ts: new Date(today - DAY + 2 * HOUR),
      service: 'api',
      environment: 'production',
      sessionId: single!.session_id,
    };
    await storeLate(late);

    // A late event makes a session within one hour span two hours of the same day (inside the hours-only window).
    const [hourly] = await rawRows<{ session_id: string; hour: Date | string }>(
      db,
      sql`select session_id, date_trunc('hour', first_ts) as hour from session_spans
        where project_id = ${project!.id} and date_trunc('hour', first_ts) = date_trunc('hour', last_ts)
          and first_ts >= ${new Date(today - DAY + 3 * HOUR).toISOString()}::timestamptz
          and first_ts < ${new Date(today - DAY + 7 * HOUR).toISOString()}::timestamptz
        order by session_id limit 1`,
    );
    const hour = new Date(hourly!.hour).getTime();
    const lateInDay: schema.NewEventRow = {
      ...late,
      eventId: 'late-session-hour',
      ts: new Date(hour + HOUR + 60_000),
      sessionId: hourly!.session_id,
    };
    await storeLate(lateInDay);

    // The same, rolled up before any read saw it: the middles the reads above kept read again the buckets the step
    // rebuilt (session_changes), the session's first day among them, though no event of that day was added.
    const [unseen] = await rawRows<{ session_id: string }>(
      db,
      sql`select session_id from session_spans where project_id = ${project!.id}
        and first_ts >= ${new Date(today - 2 * DAY).toISOString()}::timestamptz
        and last_ts < ${new Date(today - DAY).toISOString()}::timestamptz order by session_id limit 1`,
    );
    expect(unseen!.session_id).not.toBe(single!.session_id);
    const lateUnseen: schema.NewEventRow = { ...late, eventId: 'late-unseen', sessionId: unseen!.session_id };
    stored.push(lateUnseen);
    await insert(db, [lateUnseen]);
    await settle();
    await rollUp({ db, budgetMs: 60_000 });
    await check();

    // A day and an hour marked dirty (as the migrations mark them) are read from the hourly activity until rebuilt.
    await db.execute(
      sql`insert into session_dirty_buckets (project_id, grain, bucket)
        values (${project!.id}, 'day', ${new Date(today - 2 * DAY).toISOString()}::timestamptz),
          (${project!.id}, 'hour', ${new Date(hour).toISOString()}::timestamptz)`,
    );
    await check();
    // An interrupted step that rebuilt it changes nothing; the rerun rebuilds it once.
    await expect(
      db.transaction(async (tx) => {
        await rollStep(tx as unknown as Db);
        throw new Error('crash after the rebuild, before commit');
      }),
    ).rejects.toThrow('crash');
    await check();
    await rollUp({ db, budgetMs: 60_000 });
    await check();
    // A re-sent batch is stored once and counts once.
    await insert(db, stored.slice(0, 50));
    await settle();
    await rollUp({ db, budgetMs: 60_000 });
    await check();
  });
});
