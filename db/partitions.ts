import { sql } from 'drizzle-orm';
import {
  EVENTS_TABLE,
  parsePartitionBound,
  partitionsOf,
  planPartitions,
  type DayRange,
  type PartitionSpec,
} from '@/lib/storage/partition-plan';
import { rawRows, type Db } from './client';
import { sqlState } from './errors';

/**
 * The DDL of the events partitions. It lives beside db/client.ts, which runs it at first use right after the
 * migrations, so scripts and benchmarks (plain Node, no `react-server` condition) can import it; the app
 * imports it through lib/storage/partitions.ts.
 */

// Serialises creators across processes and server instances: a second caller finds the partitions made.
const PARTITION_LOCK = 727_100_002;
// Waits this long for the lock on `events` (ATTACH takes SHARE UPDATE EXCLUSIVE, which readers and writers
// do not conflict with; only another ATTACH/DETACH or DDL does).
const LOCK_TIMEOUT = '10s';
// Another creator got there first despite the lock (a migration, a hand-made partition): the partition exists.
const ALREADY_THERE = new Set(['42P07', '42809', '42P17', '23505']);

export type ExistingPartition = {
  name: string;
  /** Null when the bounds are not two timestamps (not a partition this app made). */
  bounds: DayRange | null;
  /** An interrupted DETACH ... CONCURRENTLY left it half detached (FINALIZE completes it). */
  detachPending: boolean;
};

/** The partitions attached to `events`, oldest first (unparsable bounds last). */
export async function listEventPartitions(db: Db): Promise<ExistingPartition[]> {
  const rows = await rawRows<{ name: string; bound: string; detach_pending: boolean }>(
    db,
    sql`select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound,
          i.inhdetachpending as detach_pending
        from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = ${EVENTS_TABLE}::regclass`,
  );
  return rows
    .map((r) => ({ name: r.name, bounds: parsePartitionBound(r.bound), detachPending: r.detach_pending }))
    .sort((a, b) => (a.bounds?.from.getTime() ?? Infinity) - (b.bounds?.from.getTime() ?? Infinity));
}

/**
 * Creates the daily partitions of `events` that [from, to] needs and that do not exist yet; idempotent and safe
 * when several callers run at once. A partition is created as a plain table and then attached: ATTACH takes a
 * lock that ingest and dashboard reads do not wait on, where CREATE TABLE ... PARTITION OF takes ACCESS
 * EXCLUSIVE on `events` and would queue every read behind the slowest running query.
 */
export async function ensurePartitions(db: Db, range: DayRange): Promise<{ created: string[] }> {
  return createMissing(db, planPartitions(range));
}

/** The partitions of the days these timestamps fall on (a batch of rows): only those days, not the span. */
export async function ensurePartitionsFor(
  db: Db,
  timestamps: Iterable<Date>,
): Promise<{ created: string[] }> {
  return createMissing(db, partitionsOf(timestamps));
}

async function createMissing(db: Db, wanted: PartitionSpec[]): Promise<{ created: string[] }> {
  const existing = new Set((await listEventPartitions(db)).map((p) => p.name));
  const created: string[] = [];
  // One transaction per partition: each holds a handful of locks until commit, and a year of partitions in one
  // transaction would exceed max_locks_per_transaction.
  for (const spec of wanted.filter((w) => !existing.has(w.name))) {
    if (await createPartition(db, spec)) created.push(spec.name);
  }
  return { created };
}

async function createPartition(db: Db, spec: PartitionSpec): Promise<boolean> {
  try {
    return await db.transaction(async (tx) => {
      const t = tx as unknown as Db;
      await t.execute(sql`select pg_advisory_xact_lock(${PARTITION_LOCK})`);
      await t.execute(sql.raw(`set local lock_timeout = '${LOCK_TIMEOUT}'`));
      if (await isAttached(t, spec.name)) return false;
      await t.execute(
        sql.raw(`create table if not exists "${spec.name}" (like "${EVENTS_TABLE}" including defaults)`),
      );
      await t.execute(
        sql.raw(
          `alter table "${EVENTS_TABLE}" attach partition "${spec.name}" ` +
            `for values from ('${spec.from.toISOString()}') to ('${spec.to.toISOString()}')`,
        ),
      );
      return true;
    });
  } catch (error) {
    if (ALREADY_THERE.has(sqlState(error) ?? '') && (await isAttached(db, spec.name))) return false;
    throw error;
  }
}

async function isAttached(db: Db, name: string): Promise<boolean> {
  const rows = await rawRows<{ name: string }>(
    db,
    sql`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = ${EVENTS_TABLE}::regclass and c.relname = ${name}`,
  );
  return rows.length > 0;
}

/**
 * True when an insert failed because no partition of `events` holds a row's ts (SQLSTATE 23514, which a CHECK
 * constraint also raises; `events` has none, and a CHECK violation names its constraint).
 */
export function isMissingPartition(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const { code, constraint_name, constraint } = current as Record<string, unknown>;
    if (code === '23514') return !constraint_name && !constraint;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
