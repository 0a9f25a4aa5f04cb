import { z } from 'zod';
import { AppError } from '@/lib/http/errors';
import { parseFilters, parseRange, RANGES } from '@/lib/metrics/range';
import { LOG_LEVELS, MAX_LOG_LIMIT, type LogQuery } from '@/lib/metrics/types';

export const DEFAULT_LOG_LIMIT = 50;

const text = z.string().trim().max(256).optional();

export const logsQuerySchema = z.object({
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
  cursor: z.string().trim().max(1024).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LOG_LIMIT).default(DEFAULT_LOG_LIMIT),
});

/** The query string of `GET /api/v1/stats/logs`. */
export function parseLogsQuery(
  params: URLSearchParams,
  now = new Date(),
): { project: string | null; query: LogQuery } {
  const parsed = logsQuerySchema.safeParse(Object.fromEntries(params));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError('bad_request', `"${String(issue.path[0] ?? 'query')}": ${issue.message}`);
  }
  const q = parsed.data;
  const range = parseRange({ from: q.from, to: q.to, range: q.range }, now);
  const { service } = parseFilters({ service: q.service });
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
