import { eq, getTableColumns, sql } from 'drizzle-orm';
import { PgTimestamp } from 'drizzle-orm/pg-core';
import { getDb, rawRows, type Db } from '@/db/client';
import { events, modelPrices, type NewEventRow } from '@/db/schema';
import { describeError, isDataError, sqlState } from '@/db/errors';
import { ensurePartitionsFor, isMissingPartition } from '@/db/partitions';
import { NOTHING_STORED } from '@/lib/auth/api-keys';
import { AppError, databaseFailure } from '@/lib/http/errors';
import { getKv } from '@/lib/kv';
import { log } from '@/lib/log';
import { CoalescerBusyError, createCoalescer, type Coalescer } from './coalesce';
import { MAX_SALVAGE_WRITES } from './limits';
import { recordLive } from './live';
import type { PriceTable } from './pricing';
import { SalvageBudgetError, salvageRows, type Refused, type Salvaged } from './salvage';

/**
 * One statement whose parameter is the rows as JSON: the query builder spent ~12 ms per 100 rows laying out
 * thousands of parameters, this spends well under one. Keys are short aliases (p, c0, c1, ...) so the payload
 * stays small; columns and SQL types come from the drizzle table, timestamps travel as epoch milliseconds.
 * It answers one row with the count stored, plus the stored ids only when some rows were there already.
 */
const insertable = Object.entries(getTableColumns(events))
  .filter(([key]) => key !== 'receivedAt' && key !== 'projectId')
  .map(([key, column], i) => {
    const alias = `c${i}`;
    const epochMs = column instanceof PgTimestamp && column.withTimezone;
    return { key, name: column.name, alias, epochMs, type: epochMs ? 'float8' : column.getSQLType() };
  });
const aliasOf = (key: string) => insertable.find((c) => c.key === key)!.alias;
const timestampOf = (alias: string) => `to_timestamp(t.${alias} / 1000)`;
/**
 * The unique key is (project_id, event_id, ts). An event sent with an id but no timestamp is stamped with the
 * server's clock, so its retry would carry another ts: such a row (`s`) takes the ts of the event of that id
 * stored in the day before, if any, and the conflict makes it a duplicate. One probe of the key's index in the
 * last two daily partitions, only for those rows; two retries in flight at once can still both be stored.
 */
const TS = timestampOf(aliasOf('ts'));
const RESTAMPED_TS =
  `case when t.s then coalesce((select e.ts from events e where e.project_id = t.p ` +
  `and e.event_id = t.${aliasOf('eventId')} and e.ts >= ${TS} - interval '1 day' and e.ts <= ${TS} limit 1), ${TS}) ` +
  `else ${TS} end`;
const INSERT_HEAD = sql.raw(
  `with ins as (insert into events (project_id, ${insertable.map((c) => `"${c.name}"`).join(', ')}) ` +
    `select t.p, ${insertable.map((c) => (c.key === 'ts' ? RESTAMPED_TS : c.epochMs ? timestampOf(c.alias) : `t.${c.alias}`)).join(', ')} ` +
    'from json_to_recordset(',
);
const INSERT_MIDDLE = sql.raw(
  `::json) as t(p uuid, s boolean, ${insertable.map((c) => `${c.alias} ${c.type}`).join(', ')}) ` +
    'on conflict (project_id, event_id, ts) do nothing returning project_id, event_id), ' +
    'n as (select count(*)::int as stored from ins) ' +
    'select n.stored, ins.project_id, ins.event_id from n left join ins on n.stored < ',
);
const INSERT_TAIL = sql.raw('::int');

const columnOf = new Map<string, { alias: string; epochMs: boolean }>([
  ['projectId', { alias: 'p', epochMs: false }],
  ...insertable.map((c) => [c.key, c] as const),
]);

// Rows whose ts is the server's clock (see RESTAMPED_TS); a WeakSet, so the rows carry no extra field. Shared on
// globalThis like the writer, which may run another bundle's copy of this module.
const stampGlobals = globalThis as unknown as Record<symbol, unknown>;
const serverStamped = (stampGlobals[Symbol.for('chatwatch.serverStamped')] ??=
  new WeakSet<NewEventRow>()) as WeakSet<NewEventRow>;

/** Marks rows of events sent with an id but no timestamp, before they are stored. */
export function markServerStamped(rows: NewEventRow[]): void {
  for (const row of rows) serverStamped.add(row);
}

// Server-stamped keys this process is writing, with the ts written: a copy sent while the first is being written
// (in the same statement or in the other write in flight) takes the same ts, so the unique key catches it.
const stampsInFlight = (stampGlobals[Symbol.for('chatwatch.stampsInFlight')] ??= new Map()) as Map<
  string,
  { ts: Date; writes: number }
>;

function alignServerStamps(rows: NewEventRow[]): () => void {
  const keys: string[] = [];
  for (const row of rows) {
    if (!serverStamped.has(row)) continue;
    const key = keyOf(row.projectId, row.eventId);
    const entry = stampsInFlight.get(key);
    if (entry) {
      row.ts = entry.ts;
      entry.writes++;
    } else stampsInFlight.set(key, { ts: row.ts, writes: 1 });
    keys.push(key);
  }
  return () => {
    for (const key of keys) {
      const entry = stampsInFlight.get(key);
      if (entry && --entry.writes === 0) stampsInFlight.delete(key);
    }
  };
}

function toJsonRecord(row: NewEventRow): Record<string, unknown> {
  const record: Record<string, unknown> = serverStamped.has(row) ? { s: true } : {};
  for (const key in row) {
    const column = columnOf.get(key);
    const value = row[key as keyof NewEventRow];
    if (column === undefined || value === undefined || value === null) continue;
    record[column.alias] = column.epochMs ? (value as Date).getTime() : value;
  }
  return record;
}

const keyOf = (projectId: string, eventId: string) => `${projectId} ${eventId}`;

/**
 * Writes through the pool; a batch with a row on a day that has no partition yet (a backfill older than the
 * partitions kept ahead, a server that skipped midnight) creates the partitions of the batch's days and retries
 * once. Inside a transaction (the salvage) a failed statement aborts it, so there it is not retried.
 */
async function insertRows(rows: NewEventRow[], db?: Db): Promise<'all' | Set<string>> {
  const release = alignServerStamps(rows);
  try {
    if (db) return await insertRowsOnce(rows, db);
    const pool = await getDb();
    try {
      return await insertRowsOnce(rows, pool);
    } catch (error) {
      if (!isMissingPartition(error)) throw error;
      const { created } = await ensurePartitionsFor(
        pool,
        rows.map((row) => row.ts),
      );
      log.info('event_partitions_created', { partitions: created, on: 'ingest' });
      return await insertRowsOnce(rows, pool);
    }
  } finally {
    release();
  }
}

async function insertRowsOnce(rows: NewEventRow[], db: Db): Promise<'all' | Set<string>> {
  const payload = JSON.stringify(rows.map(toJsonRecord));
  const result = await rawRows<{ stored: number; project_id: string | null; event_id: string | null }>(
    db,
    sql`${INSERT_HEAD}${payload}${INSERT_MIDDLE}${rows.length}${INSERT_TAIL}`,
  );
  if (result[0]?.stored === rows.length) return 'all';
  return new Set(result.filter((r) => r.event_id !== null).map((r) => keyOf(r.project_id!, r.event_id!)));
}

/**
 * Postgres refused the values of some row: a data exception (class 22), a constraint (class 23), or a row too
 * large for an index (54000: long non-Latin text in several indexed columns passes validation and fails here).
 */
export function refusedForValues(error: unknown): boolean {
  return isDataError(error) || sqlState(error) === '54000';
}

/** What to tell the sender about an event Postgres refused: the kind of fault, never the database's own text. */
export function refusalMessage(error: unknown): string {
  if (error instanceof SalvageBudgetError) {
    return 'event: not stored, because the database refused too many other events of this request to try it; resend it';
  }
  const code = sqlState(error) ?? '';
  if (code === '54000') {
    return 'event: too large for the database index; its indexed text fields (route, path, userId, model, name and the like) are too long together, shorten them';
  }
  if (code.startsWith('23')) return 'event: refused by a database constraint and not stored';
  return 'event: a value is out of range or malformed for its database column; it was not stored';
}

/**
 * One request's rows after Postgres refused their write: bisected in one transaction, each try under a savepoint,
 * so a refused row is rolled back alone and a lost connection stores nothing (the answer 503 stays true).
 */
async function salvageInTransaction(rows: NewEventRow[], error: unknown): Promise<Salvaged<NewEventRow>> {
  const db = await getDb();
  const salvaged = await db.transaction((tx) =>
    salvageRows(rows, error, {
      isRefusal: refusedForValues,
      maxWrites: MAX_SALVAGE_WRITES,
      write: (chunk) =>
        tx.transaction(async (savepoint) => {
          // A transaction runs statements like the client does; insertRows only calls its execute().
          const result = await insertRows(chunk, savepoint as unknown as Db);
          return result === 'all'
            ? chunk
            : chunk.filter((row) => result.has(keyOf(row.projectId, row.eventId)));
        }),
    }),
  );
  if (salvaged.refused.length > 0) {
    log.throttled('warn', 'ingest_rows_refused', {
      refused: salvaged.refused.length,
      stored: salvaged.stored.length,
      error: describeError(salvaged.refused[0]!.error),
    });
  }
  return salvaged;
}

// Requests waiting while these writes run are merged into the next one; the rest of the pool stays for reads.
const MAX_WRITES_IN_FLIGHT = 2;
const MAX_ROWS_PER_WRITE = 2_000;
// About two seconds of writes at full speed on two cores; past it a request is answered 503 at once.
const MAX_QUEUED_ROWS = 50_000;
const writerGlobals = globalThis as unknown as Record<symbol, Coalescer<NewEventRow> | undefined>;
const writer = (writerGlobals[Symbol.for('chatwatch.eventWriter')] ??= createCoalescer<NewEventRow>({
  maxInFlight: MAX_WRITES_IN_FLIGHT,
  maxRows: MAX_ROWS_PER_WRITE,
  maxQueuedRows: MAX_QUEUED_ROWS,
  keyOf: (row) => keyOf(row.projectId, row.eventId),
  write: insertRows,
  // A merged write refused for its values is retried request by request, and a request refused alone is salvaged.
  refusedForValues,
  salvage: salvageInTransaction,
  afterWrite: (stored) => recordLive(getKv(), stored),
}));

export type StoreResult = {
  /** The rows that were new; the others were stored before, or refused. */
  stored: NewEventRow[];
  /** The rows Postgres refused (see `refusalMessage`); the others of the request are stored or duplicates. */
  refused: Refused<NewEventRow>[];
  /** Settles when the KV live counters include the stored rows (never rejects). */
  liveRecorded: Promise<void>;
};

/**
 * Stores one request's rows, possibly in one statement with other requests' rows. When Postgres refuses some
 * of them, the others are still stored once each; any other failure stores nothing of this request.
 */
export async function storeRows(rows: NewEventRow[]): Promise<StoreResult> {
  try {
    const { rows: stored, refused, afterWrite } = await writer.store(rows);
    return { stored, refused, liveRecorded: afterWrite };
  } catch (error) {
    if (error instanceof CoalescerBusyError) {
      throw new AppError(
        'unavailable',
        'The server is busy writing earlier events; nothing was stored. Retry later.',
        {
          'Retry-After': '2',
        },
      );
    }
    databaseFailure(error, NOTHING_STORED);
  }
}

/** Insert statements issued and requests waiting, for tests and diagnostics. */
export function eventWriterLoad() {
  return writer.load();
}

const PRICE_TTL_MS = 60_000;
// The lookup itself is cached, so concurrent first requests of a project share one query.
type PriceEntry = { table: Promise<PriceTable>; expires: number };
// Shared across Next's bundles in one process, so a settings change reaches the ingest route at once.
const priceGlobals = globalThis as unknown as Record<symbol, Map<string, PriceEntry> | undefined>;
const priceCache = (priceGlobals[Symbol.for('chatwatch.priceCache')] ??= new Map<string, PriceEntry>());

/** A project's price overrides, cached briefly: they change rarely and every ai.call needs them. */
export function projectPrices(projectId: string): Promise<PriceTable> {
  const cached = priceCache.get(projectId);
  if (cached && cached.expires > Date.now()) return cached.table;
  const entry: PriceEntry = { table: loadPrices(projectId), expires: Date.now() + PRICE_TTL_MS };
  priceCache.set(projectId, entry);
  entry.table.catch(() => {
    if (priceCache.get(projectId) === entry) priceCache.delete(projectId);
  });
  return entry.table;
}

async function loadPrices(projectId: string): Promise<PriceTable> {
  try {
    const db = await getDb();
    const rows = await db.select().from(modelPrices).where(eq(modelPrices.projectId, projectId));
    return Object.fromEntries(
      rows.map((r) => [
        r.model,
        {
          input: r.inputPerMTok,
          output: r.outputPerMTok,
          cacheRead: r.cacheReadPerMTok,
          cacheWrite: r.cacheWritePerMTok,
        },
      ]),
    );
  } catch (error) {
    databaseFailure(error, NOTHING_STORED);
  }
}

export function forgetProjectPrices(projectId: string): void {
  priceCache.delete(projectId);
}
