import 'server-only';
import { sql } from 'drizzle-orm';
import { getDb, rawRows, type Db } from '@/db/client';
import { listEventPartitions } from '@/db/partitions';
import { env } from '@/lib/env';
import { dayOfPartitionName, DAY_MS, EVENTS_TABLE, PARTITION_PREFIX } from '@/lib/storage/partition-plan';
import {
  executeRetention,
  planRetention,
  RETENTION_TARGETS,
  type PartitionDrop,
  type RetentionReport,
  type RetentionSettings,
  type RowDelete,
  type StoredPartition,
} from './plan';

export type { RetentionReport } from './plan';

export const DEFAULT_BUDGET_MS = 10_000;
export const DEFAULT_BATCH_ROWS = 5_000;
/** Partitions dropped per call at most: each DETACH waits for the queries that still read the partition. */
export const DEFAULT_MAX_PARTITIONS = 4;

export function retentionSettings(): RetentionSettings {
  return {
    retentionDays: env.RETENTION_DAYS,
    rollupRetentionDays: env.ROLLUP_RETENTION_DAYS,
    healthRetentionDays: env.HEALTH_RETENTION_DAYS,
    alertHistoryRetentionDays: env.ALERT_HISTORY_RETENTION_DAYS,
    auditRetentionDays: env.AUDIT_RETENTION_DAYS,
  };
}

/**
 * One bounded pass of retention (for the cron, and looped by `npm run db:retention`): drops the events
 * partitions past RETENTION_DAYS and deletes old rows of the other tables in batches, within `budgetMs`.
 */
export async function runRetention(
  db?: Db,
  options: {
    now?: Date;
    budgetMs?: number;
    batchRows?: number;
    maxPartitions?: number;
    settings?: RetentionSettings;
  } = {},
): Promise<RetentionReport> {
  db ??= await getDb();
  const [partitions, existingTables] = await Promise.all([storedPartitions(db), existingTablesOf(db)]);
  const plan = planRetention({
    now: options.now ?? new Date(),
    settings: options.settings ?? retentionSettings(),
    partitions,
    existingTables,
  });
  const limits = {
    budgetMs: options.budgetMs ?? DEFAULT_BUDGET_MS,
    batchRows: options.batchRows ?? DEFAULT_BATCH_ROWS,
    maxPartitions: options.maxPartitions ?? DEFAULT_MAX_PARTITIONS,
  };
  return executeRetention(plan, limits, {
    dropPartition: (partition) => dropPartition(db, partition),
    deleteBatch: (target, limit) => deleteBatch(db, target, limit),
  });
}

/** The attached partitions, and tables named like one that an interrupted run detached but did not drop. */
async function storedPartitions(db: Db): Promise<StoredPartition[]> {
  const attached = await listEventPartitions(db);
  const detached = await rawRows<{ name: string }>(
    db,
    sql`select relname as name from pg_class
        where relkind = 'r' and not relispartition and relnamespace = current_schema()::regnamespace
          and relname like ${PARTITION_PREFIX + '%'}`,
  );
  return [
    ...attached.map((p) => ({ ...p, attached: true })),
    ...detached.flatMap(({ name }) => {
      const day = dayOfPartitionName(name);
      return day
        ? [{ name, bounds: { from: day, to: new Date(day.getTime() + DAY_MS) }, attached: false }]
        : [];
    }),
  ];
}

async function existingTablesOf(db: Db): Promise<Set<string>> {
  const tables = [...new Set(RETENTION_TARGETS.map((t) => t.table))];
  const rows = await rawRows<{ name: string }>(
    db,
    sql`select relname as name from pg_class
        where relnamespace = current_schema()::regnamespace and relkind in ('r', 'p')
          and relname in (${sql.join(
            tables.map((t) => sql`${t}`),
            sql`, `,
          )})`,
  );
  return new Set(rows.map((r) => r.name));
}

/**
 * DETACH ... CONCURRENTLY, then DROP: the detach waits for the queries reading the partition without blocking
 * ingest or other reads (a plain DROP or DETACH takes ACCESS EXCLUSIVE on `events`); the drop then touches the
 * detached table alone. A detach interrupted half-way is completed with FINALIZE on the next run, and a table
 * detached but not dropped is dropped then.
 */
async function dropPartition(db: Db, partition: PartitionDrop): Promise<void> {
  const name = `"${partition.name}"`;
  if (partition.attached) {
    const mode = partition.detachPending ? 'finalize' : 'concurrently';
    await db.execute(sql.raw(`alter table "${EVENTS_TABLE}" detach partition ${name} ${mode}`));
  }
  await db.execute(sql.raw(`drop table if exists ${name}`));
}

/**
 * Deletes one batch by ctid: a bounded statement whatever the table's keys. A target the rollup job also
 * writes (`withJobLock`) is deleted holding the job's lock, so no step runs meanwhile.
 */
async function deleteBatch(db: Db, target: RowDelete, limit: number): Promise<number> {
  if (target.withJobLock) {
    return db.transaction(async (tx) => {
      await tx.execute(sql`select 1 from metric_rollup_state where id = 1 for update`);
      return deleteRows(tx, target, limit);
    });
  }
  return deleteRows(db, target, limit);
}

async function deleteRows(db: Pick<Db, 'execute'>, target: RowDelete, limit: number): Promise<number> {
  const table = sql.identifier(target.table);
  const column = sql.identifier(target.timeColumn);
  const filter = target.filter
    ? sql` and ${sql.identifier(target.filter.column)} in (${sql.join(
        target.filter.values.map((v) => sql`${v}`),
        sql`, `,
      )})`
    : sql``;
  const [row] = await rawRows<{ n: number }>(
    db,
    sql`with gone as (
          delete from ${table} where ctid in (
            select ctid from ${table} where ${column} < ${target.cutoff.toISOString()}::timestamptz${filter}
            limit ${limit})
          returning 1)
        select count(*)::int as n from gone`,
  );
  return row?.n ?? 0;
}
