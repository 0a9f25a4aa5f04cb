import { z } from 'zod';
import { AppError } from '@/lib/http/errors';
import { quote, readQuery } from '@/lib/http/query-params';
import {
  parseBucket,
  parseFilters,
  parseRange,
  RANGES,
  type Filters,
  type TimeRange,
} from '@/lib/metrics/range';

export const DASHBOARDS = ['overview', 'experience', 'ai', 'system'] as const;
export type Dashboard = (typeof DASHBOARDS)[number];

const text = z.string().max(256, 'must be at most 256 characters').optional();

/** Every parameter of the dashboards' read API; anything else is a 400 naming it. */
export const STATS_PARAMS = [
  'project',
  'range',
  'from',
  'to',
  'bucket',
  'service',
  'environment',
  'model',
] as const;

export const statsQuerySchema = z.strictObject({
  from: text,
  to: text,
  range: z.enum(RANGES, { message: `must be one of ${RANGES.join(', ')}` }).optional(),
  bucket: text,
  project: text,
  service: text,
  environment: text,
  model: text,
});

export type StatsQuery = { project: string | null; range: TimeRange; filters: Filters };

/** The query string of `GET /api/v1/stats/<dashboard>`: a 400 with a message that says what to fix. */
export function parseStatsQuery(params: URLSearchParams, now = new Date()): StatsQuery {
  const parsed = statsQuerySchema.safeParse(readQuery(params, STATS_PARAMS));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError('bad_request', `"${String(issue.path[0] ?? 'query')}": ${issue.message}`);
  }
  const q = parsed.data;
  const range = parseRange({ from: q.from, to: q.to, range: q.range }, now);
  if (q.bucket) range.bucketMs = parseBucket(q.bucket, range.to.getTime() - range.from.getTime());
  return { project: q.project || null, range, filters: parseFilters(q) };
}

export function parseDashboard(value: string): Dashboard {
  if ((DASHBOARDS as readonly string[]).includes(value)) return value as Dashboard;
  throw new AppError(
    'not_found',
    `No dashboard ${quote(value)}: use one of ${DASHBOARDS.join(', ')}, or logs.`,
  );
}
