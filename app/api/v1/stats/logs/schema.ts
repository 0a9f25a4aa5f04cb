import { z } from 'zod';
import { AppError } from '@/lib/http/errors';
import { readQuery } from '@/lib/http/query-params';
import { parseFilters, parseRange, RANGES } from '@/lib/metrics/range';
import { decodeCursor } from '@/lib/metrics/search';
import { LOG_LEVELS, MAX_LOG_LIMIT, type LogQuery } from '@/lib/metrics/types';

export const DEFAULT_LOG_LIMIT = 50;

const text = z.string().max(256, 'must be at most 256 characters').optional();

/** Every parameter of the logs read API; anything else is a 400 naming it. */
export const LOGS_PARAMS = [
  'project',
  'range',
  'from',
  'to',
  'levels',
  'service',
  'event',
  'user',
  'trace',
  'q',
  'cursor',
  'limit',
] as const;
/** Names clients guess (an older README documented the first three): the 400 points to the real one. */
const LOGS_PARAM_HINTS = {
  userId: 'user',
  traceId: 'trace',
  text: 'q',
  level: 'levels',
  search: 'q',
} as const;

export const logsQuerySchema = z.strictObject({
  from: text,
  to: text,
  range: z.enum(RANGES, { message: `must be one of ${RANGES.join(', ')}` }).optional(),
  project: text,
  /** Comma-separated, e.g. `warn,error`. */
  levels: z
    .string()
    .trim()
    .optional()
    .transform((v) =>
      v
        ? v
            .split(',')
            .map((l) => l.trim())
            .filter(Boolean)
        : [],
    )
    .pipe(
      z.array(z.enum(LOG_LEVELS, { message: `must be a comma-separated list of ${LOG_LEVELS.join(', ')}` })),
    ),
  service: text,
  event: text,
  user: text,
  trace: text,
  q: text,
  cursor: z.string().optional(),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, `must be a whole number from 1 to ${MAX_LOG_LIMIT}`)
    .transform(Number)
    .pipe(
      z
        .number()
        .min(1, `must be from 1 to ${MAX_LOG_LIMIT}`)
        .max(MAX_LOG_LIMIT, `must be from 1 to ${MAX_LOG_LIMIT}`),
    )
    .default(DEFAULT_LOG_LIMIT),
});

/** The query string of `GET /api/v1/stats/logs`. */
export function parseLogsQuery(
  params: URLSearchParams,
  now = new Date(),
): { project: string | null; query: LogQuery } {
  const parsed = logsQuerySchema.safeParse(readQuery(params, LOGS_PARAMS, LOGS_PARAM_HINTS));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError('bad_request', `"${String(issue.path[0] ?? 'query')}": ${issue.message}`);
  }
  const q = parsed.data;
  const range = parseRange({ from: q.from, to: q.to, range: q.range }, now);
  const { service } = parseFilters({ service: q.service });
  if (q.cursor) decodeCursor(q.cursor, now);
  return {
    project: q.project || null,
    query: {
      from: range.from,
      to: range.to,
      levels: q.levels,
      service,
      event: q.event || null,
      userId: q.user || null,
      traceId: q.trace || null,
      text: q.q || null,
      cursor: q.cursor || null,
      limit: q.limit,
    },
  };
}
