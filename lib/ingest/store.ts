import { eq, getTableColumns, sql } from 'drizzle-orm';
import { PgTimestamp } from 'drizzle-orm/pg-core';
import { getDb, rawRows, type Db } from '@/db/client';
import { events, modelPrices, type NewEventRow } from '@/db/schema';
import { describeError, isDataError } from '@/db/errors';
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
const INSERT_HEAD = sql.raw(
  `with ins as (insert into events (project_id, ${insertable.map((c) => `"${c.name}"`).join(', ')}) ` +
    `select t.p, ${insertable.map((c) => (c.epochMs ? `to_timestamp(t.${c.alias} / 1000)` : `t.${c.alias}`)).join(', ')} ` +
    'from json_to_recordset(',
);
const INSERT_MIDDLE = sql.raw(
  `::json) as t(p uuid, ${insertable.map((c) => `${c.alias} ${c.type}`).join(', ')}) ` +
    'on conflict (project_id, event_id) do nothing returning project_id, event_id), ' +
    'n as (select count(*)::int as stored from ins) ' +
    'select n.stored, ins.project_id, ins.event_id from n left join ins on n.stored < ',
);
const INSERT_TAIL = sql.raw('::int');

const columnOf = new Map<string, { alias: string; epochMs: boolean }>([
  ['projectId', { alias: 'p', epochMs: false }],
  ...insertable.map((c) => [c.key, c] as const),
]);

function toJsonRecord(row: NewEventRow): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const key in row) {
    const column = columnOf.get(key);
    const value = row[key as keyof NewEventRow];
    if (column === undefined || value === undefined || value === null) continue;
    record[column.alias] = column.epochMs ? (value as Date).getTime() : value;
  }
  return record;
}

const keyOf = (projectId: string, eventId: string) => `${projectId} ${eventId}`;

async function insertRows(rows: NewEventRow[], db?: Db): Promise<'all' | Set<string>> {
  db ??= await getDb();
  const payload = JSON.stringify(rows.map(toJsonRecord));
  const result = await rawRows<{ stored: number; project_id: string | null; event_id: string | null }>(
    db,
    sql`${INSERT_HEAD}${payload}${INSERT_MIDDLE}${rows.length}${INSERT_TAIL}`,
  );
  if (result[0]?.stored === rows.length) return 'all';
  return new Set(result.filter((r) => r.event_id !== null).map((r) => keyOf(r.project_id!, r.event_id!)));
}

/** The SQLSTATE of a database error or of one of its causes (drizzle wraps the driver's error). */
function sqlState(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
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
