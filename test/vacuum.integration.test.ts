import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rawRows, type Db } from '@/db/client';
import {
  OWN_VACUUM_INTERVAL_MS,
  VACUUMED_TABLES,
  autovacuumRuns,
  ownVacuumDue,
  vacuumIfUnattended,
  vacuumRollupTables,
} from '@/lib/storage/vacuum';
import { backends, newProject } from './backends';

const MINUTE = 60_000;

/** The rollup tables' last manual vacuum, by table (null: never). */
async function lastVacuums(db: Db): Promise<Map<string, number | null>> {
  const rows = await rawRows<{ relname: string; last_vacuum: string | Date | null }>(
    db,
    sql`select relname, last_vacuum from pg_stat_user_tables where relname in (${sql.join(
      VACUUMED_TABLES.map((t) => sql`${t}`),
      sql`, `,
    )})`,
  );
  return new Map(
    rows.map((r) => [r.relname, r.last_vacuum === null ? null : new Date(r.last_vacuum).getTime()]),
  );
}

describe('own vacuum schedule', () => {
  it('is due only where no autovacuum runs, at most once per interval', () => {
    const now = Date.UTC(2026, 11, 5, 12);
    expect(ownVacuumDue(true, null, now)).toBe(false);
    expect(ownVacuumDue(true, now - 10 * OWN_VACUUM_INTERVAL_MS, now)).toBe(false);
    expect(ownVacuumDue(false, null, now)).toBe(true);
    expect(ownVacuumDue(false, now - OWN_VACUUM_INTERVAL_MS + 1, now)).toBe(false);
    expect(ownVacuumDue(false, now - OWN_VACUUM_INTERVAL_MS, now)).toBe(true);
  });
});

// Module state (the last own vacuum) is shared by the backends: each gets hours of its own, later than the last's.
let clock = Date.UTC(2030, 0, 1);

describe.each(backends())('rollup tables vacuum on $name', ({ name, open }) => {
  it('knows whether an autovacuum launcher runs', async () => {
    const { db, close } = await open();
    try {
      const runs = await autovacuumRuns(db);
      if (name === 'PGlite') {
        expect(runs).toBe(false); // no background workers
      } else {
        // The launcher starts with the setting (track_counts is on by default).
        const [setting] = await rawRows<{ on: boolean }>(
          db,
          sql`select current_setting('autovacuum') = 'on' as on`,
        );
        expect(runs).toBe(setting!.on);
      }
    } finally {
      await close();
    }
  });

  it('vacuums every rollup table, which keeps its rows', async () => {
    const { db, close } = await open();
    try {
      const projectId = await newProject(db, 'vac', 'vacuum test');
      // Dead rows of the kind the job leaves: rows written, then rewritten.
      await rawRows(
        db,
        sql`insert into rollup_changes (project_id, grain, bucket, rolled_through)
          select ${projectId}, 'quarter', timestamptz '2026-12-01' + g * interval '15 minutes', now()
          from generate_series(0, 199) as g`,
      );
      await rawRows(
        db,
        sql`update rollup_changes set rolled_through = now() where project_id = ${projectId}`,
      );
      const started = Date.now() - 1_000;
      await vacuumRollupTables(db);
      const after = await lastVacuums(db);
      for (const table of VACUUMED_TABLES) expect(after.get(table), table).toBeGreaterThanOrEqual(started);
      const [kept] = await rawRows<{ n: number }>(
        db,
        sql`select count(*)::int as n from rollup_changes where project_id = ${projectId}`,
      );
      expect(kept!.n).toBe(200);
    } finally {
      await close();
    }
  });

  it('vacuums from the maintenance only where no autovacuum runs, once per interval', async () => {
    const { db, close } = await open();
    try {
      const autovacuum = await autovacuumRuns(db);
      const start = (clock += 10 * OWN_VACUUM_INTERVAL_MS);
      const first = await vacuumIfUnattended(new Date(start), { db });
      expect(first).toEqual({ vacuumed: !autovacuum, autovacuum });
      const soon = await vacuumIfUnattended(new Date(start + MINUTE), { db });
      expect(soon.vacuumed).toBe(false);
      const later = await vacuumIfUnattended(new Date(start + OWN_VACUUM_INTERVAL_MS), { db });
      expect(later.vacuumed).toBe(!autovacuum);
    } finally {
      await close();
    }
  });
});
