import { sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { describeError } from '@/db/errors';
import { auditLog, type NewAuditEntry } from '@/db/schema';
import { log } from '@/lib/log';

/** Writes an audit entry; failures are logged, never thrown into the caller's request. */
export async function recordAudit(entry: NewAuditEntry): Promise<void> {
  try {
    const db = await getDb();
    await db.insert(auditLog).values(entry);
  } catch (error) {
    logFailure(entry.action, error);
  }
}

const MINUTE_MS = 60_000;
/** Repeats of one summary row within this window are added to it by one statement. */
export const COALESCE_MS = 1_000;
/** Sources beyond this per action and minute (a flood from ever new sources) share one overflow row. */
export const MAX_SOURCES_PER_MINUTE = 500;

type Window = { entry: NewAuditEntry & { summaryKey: string }; extra: number };
// Next bundles this module more than once per process: the windows are the process's, on globalThis.
const state = ((
  globalThis as unknown as Record<
    symbol,
    | { windows: Map<string, Window>; writes: Set<Promise<void>>; sources: Map<string, Set<string>> }
    | undefined
  >
)[Symbol.for('chatwatch.auditSummaries')] ??= { windows: new Map(), writes: new Set(), sources: new Map() });

/**
 * Counts a repeated event (a rejected API key) in one row per `source` and minute: the first occurrence
 * inserts the row, later ones add to its `count`. Repeats within COALESCE_MS wait and go in together, so a
 * flood costs about two statements per source and second; none is dropped uncounted.
 */
export function recordAuditSummary(
  entry: Omit<NewAuditEntry, 'summaryKey' | 'count'>,
  source: string,
  now = Date.now(),
): Promise<void> {
  const minute = Math.floor(now / MINUTE_MS);
  let key = `${entry.action}:${source}:${minute}`;
  let row = { ...entry, summaryKey: key };
  if (!admitSource(entry.action, source, minute)) {
    key = `${entry.action}:overflow:${minute}`;
    row = {
      action: entry.action,
      actor: 'anonymous',
      projectId: null,
      target: null,
      ip: null,
      details: { overflow: true },
      summaryKey: key,
    };
  }
  const open = state.windows.get(key);
  if (open) {
    open.extra += 1;
    return Promise.resolve();
  }
  const window: Window = { entry: row, extra: 0 };
  state.windows.set(key, window);
  setTimeout(() => close(key, window), COALESCE_MS).unref?.();
  return track(upsert(row, 1));
}

/** Whether `source` has (or may get) a row of its own for `action` this minute. */
function admitSource(action: string, source: string, minute: number): boolean {
  const bucket = `${action}:${minute}`;
  let seen = state.sources.get(bucket);
  if (!seen) {
    for (const old of state.sources.keys()) if (!old.endsWith(`:${minute}`)) state.sources.delete(old);
    state.sources.set(bucket, (seen = new Set()));
  }
  if (seen.has(source)) return true;
  if (seen.size >= MAX_SOURCES_PER_MINUTE) return false;
  seen.add(source);
  return true;
}

/** Writes the repeats still waiting in their window (tests; a graceful shutdown). */
export async function flushAuditSummaries(): Promise<void> {
  for (const [key, window] of state.windows) close(key, window);
  await Promise.all([...state.writes]);
}

function close(key: string, window: Window) {
  if (state.windows.get(key) === window) state.windows.delete(key);
  const extra = window.extra;
  window.extra = 0;
  if (extra > 0) void track(upsert(window.entry, extra));
}

function track(write: Promise<void>): Promise<void> {
  state.writes.add(write);
  void write.finally(() => state.writes.delete(write));
  return write;
}

async function upsert(entry: NewAuditEntry & { summaryKey: string }, count: number): Promise<void> {
  try {
    const db = await getDb();
    await db
      .insert(auditLog)
      .values({ ...entry, count })
      .onConflictDoUpdate({ target: auditLog.summaryKey, set: { count: sql`${auditLog.count} + ${count}` } });
  } catch (error) {
    logFailure(entry.action, error, count);
  }
}

function logFailure(action: string, error: unknown, count = 1) {
  log.error('audit_write_failed', { action, count, error: describeError(error) });
}
