import type { SearchParams } from '@/lib/dashboard/context';
import { AppError } from '@/lib/http/errors';
import { readPageParam } from '@/lib/http/query-params';
import { decodeCursor } from '@/lib/metrics/search';
import { LOG_LEVELS, type LogLevel } from '@/lib/metrics/types';

export type LogFilters = {
  levels: LogLevel[];
  event: string | null;
  userId: string | null;
  traceId: string | null;
  text: string | null;
  cursor: string | null;
  /** What was wrong with the URL's log filters (they are all dropped then), for the page to show. */
  problem: string | null;
};

const NONE: Omit<LogFilters, 'problem'> = {
  levels: [],
  event: null,
  userId: null,
  traceId: null,
  text: null,
  cursor: null,
};

/**
 * Log filters from the URL: `levels=warn,error`, `event`, `user`, `trace`, `q` (text) and `cursor`; other
 * params are not read here. The page shows the newest logs and says why (`problem`) instead of failing: a
 * control character drops every log filter, a cursor this app did not write drops the cursor.
 */
export function parseLogFilters(params: SearchParams, now: Date = new Date()): LogFilters {
  let filters: Omit<LogFilters, 'problem'>;
  try {
    const param = (name: string) => readPageParam(params[name], name);
    const text = (name: string) => param(name)?.slice(0, 256) ?? null;
    filters = {
      levels: (param('levels') ?? '')
        .split(',')
        .map((l) => l.trim())
        .filter((l): l is LogLevel => (LOG_LEVELS as readonly string[]).includes(l)),
      event: text('event'),
      userId: text('user'),
      traceId: text('trace'),
      text: text('q'),
      cursor: param('cursor'),
    };
  } catch (error) {
    return { ...NONE, problem: `${problemOf(error)} Showing the newest logs without filters instead.` };
  }
  try {
    if (filters.cursor) decodeCursor(filters.cursor, now);
    return { ...filters, problem: null };
  } catch (error) {
    return { ...filters, cursor: null, problem: `${problemOf(error)} Showing the newest logs instead.` };
  }
}

function problemOf(error: unknown): string {
  if (error instanceof AppError) return error.message;
  throw error;
}
