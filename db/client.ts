import path from 'node:path';
import type { SQL } from 'drizzle-orm';
import { drizzle as drizzlePg, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { env } from '@/lib/env';
import { log } from '@/lib/log';
import * as schema from './schema';

export type Db = PostgresJsDatabase<typeof schema>;
export type DbDriver = 'postgres' | 'pglite';
export type DbHandle = { driver: DbDriver; db: Promise<Db>; close: () => Promise<void> };

const MIGRATIONS_FOLDER = path.join(process.cwd(), 'db/migrations');
const MIGRATION_LOCK = 727_100_001;
// A statement stuck on a lock gives its connection back after this; the slowest dashboard query takes < 1 s.
const STATEMENT_TIMEOUT_MS = 30_000;
const REGISTRY = Symbol.for('chatwatch.db.handles');

// Next bundles a module more than once per process (instrumentation, routes): share handles on globalThis.
const globals = globalThis as unknown as Record<symbol, Map<string, DbHandle> | undefined>;
const registry = (globals[REGISTRY] ??= new Map<string, DbHandle>());

// Statements issued through drizzle in this process (for benchmarks: `npm run bench:alerts` prints it).
const COUNTER = Symbol.for('chatwatch.db.queries');
const counter = ((globalThis as unknown as Record<symbol, { n: number } | undefined>)[COUNTER] ??= { n: 0 });
const queryCounter = { logQuery: () => void counter.n++ };

/** How many statements this process has sent through drizzle so far. */
export function dbQueryCount(): number {
  return counter.n;
}

/** Postgres when a URL is given (or DATABASE_URL is set), embedded PGlite otherwise. Migrated before use. */
export function openDb(options: { url?: string; dir?: string } = {}): DbHandle {
  const url = options.url ?? env.DATABASE_URL;
  const dir = options.dir ?? env.PGLITE_DIR;
  const key = url ?? `pglite:${dir}`;
  const existing = registry.get(key);
  if (existing) return existing;
  const opened = url ? openPostgres(url) : openPglite(dir);
  // A closed handle leaves the registry, so the next openDb of the same database opens a new one.
  const handle: DbHandle = {
    ...opened,
    close: () => {
      if (registry.get(key) === handle) registry.delete(key);
      return opened.close();
    },
  };
  registry.set(key, handle);
  handle.db.catch(() => registry.delete(key));
  return handle;
}

export function getDb(): Promise<Db> {
  return openDb().db;
}

export function dbDriver(): DbDriver {
  return env.DATABASE_URL ? 'postgres' : 'pglite';
}

/** Memory a read's sort or hash may take before it spills to disk (see openPostgres). */
const WORK_MEM = '16MB';

function openPostgres(url: string): DbHandle {
  const client = postgres(url, {
    max: env.DATABASE_POOL_SIZE,
    connect_timeout: 5,
    // A connection's first statements over the daily partitions are planned with cold catalog caches (20-40 ms
    // more each): idle connections stay open ten minutes, so a dashboard opened again within them stays fast.
    idle_timeout: 600,
    onnotice: () => {},
    // JIT compiles a plan whose estimated cost is high, and a join over the daily partitions estimates high:
    // it spent 8-10 s compiling the AI page's rating query at 1 M events, which runs in 0.3 s without it.
    // A page runs a dozen small reads at once, so parallel workers only add their start-up and gather cost:
    // without them the 30-day pages at 10 M events answered in half the time (bench/RESULTS.md, session 10).
    // Postgres' default 4 MB of work_mem spilled a 30-day chart's histogram merge (14 MB of bins) to disk;
    // it is a ceiling per sort or hash, taken only by the statements that need it.
    connection: {
      statement_timeout: STATEMENT_TIMEOUT_MS,
      jit: 'off',
      // A string: postgres-js leaves falsy values out of the startup packet, so the number 0 never arrived.
      max_parallel_workers_per_gather: '0',
      work_mem: WORK_MEM,
    },
  });
  const db = drizzlePg(client, { schema, casing: 'snake_case', logger: queryCounter });
  return {
    driver: 'postgres',
    db: migratePostgres(url)
      .then(() => ensureStartupPartitions(db))
      .then(() => db),
    close: () => client.end({ timeout: 5 }),
  };
}

/** Several instances may start at once: an advisory lock lets one migrate while the others wait. */
async function migratePostgres(url: string): Promise<void> {
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  const lockClient = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await lockClient`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migrate(drizzlePg(lockClient), { migrationsFolder: MIGRATIONS_FOLDER });
    await lockClient`select pg_advisory_unlock(${MIGRATION_LOCK})`;
  } finally {
    await lockClient.end({ timeout: 5 });
  }
}

function openPglite(dir: string): DbHandle {
  let closeClient = async () => {};
  const db = (async () => {
    const { PGlite } = await import('@electric-sql/pglite');
    const { drizzle } = await import('drizzle-orm/pglite');
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    const client = dir === 'memory://' ? new PGlite() : new PGlite(path.resolve(dir));
    closeClient = () => client.close();
    const pg = drizzle(client, { schema, casing: 'snake_case', logger: queryCounter });
    await migrate(pg, { migrationsFolder: MIGRATIONS_FOLDER });
    await ensureStartupPartitions(pg as unknown as Db);
    return pg as unknown as Db;
  })();
  return { driver: 'pglite', db, close: () => closeClient() };
}

/**
 * The partitions of `events` for every day ingest accepts, and two days ahead. A failure is logged, not thrown:
 * the ingest retry and the cron's `ensureUpcomingPartitions` create missing partitions later.
 */
async function ensureStartupPartitions(db: Db): Promise<void> {
  const { ensurePartitions } = await import('./partitions');
  const { partitionWindow } = await import('@/lib/storage/partition-plan');
  try {
    const { created } = await ensurePartitions(db, partitionWindow(new Date(), env.RETENTION_DAYS));
    if (created.length > 0)
      log.info('event_partitions_created', { partitions: created.length, on: 'startup' });
  } catch (error) {
    log.warn('event_partitions_failed', { error: String(error), on: 'startup' });
  }
}

/** Rows of a raw `db.execute(sql)`: postgres-js answers an array, PGlite `{ rows }`. */
export async function rawRows<T>(db: Pick<Db, 'execute'>, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
