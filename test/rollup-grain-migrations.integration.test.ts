import { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrationsBefore, numeric } from './migrations';

/**
 * Migrations 0017 (per-user weeks), 0018 (quarter-hour metric rollups) and 0019 (metric weeks) build a new grain from the rows
 * already rolled up, since the raw events behind them may be gone; 0024 (the error list's rollups) builds its rows
 * from the raw errors behind the rollup job's mark; 0026 (user sets) numbers the users and builds their bitmaps from the
 * per-user rows; 0027 (session hours) keeps the session rollups as day rows and marks the hours dirty. Checked on rows
 * written before each:
 * the new rows hold exactly the sums, extremes and merged histograms of the rows they come from.
 */
const folders: (() => void)[] = [];
afterAll(() => folders.forEach((cleanup) => cleanup()));

function folderBefore(tag: string): string {
  const { dir, cleanup } = migrationsBefore(tag);
  folders.push(cleanup);
  return dir;
}

const PROJECT = '22222222-2222-4222-8222-222222222222';

async function withDbBefore(tag: string, write: (run: (q: SQL) => Promise<unknown[]>) => Promise<void>) {
  const client = new PGlite();
  const db = drizzle(client);
  const run = async (q: SQL) => (await db.execute(q)).rows as unknown[];
  await migrate(db, { migrationsFolder: folderBefore(tag) });
  await run(sql`insert into projects (id, slug, name) values (${PROJECT}, 'g', 'G')`);
  await write(run);
  await migrate(db, { migrationsFolder: MIGRATIONS });
  return { run, close: () => client.close() };
}

describe('migrations that add a rollup grain', () => {
  it('0018 builds quarter-hour rows from the minute rows: sums, extremes and merged histograms', async () => {
    const { run, close } = await withDbBefore('0018_quarter_hours', async (run) => {
      const row = (
        bucket: string,
        name: string,
        n: number,
        min: number,
        max: number,
        bins: string,
        counts: string,
      ) =>
        sql`(${PROJECT}, 'minute', 'metric', ${bucket}::timestamptz, 'api', '', '', '', ${name}, '', '', ${n}, ${n * 10},
          ${n}, ${min}, ${max}, ${bins}::int[], ${counts}::bigint[])`;
      await run(sql`insert into metric_rollups (project_id, grain, type, bucket, service, environment, model, path, name,
          class, labels, n, sum_value, n_value, min_value, max_value, h_value_bins, h_value_counts)
        values ${sql.join(
          [
            row('2026-11-01T10:15:00Z', 'cpu', 2, 5, 9, '{3,8}', '{1,1}'),
            row('2026-11-01T10:29:00Z', 'cpu', 3, 1, 7, '{1,8}', '{2,1}'),
            row('2026-11-01T10:30:00Z', 'cpu', 1, 4, 4, '{5}', '{1}'),
            row('2026-11-01T10:16:00Z', 'mem', 1, 2, 2, '{2}', '{1}'),
          ],
          sql`, `,
        )}`);
      // An hour row is not a minute row: no quarter comes from it.
      await run(sql`insert into metric_rollups (project_id, grain, type, bucket, service, environment, model, path, name,
          class, labels, n) values (${PROJECT}, 'hour', 'log', '2026-11-01T10:00:00Z', 'api', '', '', '', '', '', '', 9)`);
    });
    try {
      const quarters = numeric(
        await run(sql`select to_char(bucket at time zone 'UTC', 'HH24:MI') as at, type, name, n::int as n,
            sum_value, n_value::int as n_value, min_value, max_value, h_value_bins, h_value_counts, h_duration_bins
          from metric_rollups where grain = 'quarter' order by bucket, name`),
      );
      expect(quarters).toEqual([
        {
          at: '10:15',
          type: 'metric',
          name: 'cpu',
          n: 5,
          sum_value: 50,
          n_value: 5,
          min_value: 1,
          max_value: 9,
          h_value_bins: [1, 3, 8],
          h_value_counts: [2, 1, 2],
          h_duration_bins: null,
        },
        {
          at: '10:15',
          type: 'metric',
          name: 'mem',
          n: 1,
          sum_value: 10,
          n_value: 1,
          min_value: 2,
          max_value: 2,
          h_value_bins: [2],
          h_value_counts: [1],
          h_duration_bins: null,
        },
        {
          at: '10:30',
          type: 'metric',
          name: 'cpu',
          n: 1,
          sum_value: 10,
          n_value: 1,
          min_value: 4,
          max_value: 4,
          h_value_bins: [5],
          h_value_counts: [1],
          h_duration_bins: null,
        },
      ]);
    } finally {
      await close();
    }
  });

  it('0017 builds per-user week rows from the day rows, weeks starting on Thursdays', async () => {
    const { run, close } = await withDbBefore('0017_users_by_week', async (run) => {
      const row = (grain: string, day: string, user: string, n: number, cost: number | null, last: number) =>
        sql`(${PROJECT}, ${grain}, 'ai.call', ${day}::timestamptz, '', '', '', ${user}, ${n}, ${cost}::float8, ${last})`;
      await run(sql`insert into user_rollups (project_id, grain, type, bucket, service, environment, model, user_id,
          n, sum_cost, last_ms)
        values ${sql.join(
          [
            // Wednesday 2026-11-04 ends a week; Thursday 2026-11-05 and Sunday 2026-11-08 start the next.
            row('day', '2026-11-04T00:00:00Z', 'u1', 2, 0.5, 100),
            row('day', '2026-11-05T00:00:00Z', 'u1', 3, 0.25, 300),
            row('day', '2026-11-08T00:00:00Z', 'u1', 1, null, 200),
            row('day', '2026-11-08T00:00:00Z', 'u2', 4, null, 50),
            row('hour', '2026-11-08T05:00:00Z', 'u3', 9, null, 1),
          ],
          sql`, `,
        )}`);
    });
    try {
      const weeks = numeric(
        await run(sql`select to_char(bucket at time zone 'UTC', 'YYYY-MM-DD') as week, user_id, n::int as n,
            sum_cost, last_ms from user_rollups where grain = 'week' order by bucket, user_id`),
      );
      expect(weeks).toEqual([
        { week: '2026-10-29', user_id: 'u1', n: 2, sum_cost: 0.5, last_ms: 100 },
        { week: '2026-11-05', user_id: 'u1', n: 4, sum_cost: 0.25, last_ms: 300 },
        { week: '2026-11-05', user_id: 'u2', n: 4, sum_cost: null, last_ms: 50 },
      ]);
    } finally {
      await close();
    }
  });
  it('0026 numbers the users by first bucket and builds their sets per chunk; user_rollups keeps the AI calls', async () => {
    const { run, close } = await withDbBefore('0026_user_sets', async (run) => {
      const row = (
        grain: string,
        type: string,
        bucket: string,
        service: string,
        model: string,
        user: string,
        cost: number | null,
        last: number,
      ) =>
        sql`(${PROJECT}, ${grain}, ${type}, ${bucket}::timestamptz, ${service}, ${service && 'production'}, ${model},
          ${user}, 1, ${cost}::float8, ${last})`;
      // Everyone on the 2nd (numbers 0-4099: two chunks), per service and all services together.
      await run(sql`insert into user_rollups (project_id, grain, type, bucket, service, environment, model, user_id,
          n, sum_cost, last_ms)
        select ${PROJECT}, 'day', '*', '2026-11-02T00:00:00Z', s.service, s.environment, '', 'u' || lpad(i::text, 4, '0'),
          1, null, ${Date.parse('2026-11-02T10:00:00Z')}
        from generate_series(0, 4099) as i cross join (values ('api', 'production'), ('', '')) as s(service, environment)`);
      await run(sql`insert into user_rollups (project_id, grain, type, bucket, service, environment, model, user_id,
          n, sum_cost, last_ms)
        values ${sql.join(
          [
            // u0001 also on the 1st, so it is numbered first.
            row(
              'day',
              '*',
              '2026-11-01T00:00:00Z',
              'api',
              '',
              'u0001',
              null,
              Date.parse('2026-11-01T08:00:00Z'),
            ),
            row('day', 'ai.call', '2026-11-02T00:00:00Z', 'api', 'haiku', 'u0001', 0.25, 1),
            row('day', 'ai.call', '2026-11-02T00:00:00Z', 'api', 'haiku', 'u4099', 0.5, 1),
            row('day', 'ai.call', '2026-11-02T00:00:00Z', '', '', 'u4099', 0.5, 1),
            row('hour', 'ai.call', '2026-11-02T10:00:00Z', 'worker', 'opus', 'u0002', null, 1),
          ],
          sql`, `,
        )}`);
    });
    try {
      const index = numeric(
        await run(sql`select user_id, idx, to_char(last_seen at time zone 'UTC', 'YYYY-MM-DD"T"HH24') as last
          from user_index where user_id in ('u0000', 'u0001', 'u0002', 'u4099') order by idx`),
      );
      expect(index).toEqual([
        { user_id: 'u0001', idx: 0, last: '2026-11-02T10' },
        { user_id: 'u0000', idx: 1, last: '2026-11-02T10' },
        { user_id: 'u0002', idx: 2, last: '2026-11-02T10' },
        { user_id: 'u4099', idx: 4099, last: '2026-11-02T10' },
      ]);
      const sets = numeric(
        await run(sql`select grain, type, to_char(bucket at time zone 'UTC', 'YYYY-MM-DD') as day, service, model,
            chunk, bit_count(users)::int as users, length(users) as bits, sum_cost
          from user_sets order by grain, type, bucket, service, model, chunk`),
      );
      expect(sets).toEqual([
        {
          grain: 'day',
          type: '*',
          day: '2026-11-01',
          service: 'api',
          model: '',
          chunk: 0,
          users: 1,
          bits: 4096,
          sum_cost: null,
        },
        {
          grain: 'day',
          type: '*',
          day: '2026-11-02',
          service: 'api',
          model: '',
          chunk: 0,
          users: 4096,
          bits: 4096,
          sum_cost: null,
        },
        {
          grain: 'day',
          type: '*',
          day: '2026-11-02',
          service: 'api',
          model: '',
          chunk: 1,
          users: 4,
          bits: 4096,
          sum_cost: null,
        },
        {
          grain: 'day',
          type: 'ai.call',
          day: '2026-11-02',
          service: 'api',
          model: 'haiku',
          chunk: 0,
          users: 1,
          bits: 4096,
          sum_cost: 0.25,
        },
        {
          grain: 'day',
          type: 'ai.call',
          day: '2026-11-02',
          service: 'api',
          model: 'haiku',
          chunk: 1,
          users: 1,
          bits: 4096,
          sum_cost: 0.5,
        },
        {
          grain: 'hour',
          type: 'ai.call',
          day: '2026-11-02',
          service: 'worker',
          model: 'opus',
          chunk: 0,
          users: 1,
          bits: 4096,
          sum_cost: null,
        },
      ]);
      const kept = numeric(await run(sql`select type, count(*)::int as n from user_rollups group by type`));
      expect(kept).toEqual([{ type: 'ai.call', n: 4 }]);
    } finally {
      await close();
    }
  });

  it('0019 builds metric week rows from the day rows, weeks starting on Thursdays', async () => {
    const { run, close } = await withDbBefore('0019_metric_weeks', async (run) => {
      const row = (
        grain: string,
        bucket: string,
        model: string,
        n: number,
        cost: number,
        bins: string,
        counts: string,
      ) =>
        sql`(${PROJECT}, ${grain}, 'ai.call', ${bucket}::timestamptz, 'api', '', ${model}, '', '', '', '', ${n}, ${cost},
          ${bins}::int[], ${counts}::bigint[])`;
      await run(sql`insert into metric_rollups (project_id, grain, type, bucket, service, environment, model, path, name,
          class, labels, n, sum_cost, h_duration_bins, h_duration_counts)
        values ${sql.join(
          [
            // Wednesday 2026-11-04 ends a week; Thursday 2026-11-05 and Sunday 2026-11-08 start the next.
            row('day', '2026-11-04T00:00:00Z', 'opus', 2, 0.5, '{10,20}', '{1,1}'),
            row('day', '2026-11-05T00:00:00Z', 'opus', 3, 0.25, '{10,30}', '{2,1}'),
            row('day', '2026-11-08T00:00:00Z', 'opus', 1, 1, '{20}', '{1}'),
            row('day', '2026-11-08T00:00:00Z', 'haiku', 4, 0.125, '{5}', '{4}'),
            // An hour row is not a day row: no week comes from it.
            row('hour', '2026-11-08T05:00:00Z', 'opus', 9, 9, '{40}', '{9}'),
          ],
          sql`, `,
        )}`);
    });
    try {
      const weeks = numeric(
        await run(sql`select to_char(bucket at time zone 'UTC', 'YYYY-MM-DD') as week, model, n::int as n, sum_cost,
            h_duration_bins, h_duration_counts, h_ttft_bins
          from metric_rollups where grain = 'week' order by bucket, model`),
      );
      expect(weeks).toEqual([
        {
          week: '2026-10-29',
          model: 'opus',
          n: 2,
          sum_cost: 0.5,
          h_duration_bins: [10, 20],
          h_duration_counts: [1, 1],
          h_ttft_bins: null,
        },
        {
          week: '2026-11-05',
          model: 'haiku',
          n: 4,
          sum_cost: 0.125,
          h_duration_bins: [5],
          h_duration_counts: [4],
          h_ttft_bins: null,
        },
        {
          week: '2026-11-05',
          model: 'opus',
          n: 4,
          sum_cost: 1.25,
          h_duration_bins: [10, 20, 30],
          h_duration_counts: [2, 1, 1],
          h_ttft_bins: null,
        },
      ]);
    } finally {
      await close();
    }
  });
  it("0024 builds the error list's day and week rows from the errors already rolled up, not from those after the mark", async () => {
    const { run, close } = await withDbBefore('0024_error_rollups', async (run) => {
      await run(sql`create table events_p20261105 partition of events
        for values from ('2026-11-05 00:00:00+00') to ('2026-11-06 00:00:00+00')`);
      const error = (id: string, at: string, received: string, message: string, source: string) =>
        sql`(${PROJECT}, ${id}, 'error', ${at}::timestamptz, ${received}::timestamptz, 'api', 'TimeoutError', ${message},
          ${source}, '/api/chat')`;
      const long = 'x'.repeat(5000);
      await run(sql`insert into events (project_id, event_id, type, ts, received_at, service, error_type, message, source, route)
        values ${sql.join(
          [
            error('a', '2026-11-05T10:00:00Z', '2026-11-05T10:00:01Z', 'timed out', 'api'),
            error('b', '2026-11-05T11:00:00Z', '2026-11-05T11:00:01Z', 'timed out', 'api'),
            error('c', '2026-11-05T12:00:00Z', '2026-11-05T12:00:01Z', long, 'ai'),
            // Received after the mark: the raw tail, not a rollup.
            error('d', '2026-11-05T13:00:00Z', '2026-11-05T13:00:01Z', 'timed out', 'api'),
          ],
          sql`, `,
        )}`);
      await run(sql`update metric_rollup_state set rolled_through = '2026-11-05T12:30:00Z' where id = 1`);
    });
    try {
      const rows = numeric(
        await run(sql`select grain, to_char(bucket at time zone 'UTC', 'YYYY-MM-DD') as bucket, name, length(message) as len,
            n::int as n, last_ms from error_rollups order by grain, name`),
      );
      expect(rows).toEqual([
        {
          grain: 'day',
          bucket: '2026-11-05',
          name: 'ai',
          len: 5000,
          n: 1,
          last_ms: Date.parse('2026-11-05T12:00:00Z'),
        },
        {
          grain: 'day',
          bucket: '2026-11-05',
          name: 'api',
          len: 9,
          n: 2,
          last_ms: Date.parse('2026-11-05T11:00:00Z'),
        },
        {
          grain: 'week',
          bucket: '2026-11-05',
          name: 'ai',
          len: 5000,
          n: 1,
          last_ms: Date.parse('2026-11-05T12:00:00Z'),
        },
        {
          grain: 'week',
          bucket: '2026-11-05',
          name: 'api',
          len: 9,
          n: 2,
          last_ms: Date.parse('2026-11-05T11:00:00Z'),
        },
      ]);
    } finally {
      await close();
    }
  });
  it('0027 keeps the session rollups as day rows and marks every hour holding a session dirty', async () => {
    const { run, close } = await withDbBefore('0027_session_hours', async (run) => {
      await run(sql`insert into session_rollups (project_id, day, service, environment, sessions, messages,
          sum_duration, h_duration_bins, h_duration_counts)
        values (${PROJECT}, '2026-11-02T00:00:00Z', '*', '*', 3, 7, 1500, '{300}', '{3}')`);
      await run(sql`insert into session_parts (project_id, day, session_id, service, environment, first_ts, last_ts,
          messages)
        values (${PROJECT}, '2026-11-02T00:00:00Z', 's-long', 'api', 'production', '2026-11-02T23:50:00Z',
          '2026-11-02T23:59:00Z', 2)`);
      await run(
        sql`insert into session_dirty_days (project_id, day) values (${PROJECT}, '2026-11-03T00:00:00Z')`,
      );
      await run(sql`insert into event_activity_hourly (project_id, hour, service, environment, user_id, session_id,
          first_ts, last_ts, events, messages)
        values (${PROJECT}, '2026-11-02T10:00:00Z', 'api', 'production', 'u1', 's1', '2026-11-02T10:05:00Z',
            '2026-11-02T10:20:00Z', 3, 1),
          (${PROJECT}, '2026-11-02T10:00:00Z', 'web', 'production', 'u1', 's1', '2026-11-02T10:06:00Z',
            '2026-11-02T10:07:00Z', 1, 0),
          (${PROJECT}, '2026-11-02T23:00:00Z', 'api', 'production', 'u2', 's-long', '2026-11-02T23:50:00Z',
            '2026-11-02T23:59:00Z', 2, 2),
          (${PROJECT}, '2026-11-03T04:00:00Z', 'api', 'production', 'u3', '', '2026-11-03T04:10:00Z',
            '2026-11-03T04:10:00Z', 1, 0)`);
    });
    try {
      const iso = (rows: unknown[]) =>
        (rows as Record<string, unknown>[]).map((r) => ({
          ...r,
          bucket: new Date(String(r.bucket)).toISOString(),
        }));
      expect(
        iso(
          await run(sql`select grain, bucket, service, environment, sessions::int, messages::int
          from session_rollups`),
        ),
      ).toEqual([
        {
          grain: 'day',
          bucket: '2026-11-02T00:00:00.000Z',
          service: '*',
          environment: '*',
          sessions: 3,
          messages: 7,
        },
      ]);
      expect(iso(await run(sql`select grain, bucket, session_id from session_parts`))).toEqual([
        { grain: 'day', bucket: '2026-11-02T00:00:00.000Z', session_id: 's-long' },
      ]);
      // The hours with a session (not the one whose only row has none), and the day that was dirty.
      expect(
        iso(await run(sql`select grain, bucket from session_dirty_buckets order by grain, bucket`)),
      ).toEqual([
        { grain: 'day', bucket: '2026-11-03T00:00:00.000Z' },
        { grain: 'hour', bucket: '2026-11-02T10:00:00.000Z' },
        { grain: 'hour', bucket: '2026-11-02T23:00:00.000Z' },
      ]);
      // An hour row beside the day row of the same start.
      await run(sql`insert into session_rollups (project_id, grain, bucket, service, environment, sessions, messages,
          sum_duration) values (${PROJECT}, 'hour', '2026-11-02T00:00:00Z', '*', '*', 1, 1, 10)`);
      await expect(
        run(sql`insert into session_rollups (project_id, grain, bucket, service, environment, sessions, messages,
          sum_duration) values (${PROJECT}, 'minute', '2026-11-02T00:00:00Z', '*', '*', 1, 1, 10)`),
      ).rejects.toThrow();
    } finally {
      await close();
    }
  });
});
