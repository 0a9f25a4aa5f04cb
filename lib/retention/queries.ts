import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import { getDb, rawRows, type Db } from '@/db/client';
import { listEventPartitions } from '@/db/partitions';
import { EVENTS_TABLE } from '@/lib/storage/partition-plan';
import { ROLLUP_TABLES } from '@/lib/storage/rollup-tables';

// Below this many rows (planner estimate) a project's share is counted exactly; above, from a sample of pages.
const EXACT_BELOW_ROWS = 50_000;

export type StorageFigures = {
  /** The oldest raw event kept, or null when there is none. */
  oldestEvent: Date | null;
  rawBytes: number;
  rollupBytes: number;
};

/**
 * The whole installation: the oldest event is the smallest ts of the oldest partition that holds a row (one
 * partition read, since no index leads with ts); sizes are pg_total_relation_size (heap, indexes, TOAST) summed
 * over the events partitions and over the rollup tables.
 */
export async function getInstallationStorage(): Promise<StorageFigures & { partitions: number }> {
  const db = await getDb();
  const partitions = await listEventPartitions(db);
  let oldestEvent: Date | null = null;
  for (const { name } of partitions) {
    const [row] = await rawRows<{ t: string | null }>(
      db,
      sql`select min(ts)::text as t from ${sql.identifier(name)}`,
    );
    if (row?.t) {
      oldestEvent = new Date(row.t);
      break;
    }
  }
  const rollups = await rollupTables(db);
  return {
    oldestEvent,
    rawBytes: await rawEventBytes(db),
    rollupBytes: rollups.reduce((sum, t) => sum + t.bytes, 0),
    partitions: partitions.length,
  };
}

/**
 * One project: its oldest event through the (project_id, ts) index. Postgres cannot say how much disk one
 * project's rows take, so its sizes are estimates: the project's share of a table's rows times the table's
 * size (rows of one project are about as wide as another's). The share is counted exactly on small tables and
 * from a ~50k-row sample of pages (TABLESAMPLE SYSTEM) on large ones, which an exact count would take seconds on.
 */
export async function getProjectStorage(projectId: string): Promise<StorageFigures> {
  const db = await getDb();
  const [oldest] = await rawRows<{ t: string | null }>(
    db,
    sql`select min(ts)::text as t from events where project_id = ${projectId}`,
  );
  const rawShare = await projectShare(db, EVENTS_TABLE, projectId);
  let rollupBytes = 0;
  for (const table of await rollupTables(db)) {
    rollupBytes += (await projectShare(db, table.name, projectId)) * table.bytes;
  }
  return {
    oldestEvent: oldest?.t ? new Date(oldest.t) : null,
    rawBytes: rawShare * (await rawEventBytes(db)),
    rollupBytes,
  };
}

async function rawEventBytes(db: Db): Promise<number> {
  const [raw] = await rawRows<{ bytes: number }>(
    db,
    sql`select coalesce(sum(pg_total_relation_size(inhrelid)), 0)::float8 as bytes
        from pg_inherits where inhparent = ${EVENTS_TABLE}::regclass`,
  );
  return raw?.bytes ?? 0;
}

async function rollupTables(db: Db): Promise<{ name: string; bytes: number }[]> {
  return rawRows<{ name: string; bytes: number }>(
    db,
    sql`select relname as name, pg_total_relation_size(oid)::float8 as bytes from pg_class
        where relnamespace = current_schema()::regnamespace and relkind = 'r'
          and relname in (${sql.join(
            ROLLUP_TABLES.map((t) => sql`${t}`),
            sql`, `,
          )})`,
  );
}

/** The fraction of `table`'s rows (of its partitions, for a partitioned table) that belong to the project. */
async function projectShare(db: Db, table: string, projectId: string): Promise<number> {
  const [estimate] = await rawRows<{ rows: number }>(
    db,
    sql`select coalesce(sum(greatest(c.reltuples, 0)), 0)::float8 as rows from pg_class c
        where c.oid = ${table}::regclass
           or c.oid in (select inhrelid from pg_inherits where inhparent = ${table}::regclass)`,
  );
  const rows = estimate?.rows ?? 0;
  const sample: SQL =
    rows < EXACT_BELOW_ROWS
      ? sql``
      : sql.raw(` tablesample system (${Math.max(0.01, (100 * EXACT_BELOW_ROWS) / rows).toFixed(4)})`);
  const [counted] = await rawRows<{ mine: number; total: number }>(
    db,
    sql`select count(*) filter (where project_id = ${projectId})::float8 as mine, count(*)::float8 as total
        from ${sql.identifier(table)}${sample}`,
  );
  return counted && counted.total > 0 ? counted.mine / counted.total : 0;
}
