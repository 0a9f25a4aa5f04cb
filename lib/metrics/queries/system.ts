import 'server-only';
import { fillBuckets, fillSeries } from '../buckets';
import type { Filters, TimeRange } from '../range';
import { minutes } from '../sql';
import { readRollups, type RollupRow } from '../rollups/read';
import { readFigures, readTotals } from './figures';
import { httpByBucket, httpByRoute, sumCounts } from './http';
import { ratio } from '../stats';
import type { ResourceSeries, Scope, System } from '../types';

const TOP_ROUTES = 50;
const TOP_ERRORS = 50;

export async function getSystem(scope: Scope, range: TimeRange, filters: Filters): Promise<System> {
  const [http, rateLimits, logins, resources, errors] = await Promise.all([
    httpStats(scope, range, filters),
    rateLimitStats(scope, range, filters),
    readTotals(scope, range, filters, ['failed_logins']),
    resourceStats(scope, range, filters),
    errorStream(scope, range, filters),
  ]);
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    bucketMs: range.bucketMs,
    ...http,
    rateLimits,
    logins: { attempts: logins.failed_logins.samples, failures: logins.failed_logins.value ?? 0 },
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
  const rows = await readFigures(scope, range, filters, ['rate_limit_hits'], { groupBy: ['path'] });
  const byRoute = rows
    .map((r) => ({ route: r.key.path || '(none)', hits: r.values.rate_limit_hits.value ?? 0 }))
    .filter((r) => r.hits > 0)
    .sort((a, b) => b.hits - a.hits || a.route.localeCompare(b.route));
  return { total: byRoute.reduce((sum, r) => sum + r.hits, 0), byRoute };
}

/** CPU and memory metrics (by name prefix) per service and unit: average and maximum per bucket and overall. */
async function resourceStats(scope: Scope, range: TimeRange, filters: Filters): Promise<ResourceSeries[]> {
  const read = (bucketMs: number | null) =>
    readFigures(scope, range, filters, ['metric_average', 'metric_max'], {
      groupBy: ['service', 'name', 'class'],
      bucketMs,
    });
  const [buckets, totals] = await Promise.all([read(range.bucketMs), read(null)]);
  const resourceOf = (name: string | undefined) => {
    const prefix = (name ?? '').slice(0, 3).toLowerCase();
    return prefix === 'cpu' ? ('cpu' as const) : prefix === 'mem' ? ('memory' as const) : null;
  };
  const keyOf = (r: (typeof totals)[number]) =>
    JSON.stringify([r.key.service, resourceOf(r.key.name), r.key.class]);
  const overall = new Map<
    string,
    {
      service: string;
      resource: 'cpu' | 'memory';
      unit: string | null;
      sum: number;
      n: number;
      max: number | null;
    }
  >();
  for (const r of totals) {
    const resource = resourceOf(r.key.name);
    if (!resource) continue;
    const key = keyOf(r);
    const t = overall.get(key) ?? {
      service: r.key.service!,
      resource,
      unit: r.key.class || null,
      sum: 0,
      n: 0,
      max: null,
    };
    const { value: avg, samples } = r.values.metric_average;
    t.sum += (avg ?? 0) * samples;
    t.n += samples;
    const max = r.values.metric_max.value;
    if (max !== null) t.max = Math.max(t.max ?? max, max);
    overall.set(key, t);
  }
  const keyed = buckets
    .filter((r) => resourceOf(r.key.name) !== null)
    .map((r) => ({
      key: keyOf(r),
      bucket: r.bucket!,
      avg: r.values.metric_average,
      max: r.values.metric_max.value,
    }));
  // Several names of one resource (cpu.user, cpu.system) share a series: merge them per bucket.
  const merged = new Map<
    string,
    { key: string; bucket: number; sum: number; n: number; max: number | null }
  >();
  for (const r of keyed) {
    const id = `${r.key} ${r.bucket}`;
    const m = merged.get(id) ?? { key: r.key, bucket: r.bucket, sum: 0, n: 0, max: null };
    m.sum += (r.avg.value ?? 0) * r.avg.samples;
    m.n += r.avg.samples;
    if (r.max !== null) m.max = Math.max(m.max ?? r.max, r.max);
    merged.set(id, m);
  }
  return fillSeries([...merged.values()], range, (r) => ({ avg: ratio(r.sum, r.n), max: r.max }), {
    avg: null,
    max: null,
  })
    .map(({ key, points }) => {
      const t = overall.get(key)!;
      return {
        service: t.service,
        resource: t.resource,
        unit: t.unit,
        avg: ratio(t.sum, t.n),
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

/**
 * The error list: per error type, route and message, its count, sources and last time, the latest first. Whole
 * days and weeks from error_rollups, the edges and the tail raw: the TOP_ERRORS latest in one statement (counted
 * and ordered in SQL, however many distinct errors the range holds), then the sources of those.
 */
async function errorStream(scope: Scope, range: TimeRange, filters: Filters) {
  const key = ['error_type', 'path', 'message'] as const;
  const latest = await readRollups(scope, range, filters, {
    table: 'errors',
    types: ['error'],
    groupBy: key,
    measures: ['n', 'last_ms'],
    top: { by: ['last_ms', 'n'], limit: TOP_ERRORS },
  });
  if (latest.length === 0) return [];
  const bySource = await readRollups(scope, range, filters, {
    table: 'errors',
    types: ['error'],
    where: { message: [...new Set(latest.map((r) => r.key.message ?? ''))] },
    groupBy: [...key, 'name'],
    measures: ['n'],
  });
  const idOf = (k: RollupRow['key']) => JSON.stringify(key.map((d) => k[d] ?? ''));
  const sources = new Map<string, Set<string>>();
  for (const r of bySource) {
    if (!r.key.name || !r.values.n) continue;
    const id = idOf(r.key);
    sources.set(id, (sources.get(id) ?? new Set()).add(r.key.name));
  }
  return latest
    .filter((r) => (r.values.n ?? 0) > 0)
    .sort(
      (a, b) => (b.values.last_ms ?? 0) - (a.values.last_ms ?? 0) || (b.values.n ?? 0) - (a.values.n ?? 0),
    )
    .map((r) => ({
      errorType: r.key.error_type ?? '',
      route: r.key.path || null,
      message: r.key.message ?? '',
      sources: [...(sources.get(idOf(r.key)) ?? [])].sort(),
      count: r.values.n ?? 0,
      lastSeen: new Date(r.values.last_ms!).toISOString(),
    }));
}
