import { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/postgres-js';
import { migrate as migratePg } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrationsBefore, numeric, withFreshDatabase } from './migrations';

/**
 * Migration 0016 moves every stored histogram from one flat [bin, count, ...] array to two arrays (bins,
 * counts). Rollups outlive raw events (retention), so a conversion that lost or changed a count could not be
 * redone from the events: it is checked here on rows written in the old layout, on PGlite and on Postgres.
 */
type Run = <T>(query: SQL) => Promise<T[]>;

const PROJECT = '11111111-1111-4111-8111-111111111111';
const BUCKET = '2026-11-01T00:00:00Z';

async function writeOldRows(run: Run) {
  await run(sql`insert into projects (id, slug, name) values (${PROJECT}, 'p', 'P')`);
  const key = (model: string) =>
    sql`${PROJECT}, 'hour', 'ai.call', ${BUCKET}::timestamptz, 'web', '', ${model}, '', '', '', ''`;
  await run(sql`insert into metric_rollups (project_id, grain, type, bucket, service, environment, model, path, name,
      class, labels, n, h_duration, h_ttft, h_temperature, h_context)
    values (${key('a')}, 6, '{-3,1,0,2,412,3}', '{12,6}', '{7,6}', null),
      (${key('b')}, 1, null, null, null, null)`);
  await run(sql`insert into session_rollups (project_id, day, service, environment, sessions, messages,
      sum_duration, h_duration)
    values (${PROJECT}, ${BUCKET}::timestamptz, '*', '*', 3, 9, 1500, '{300,2,36525,1}')`);
}

async function checkConverted(run: Run) {
  const rows = numeric(
    await run<Record<string, unknown>>(
      sql`select model, h_duration_bins, h_duration_counts, h_ttft_bins, h_ttft_counts, h_ttfr_bins,
        h_temperature_bins, h_temperature_counts, h_context_bins, h_context_counts
      from metric_rollups order by model`,
    ),
  );
  expect(rows).toEqual([
    {
      model: 'a',
      h_duration_bins: [-3, 0, 412],
      h_duration_counts: [1, 2, 3],
      h_ttft_bins: [12],
      h_ttft_counts: [6],
      h_ttfr_bins: null,
      h_temperature_bins: [7],
      h_temperature_counts: [6],
      h_context_bins: null,
      h_context_counts: null,
    },
    {
      model: 'b',
      h_duration_bins: null,
      h_duration_counts: null,
      h_ttft_bins: null,
      h_ttft_counts: null,
      h_ttfr_bins: null,
      h_temperature_bins: null,
      h_temperature_counts: null,
      h_context_bins: null,
      h_context_counts: null,
    },
  ]);
  const sessions = numeric(
    await run<Record<string, unknown>>(sql`select h_duration_bins, h_duration_counts from session_rollups`),
  );
  expect(sessions).toEqual([{ h_duration_bins: [300, 36525], h_duration_counts: [2, 1] }]);
  const old = await run<{ n: number }>(
    sql`select count(*)::int as n from information_schema.columns
      where table_name in ('metric_rollups', 'session_rollups') and column_name ~ '^h_[a-z]+$'`,
  );
  expect(old[0]!.n).toBe(0);
  const pairs = await run<{ n: number }>(
    sql`select count(*)::int as n from pg_proc where proname = 'cw_hist_pairs'`,
  );
  expect(pairs[0]!.n).toBe(0);
  // The new merge: bins of both, counts of a shared bin added, either side null.
  const merged = numeric(
    await run<Record<string, unknown>>(
      sql`select bins, counts from (
          select 1 as i, * from cw_hist_merge('{-3,0,412}', '{1,2,3}', '{0,5}', '{4,1}')
          union all select 2, * from cw_hist_merge(null, null, '{5}', '{2}')
          union all select 3, * from cw_hist_merge('{5}', '{2}', null, null)
          union all select 4, * from cw_hist_merge(null, null, null, null)) as m
        order by i`,
    ),
  );
  expect(merged).toEqual([
    { bins: [-3, 0, 5, 412], counts: [1, 6, 1, 3] },
    { bins: [5], counts: [2] },
    { bins: [5], counts: [2] },
    { bins: null, counts: null },
  ]);
}

const before = migrationsBefore('0016_histogram_arrays');
afterAll(before.cleanup);

describe('migration 0016: histograms as bins and counts', () => {
  it('converts stored flat histograms on PGlite', async () => {
    const client = new PGlite();
    const db = drizzlePglite(client);
    const run: Run = async <T>(query: SQL) => (await db.execute(query)).rows as T[];
    try {
      await migratePglite(db, { migrationsFolder: before.dir });
      await writeOldRows(run);
      await migratePglite(db, { migrationsFolder: MIGRATIONS });
      await checkConverted(run);
    } finally {
      await client.close();
    }
  });

  const adminUrl = process.env.DATABASE_URL;
  it.runIf(adminUrl)('converts stored flat histograms on Postgres', () =>
    withFreshDatabase(adminUrl!, async (url) => {
      const client = postgres(url, { max: 1, onnotice: () => {} });
      try {
        const db = drizzlePg(client);
        const run: Run = async <T>(query: SQL) => (await db.execute(query)) as unknown as T[];
        await migratePg(db, { migrationsFolder: before.dir });
        await writeOldRows(run);
        await migratePg(db, { migrationsFolder: MIGRATIONS });
        await checkConverted(run);
      } finally {
        await client.end();
      }
    }),
  );
});
