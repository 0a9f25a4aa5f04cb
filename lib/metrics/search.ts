import { AppError } from '@/lib/http/errors';
import { inDateWindow, parseIsoDate } from '@/lib/http/query-params';

/** Escapes LIKE wildcards so user text matches literally (backslash is Postgres' default escape). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The keyset position after the last entry of a logs page: its ts (microseconds, UTC) and event id. */
export type LogCursor = { tsKey: string; eventId: string };

/** Longest cursor accepted: a 128-character event id with every character JSON-escaped (1,071) fits. */
export const MAX_CURSOR_LENGTH = 1200;
const MAX_EVENT_ID_LENGTH = 128;
const TS_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const BAD_CURSOR = '"cursor" is not one this API returned; drop it to start from the newest.';

export function encodeCursor(tsKey: string, eventId: string): string {
  return Buffer.from(JSON.stringify([tsKey, eventId])).toString('base64url');
}

/**
 * The position a cursor of `encodeCursor` holds; 400 for anything else: not base64url, not the exact JSON
 * this API writes, a ts that is no real date within the readable window, or an event id no event can have.
 */
export function decodeCursor(cursor: string, now: Date = new Date()): LogCursor {
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw badCursor();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!Array.isArray(value) || value.length !== 2) throw badCursor();
  const [tsKey, eventId] = value as unknown[];
  if (typeof tsKey !== 'string' || typeof eventId !== 'string') throw badCursor();
  if (!TS_KEY.test(tsKey) || !inDateWindow(parseIsoDate(tsKey.slice(0, 23)), now)) throw badCursor();
  if (!isStorableEventId(eventId)) throw badCursor();
  // Only the exact bytes this API hands out: no padding, whitespace, other JSON spellings or extra bits.
  if (encodeCursor(tsKey, eventId) !== cursor) throw badCursor();
  return { tsKey, eventId };
}

/** An id ingest accepts and Postgres stores: 1 to 128 characters, no NUL, no half surrogate pair. */
function isStorableEventId(id: string): boolean {
  return id.length >= 1 && id.length <= MAX_EVENT_ID_LENGTH && !id.includes('\u0000') && id.isWellFormed();
}

function badCursor(): AppError {
  return new AppError('bad_request', BAD_CURSOR);
}
