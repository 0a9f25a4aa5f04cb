import 'server-only';
import { sql } from 'drizzle-orm';
import { getDb, rawRows, type Db } from '@/db/client';
import { ROLLUP_TABLES } from './rollup-tables';

/**
 * The tables the rollup job rewrites as events arrive: each step rebuilds whole the session parts of every hour
 * and day that got an event (today's, each minute) and updates the rollup rows its events land in, and its own
 * bookkeeping (its mark, the arrivals it has passed). Autovacuum reclaims the old row versions; without it they
 * pile up, and reads go through their pages (a month at 30 M events left session_parts with 3.8 M dead rows beside
 * 173 k live ones, and a 30-day read of it took 180 ms instead of 2: bench/RESULTS.md, session 21).
 */
export const VACUUMED_TABLES = [...ROLLUP_TABLES, 'event_arrivals', 'metric_rollup_state'] as const;

/** Where no autovacuum runs, the maintenance vacuums the rollup tables itself this often (per process). */
export const OWN_VACUUM_INTERVAL_MS = 60 * 60_000;

/** Whether the maintenance vacuums now: no autovacuum runs and the last own vacuum (ms, null: none) is old enough. */
export function ownVacuumDue(autovacuumRuns: boolean, lastMs: number | null, nowMs: number): boolean {
  return !autovacuumRuns && (lastMs === null || nowMs - lastMs >= OWN_VACUUM_INTERVAL_MS);
}

/**
 * `VACUUM ANALYZE` of the rollup tables: their dead rows' room reused, their statistics fresh. One statement per
 * table, so a table done stays done if a later one fails or times out.
 */
export async function vacuumRollupTables(db: Db): Promise<void> {
  for (const table of VACUUMED_TABLES) await rawRows(db, sql.raw(`vacuum analyze ${table}`));
}

/**
 * Whether an autovacuum launcher runs. PGlite has no background workers, and a Postgres may run with
 * `autovacuum = off` (then its launcher does not start).
 */
export async function autovacuumRuns(db: Db): Promise<boolean> {
  const [row] = await rawRows<{ runs: boolean }>(
    db,
    sql`select exists (select 1 from pg_stat_activity where backend_type = 'autovacuum launcher') as runs`,
  );
  return row?.runs === true;
}

export type VacuumReport = { vacuumed: boolean; autovacuum: boolean };

let lastOwnVacuum: number | null = null;

/**
 * The maintenance's part: where no autovacuum runs, a `VACUUM ANALYZE` of the rollup tables at most once per
 * OWN_VACUUM_INTERVAL_MS; elsewhere nothing (autovacuum does it as the tables need).
 */
export async function vacuumIfUnattended(
  now: Date = new Date(),
  options: { db?: Db } = {},
): Promise<VacuumReport> {
  const db = options.db ?? (await getDb());
  const autovacuum = await autovacuumRuns(db);
  if (!ownVacuumDue(autovacuum, lastOwnVacuum, now.getTime())) return { vacuumed: false, autovacuum };
  // Counted from the attempt: one that fails (a table past the statement timeout) is not retried every minute.
  lastOwnVacuum = now.getTime();
  await vacuumRollupTables(db);
  return { vacuumed: true, autovacuum };
}
