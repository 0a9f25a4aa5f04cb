import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { openDb, rawRows } from '@/db/client';
import { listEventPartitions } from '@/db/partitions';
import { partitionName } from '@/lib/storage/partition-plan';
import { sql } from 'drizzle-orm';
import journal from '@/db/migrations/meta/_journal.json';
import { withFreshDatabase } from './migrations';

const adminUrl = process.env.DATABASE_URL;

describe('migrations', () => {
  it('apply once to a fresh embedded database and leave every table in place', async () => {
    const handle = openDb({ dir: 'memory://' });
    const db = await handle.db;
    const tables = await rawRows<{ table_name: string }>(
      db,
      // The daily partitions of events are tables too: not listed here.
      sql`select relname as table_name from pg_class
          where relnamespace = 'public'::regnamespace and relkind in ('r', 'p') and not relispartition
          order by relname`,
    );
    expect(tables.map((t) => t.table_name)).toEqual([
      'alert_instances',
      'alert_rules',
      'alert_transitions',
      'api_keys',
      'audit_log',
      'dimension_values',
      'error_rollups',
      'event_activity_hourly',
      'event_arrivals',
      'events',
      'health_checks',
      'metric_rollup_state',
      'metric_rollups',
      'model_prices',
      'notification_channels',
      'notification_deliveries',
      'otlp_call_parents',
      'projects',
      'rollup_changes',
      'session_changes',
      'session_dirty_buckets',
      'session_parts',
      'session_rollups',
      'session_spans',
      'shared_alerts',
      'silences',
      'user_index',
      'user_rollups',
      'user_sets',
    ]);
    // ...and made at startup, so today's events have somewhere to go.
    const partitions = await listEventPartitions(db);
    expect(partitions.map((p) => p.name)).toContain(partitionName(new Date()));
  });

  // What an operator runs before starting a new version (README): the script, not just the function.
  it.runIf(adminUrl)(
    'apply from `npm run db:migrate` on a fresh Postgres database',
    () =>
      withFreshDatabase(adminUrl!, async (url) => {
        const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'db:migrate'], {
          env: { ...process.env, DATABASE_URL: url, DEMO: '0' },
        });
        expect(stdout).toContain('migrations applied (postgres)');
        const db = postgres(url, { max: 1, onnotice: () => {} });
        const [applied] = await db`select count(*)::int as n from drizzle.__drizzle_migrations`;
        await db.end();
        expect(applied!.n).toBe(journal.entries.length);
      }),
    60_000,
  );

  // Several server instances starting together against one Postgres: the advisory lock serialises them.
  it.runIf(adminUrl)('run safely from several instances starting at once on a fresh Postgres database', () =>
    withFreshDatabase(adminUrl!, async (url) => {
      const handles = Array.from({ length: 4 }, (_, i) => openDb({ url: `${url}?application_name=mig${i}` }));
      const dbs = await Promise.all(handles.map((h) => h.db));
      const applied = await rawRows<{ n: number }>(
        dbs[0]!,
        sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
      );
      expect(applied[0]?.n).toBe(journal.entries.length);
      await Promise.all(handles.map((h) => h.close()));
    }),
  );
});
