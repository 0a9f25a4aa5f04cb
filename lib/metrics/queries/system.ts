import 'server-only';
import { sql } from 'drizzle-orm';
import { fillBuckets, fillSeries } from '../buckets';
import type { Filters, TimeRange } from '../range';
import { bucketOf, epochMs, minutes, query, scoped, typeIs } from '../sql';
import { httpByBucket, httpByRoute, sumCounts } from './http';
import { int, num, ratio } from '../stats';
import type { ResourceSeries, Scope, System } from '../types';

const TOP_ROUTES = 50;
const TOP_ERRORS = 50;

export async function getSystem(scope: Scope, range: TimeRange, filters: Filters): Promise<System> {
  const [http, rateLimits, resources, errors] = await Promise.all([
    httpStats(scope, range, filters),
    rateLimitStats(scope, range, filters),
    resourceStats(scope, range, filters),
    errorStream(scope, range, filters),
  ]);
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    bucketMs: range.bucketMs,
    ...http,
    rateLimits,
    resources,
    errors,
    dependencies: null,
  };
}

async function httpStats(scope: Scope, range: TimeRange, filters: Filters) {
  const [buckets, routes] = await Promise.all([
    httpByBucket(scope, range, filters),
    httpByRoute(scope, range, filters, TOP_ROUTES),
  ]);
  const span = minutes(range);
  const total = sumCounts(buckets);
  return {
    http: {
      requests: total.requests,
      requestsPerMinute: total.requests / span,
      successRate: ratio(total.ok, total.requests),
      clientErrorRate: ratio(total.clientErrors, total.requests),
      serverErrorRate: ratio(total.serverErrors, total.requests),
      series: fillBuckets(
        buckets,
        range,
        (b) => ({
          requests: b.requests,
          clientErrors: b.clientErrors,
          serverErrors: b.serverErrors,
          clientErrorRate: ratio(b.clientErrors, b.requests),
          serverErrorRate: ratio(b.serverErrors, b.requests),
        }),
        { requests: 0, clientErrors: 0, serverErrors: 0, clientErrorRate: null, serverErrorRate: null },
      ),
    },
    routes: routes.map((r) => ({
      route: r.route,
      requests: r.requests,
      requestsPerMinute: r.requests / span,
      successRate: ratio(r.ok, r.requests),
      clientErrors: r.clientErrors,
      serverErrors: r.serverErrors,
      p95Ms: r.p95Ms,
    })),
  };
}

async function rateLimitStats(scope: Scope, range: TimeRange, filters: Filters) {
  const rows = await query<{ route: string; hits: unknown }>(sql`
    select coalesce(route, '(none)') as route, count(*) as hits
    from events
    where ${scoped(scope, range, filters)} and ${typeIs('rate_limit')}
    group by 1
    order by 2 desc, 1`);
  const byRoute = rows.map((r) => ({ route: r.route, hits: int(r.hits) }));
  return { total: byRoute.reduce((sum, r) => sum + r.hits, 0), byRoute };
}

type ResourceRow = {
  service: string;
  resource: 'cpu' | 'memory';
  unit: string | null;
  bucket: unknown;
  total: unknown;
  n: unknown;
  max: unknown;
};

/** Sum, count and max per bucket (hash-aggregated); the whole range's avg and max follow from them exactly. */
async function resourceStats(scope: Scope, range: TimeRange, filters: Filters): Promise<ResourceSeries[]> {
  const bucket = bucketOf(range.bucketMs);
  // Grouping every metric by its name's prefix and filtering afterwards lets Postgres hash-aggregate in one
  // pass; a WHERE on the name made it misestimate, sort and spill.
  const rows = (
    await query<ResourceRow & { prefix: string }>(sql`
      select service, lower(left(name, 3)) as prefix, unit, ${epochMs(bucket)} as bucket,
        sum(value) as total, count(*) as n, max(value) as max
      from events
      where ${scoped(scope, range, filters)} and ${typeIs('metric')}
      group by service, lower(left(name, 3)), unit, ${bucket}`)
  )
    .filter((r) => r.prefix === 'cpu' || r.prefix === 'mem')
    .map((r) => ({ ...r, resource: r.prefix === 'cpu' ? ('cpu' as const) : ('memory' as const) }));
  const keyed = rows.map((r) => ({
    ...r,
    key: JSON.stringify([r.service, r.resource, r.unit]),
    bucket: num(r.bucket)!,
  }));
  const totals = new Map<string, { row: ResourceRow; total: number; n: number; max: number | null }>();
  for (const r of keyed) {
    const t = totals.get(r.key) ?? { row: r, total: 0, n: 0, max: null };
    t.total += num(r.total) ?? 0;
    t.n += int(r.n);
    const max = num(r.max);
    if (max !== null) t.max = Math.max(t.max ?? max, max);
    totals.set(r.key, t);
  }
  return fillSeries(keyed, range, (r) => ({ avg: ratio(num(r.total), int(r.n)), max: num(r.max) }), {
    avg: null,
    max: null,
  })
    .map(({ key, points }) => {
      const t = totals.get(key)!;
      return {
        service: t.row.service,
        resource: t.row.resource,
        unit: t.row.unit,
        avg: ratio(t.total, t.n),
        max: t.max,
        points,
      };
    })
    .sort(
      (a, b) =>
        a.service.localeCompare(b.service) ||
        a.resource.localeCompare(b.resource) ||
        (a.unit ?? '').localeCompare(b.unit ?? ''),
    );
}

async function errorStream(scope: Scope, range: TimeRange, filters: Filters) {
  const rows = await query<{
    error_type: string;
    route: string | null;
    message: string;
    sources: string | null;
    n: unknown;
    last_seen: unknown;
  }>(sql`
    select error_type, route, message, string_agg(distinct source, ',') as sources, count(*) as n,
      ${epochMs('max(ts)')} as last_seen
    from events
    where ${scoped(scope, range, filters)} and ${typeIs('error')}
    group by 1, 2, 3
    order by 6 desc, 5 desc
    limit ${TOP_ERRORS}`);
  return rows.map((r) => ({
    errorType: r.error_type,
    route: r.route,
    message: r.message,
    sources: r.sources ? r.sources.split(',') : [],
    count: int(r.n),
    lastSeen: new Date(num(r.last_seen)!).toISOString(),
  }));
}
