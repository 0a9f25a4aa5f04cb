import { LOG_LEVELS, type LogLevel } from '@/lib/metrics/types';
import type { SearchParams } from '@/lib/dashboard/context';

export type LogFilters = {
  levels: LogLevel[];
  event: string | null;
  userId: string | null;
  traceId: string | null;
  text: string | null;
  cursor: string | null;
};

const first = (value: string | string[] | undefined) => {
  const v = (Array.isArray(value) ? value[0] : value)?.trim();
  return v ? v.slice(0, 256) : null;
};

/** Log filters from the URL: `levels=warn,error`, `event`, `user`, `trace`, `q` (text) and `cursor`. */
export function parseLogFilters(params: SearchParams): LogFilters {
  const levels = (first(params.levels) ?? '')
    .split(',')
    .filter((l): l is LogLevel => (LOG_LEVELS as readonly string[]).includes(l));
  return {
    levels,
    event: first(params.event),
    userId: first(params.user),
    traceId: first(params.trace),
    text: first(params.q),
    cursor: first(params.cursor),
  };
}
