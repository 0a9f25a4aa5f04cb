import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDb, rawRows } from '@/db/client';

/** The settings db/client.ts gives every pool connection reach Postgres (postgres-js drops falsy values). */
describe.runIf(process.env.DATABASE_URL)('app connections to Postgres', () => {
  it('run without JIT and parallel workers, with 16 MB of work_mem, on every connection of the pool', async () => {
    const db = await openDb({ url: process.env.DATABASE_URL }).db;
    const settings = await Promise.all(
      Array.from({ length: 4 }, () =>
        rawRows<{ jit: string; workers: string; work_mem: string; pid: number }>(
          db,
          sql`select current_setting('jit') as jit, current_setting('max_parallel_workers_per_gather') as workers,
            current_setting('work_mem') as work_mem, pg_backend_pid() as pid, pg_sleep(0.05)`,
        ),
      ),
    );
    for (const [row] of settings) expect(row).toMatchObject({ jit: 'off', workers: '0', work_mem: '16MB' });
    expect(new Set(settings.map(([row]) => row!.pid)).size).toBeGreaterThan(1);
  });
});
