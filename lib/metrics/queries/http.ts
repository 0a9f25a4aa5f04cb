import 'server-only';
import { sql } from 'drizzle-orm';
import type { Filters, TimeRange } from '../range';
import { bucketOf, epochMs, pct, query, scoped, typeIs, type Window } from '../sql';
import { int, num } from '../stats';
import type { Scope } from '../types';

export type StatusCounts = { requests: number; ok: number; clientErrors: number; serverErrors: number };
export type HttpBucket = StatusCounts & { bucket: number };
export type HttpRoute = StatusCounts & { route: string; p95Ms: number | null };

type CountRow = { n: unknown; ok: unknown; client: unknown; server: unknown };

const COUNTS = sql.raw(`count(*) as n,
  count(*) filter (where http_status < 400) as ok,
  count(*) filter (where http_status >= 400 and http_status < 500) as client,
  count(*) filter (where http_status >= 500) as server`);

function counts(r: CountRow | undefined): StatusCounts {
  return { requests: int(r?.n), ok: int(r?.ok), clientErrors: int(r?.client), serverErrors: int(r?.server) };
}

/** `http.request` status classes per bucket: hash-aggregated, no sort. */
export async function httpByBucket(scope: Scope, range: TimeRange, filters: Filters): Promise<HttpBucket[]> {
  const bucket = bucketOf(range.bucketMs);
  const rows = await query<CountRow & { bucket: unknown }>(sql`
    select ${epochMs(bucket)} as bucket, ${COUNTS}
    from events
    where ${scoped(scope, range, filters)} and ${typeIs('http.request')}
    group by ${bucket}`);
  return rows.map((r) => ({ bucket: num(r.bucket)!, ...counts(r) }));
}

export function sumCounts(rows: readonly StatusCounts[]): StatusCounts {
  return rows.reduce(
    (sum, r) => ({
      requests: sum.requests + r.requests,
      ok: sum.ok + r.ok,
      clientErrors: sum.clientErrors + r.clientErrors,
      serverErrors: sum.serverErrors + r.serverErrors,
    }),
    { requests: 0, ok: 0, clientErrors: 0, serverErrors: 0 },
  );
}

/** Status classes and p95 latency per route, busiest first. */
export async function httpByRoute(
  scope: Scope,
  range: TimeRange,
  filters: Filters,
  limit: number,
): Promise<HttpRoute[]> {
  const rows = await query<CountRow & { route: string; p95: unknown }>(sql`
    select route, ${COUNTS}, ${pct(0.95, 'duration_ms')} as p95
    from events
    where ${scoped(scope, range, filters)} and ${typeIs('http.request')}
    group by route
    order by n desc, route
    limit ${limit}`);
  return rows.map((r) => ({ route: r.route, ...counts(r), p95Ms: num(r.p95) }));
}

/** Status classes over a whole window. */
export async function httpTotals(scope: Scope, window: Window, filters: Filters): Promise<StatusCounts> {
  const [row] = await query<CountRow>(sql`
    select ${COUNTS} from events where ${scoped(scope, window, filters)} and ${typeIs('http.request')}`);
  return counts(row);
}
