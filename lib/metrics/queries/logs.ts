import 'server-only';
import { and, desc, eq, getTableColumns, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { events } from '@/db/schema';
import { decodeCursor, encodeCursor, escapeLike } from '../search';
import { MAX_LOG_LIMIT, type LogEntry, type LogPage, type LogQuery, type Scope } from '../types';

/** Logs and errors, newest first, with keyset pagination on (ts desc, event_id desc). */
export async function searchLogs(scope: Scope, q: LogQuery): Promise<LogPage> {
  const limit = Math.min(Math.max(1, Math.floor(q.limit)), MAX_LOG_LIMIT);
  const conditions: (SQL | undefined)[] = [
    eq(events.projectId, scope.projectId),
    inArray(events.type, ['log', 'error']),
    gte(events.ts, q.from),
    lt(events.ts, q.to),
  ];
  if (q.levels && q.levels.length > 0) {
    conditions.push(
      or(
        and(eq(events.type, 'log'), inArray(events.level, [...q.levels])),
        q.levels.includes('error') ? eq(events.type, 'error') : undefined,
      ),
    );
  }
  if (q.service) conditions.push(eq(events.service, q.service));
  if (q.userId) conditions.push(eq(events.userId, q.userId));
  if (q.traceId) conditions.push(eq(events.traceId, q.traceId));
  if (q.event) {
    conditions.push(
      or(
        and(eq(events.type, 'log'), eq(events.name, q.event)),
        and(eq(events.type, 'error'), eq(events.errorType, q.event)),
      ),
    );
  }
  if (q.text) {
    const pattern = `%${escapeLike(q.text)}%`;
    conditions.push(
      sql`(${events.message} ilike ${pattern} or ${events.name} ilike ${pattern} or ${events.errorType} ilike ${pattern})`,
    );
  }
  if (q.cursor) {
    const { tsKey, eventId } = decodeCursor(q.cursor);
    conditions.push(sql`(${events.ts}, ${events.eventId}) < (${tsKey}::timestamptz, ${eventId})`);
  }

  const db = await getDb();
  const rows = await db
    .select({
      ...getTableColumns(events),
      tsKey: sql<string>`to_char(${events.ts} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    })
    .from(events)
    .where(and(...conditions))
    .orderBy(desc(events.ts), desc(events.eventId))
    .limit(limit + 1);

  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    from: q.from.toISOString(),
    to: q.to.toISOString(),
    entries: page.map(toEntry),
    nextCursor: rows.length > limit && last ? encodeCursor(last.tsKey, last.eventId) : null,
  };
}

type Row = typeof events.$inferSelect & { tsKey: string };

function toEntry(row: Row): LogEntry {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (value === null || value === undefined || key === 'tsKey' || key === 'projectId') continue;
    fields[key] = value instanceof Date ? value.toISOString() : value;
  }
  const isError = row.type === 'error';
  return {
    id: row.eventId,
    type: isError ? 'error' : 'log',
    ts: row.ts.toISOString(),
    level: isError ? 'error' : (row.level ?? 'info'),
    service: row.service,
    event: isError ? row.errorType : row.name,
    message: row.message,
    userId: row.userId,
    traceId: row.traceId,
    fields,
  };
}
