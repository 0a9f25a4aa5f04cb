import 'server-only';
import { sql } from 'drizzle-orm';
import { fillBuckets } from '../buckets';
import type { Filters, TimeRange } from '../range';
import { at, bucketOf, epochMs, pct, query, scoped, typeIs } from '../sql';
import { int, num, ratio } from '../stats';
import type { Experience, RouteStat, Scope, WebVitalsP75 } from '../types';
import { activityRows } from './activity';
import { httpByBucket, httpByRoute, sumCounts } from './http';

const DAY = 86_400_000;
const TOP_ROUTES = 10;
/** Routes ranked by p95 are taken from the busiest ones, so one stray request cannot top the list. */
const ROUTE_POOL = 200;
const TOP_PAGES = 20;

export async function getExperience(scope: Scope, range: TimeRange, filters: Filters): Promise<Experience> {
  const [series, totals, buckets, routes, users, sessions, satisfaction, webVitals] = await Promise.all([
    responseSeries(scope, range, filters),
    responseTotals(scope, range, filters),
    httpByBucket(scope, range, filters),
    httpByRoute(scope, range, filters, ROUTE_POOL),
    activeUsers(scope, range, filters),
    sessionStats(scope, range, filters),
    satisfactionStats(scope, range, filters),
    webVitalStats(scope, range, filters),
  ]);
  const http = sumCounts(buckets);
  const routeStats: RouteStat[] = routes.map((r) => ({
    route: r.route,
    requests: r.requests,
    serverErrors: r.serverErrors,
    errorRate: ratio(r.serverErrors, r.requests),
    p95Ms: r.p95Ms,
  }));
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    bucketMs: range.bucketMs,
    response: { ...totals.response, series },
    streaming: totals.streaming,
    responseLength: totals.responseLength,
    errors: {
      requests: http.requests,
      serverErrors: http.serverErrors,
      errorRate: ratio(http.serverErrors, http.requests),
      series: fillBuckets(
        buckets,
        range,
        (b) => ({
          requests: b.requests,
          serverErrors: b.serverErrors,
          errorRate: ratio(b.serverErrors, b.requests),
        }),
        { requests: 0, serverErrors: 0, errorRate: null },
      ),
    },
    users,
    sessions,
    satisfaction,
    webVitals,
    routes: {
      byVolume: routeStats.slice(0, TOP_ROUTES),
      byP95: [...routeStats]
        .sort((a, b) => (b.p95Ms ?? -1) - (a.p95Ms ?? -1) || a.route.localeCompare(b.route))
        .slice(0, TOP_ROUTES),
    },
  };
}

type SeriesRow = {
  bucket: unknown;
  n: unknown;
  p50: unknown;
  p95: unknown;
  p99: unknown;
  ttft50: unknown;
  ttft95: unknown;
};

async function responseSeries(scope: Scope, range: TimeRange, filters: Filters) {
  const bucket = bucketOf(range.bucketMs);
  const rows = await query<SeriesRow>(sql`
    select ${epochMs(bucket)} as bucket, count(*) as n,
      ${pct(0.5, 'duration_ms')} as p50, ${pct(0.95, 'duration_ms')} as p95, ${pct(0.99, 'duration_ms')} as p99,
      ${pct(0.5, 'ttft_ms')} as ttft50, ${pct(0.95, 'ttft_ms')} as ttft95
    from events
    where ${scoped(scope, range, filters)} and ${typeIs('response.sent')}
    group by ${bucket}`);
  return fillBuckets(
    rows.map((r) => ({ ...r, bucket: num(r.bucket)! })),
    range,
    (r) => ({
      count: int(r.n),
      p50Ms: num(r.p50),
      p95Ms: num(r.p95),
      p99Ms: num(r.p99),
      ttftP50Ms: num(r.ttft50),
      ttftP95Ms: num(r.ttft95),
    }),
    { count: 0, p50Ms: null, p95Ms: null, p99Ms: null, ttftP50Ms: null, ttftP95Ms: null },
  );
}

async function responseTotals(scope: Scope, range: TimeRange, filters: Filters) {
  const [r] = await query<Record<string, unknown>>(sql`
    select count(*) as n,
      ${pct(0.5, 'duration_ms')} as p50, ${pct(0.95, 'duration_ms')} as p95, ${pct(0.99, 'duration_ms')} as p99,
      ${pct(0.5, 'ttft_ms')} as ttft50, ${pct(0.95, 'ttft_ms')} as ttft95, ${pct(0.99, 'ttft_ms')} as ttft99,
      count(*) filter (where streamed) as streamed,
      ${pct(0.5, 'ttft_ms', 'streamed')} as s50, ${pct(0.95, 'ttft_ms', 'streamed')} as s95,
      ${pct(0.99, 'ttft_ms', 'streamed')} as s99,
      avg(length) as len_avg, ${pct(0.5, 'length')} as len50
    from events
    where ${scoped(scope, range, filters)} and ${typeIs('response.sent')}`);
  return {
    response: {
      count: int(r?.n),
      durationMs: { p50: num(r?.p50), p95: num(r?.p95), p99: num(r?.p99) },
      ttftMs: { p50: num(r?.ttft50), p95: num(r?.ttft95), p99: num(r?.ttft99) },
    },
    streaming: { count: int(r?.streamed), ttftMs: { p50: num(r?.s50), p95: num(r?.s95), p99: num(r?.s99) } },
    responseLength: { avg: num(r?.len_avg), p50: num(r?.len50) },
  };
}

/** DAU, WAU and MAU as rolling windows ending at `to`, from each user's last event. */
async function activeUsers(scope: Scope, range: TimeRange, filters: Filters) {
  const to = range.to;
  const month = { from: new Date(to.getTime() - 30 * DAY), to };
  const [row] = await query<{ dau: unknown; wau: unknown; mau: unknown }>(sql`
    select count(*) filter (where last_seen >= ${at(new Date(to.getTime() - DAY))}) as dau,
      count(*) filter (where last_seen >= ${at(new Date(to.getTime() - 7 * DAY))}) as wau,
      count(*) as mau
    from (
      select user_id, max(last_ts) as last_seen from (${activityRows(scope, month, filters)}) as a
      where user_id is not null
      group by user_id
    ) as u`);
  const dau = int(row?.dau);
  const mau = int(row?.mau);
  return { dau, wau: int(row?.wau), mau, stickiness: ratio(dau, mau) };
}

async function sessionStats(scope: Scope, range: TimeRange, filters: Filters) {
  const [row] = await query<{ sessions: unknown; messages: unknown; avg_ms: unknown; p50_ms: unknown }>(sql`
    select count(*) as sessions, sum(messages) as messages, avg(duration_ms) as avg_ms,
      ${pct(0.5, 'duration_ms')} as p50_ms
    from (
      select session_id, ${epochMs('max(last_ts) - min(first_ts)')} as duration_ms, sum(messages) as messages
      from (${activityRows(scope, range, filters)}) as a
      where session_id is not null
      group by session_id
    ) as s`);
  const count = int(row?.sessions);
  return {
    count,
    messagesPerSession: ratio(int(row?.messages), count),
    avgDurationMs: num(row?.avg_ms),
    p50DurationMs: num(row?.p50_ms),
  };
}

async function satisfactionStats(scope: Scope, range: TimeRange, filters: Filters) {
  const rows = await query<{ score: unknown; n: unknown }>(sql`
    select score, count(*) as n from events
    where ${scoped(scope, range, filters)} and ${typeIs('feedback')}
    group by score`);
  const counts = new Map(rows.map((r) => [int(r.score), int(r.n)]));
  const distribution = [1, 2, 3, 4, 5].map((score) => ({ score, count: counts.get(score) ?? 0 }));
  const count = distribution.reduce((sum, d) => sum + d.count, 0);
  const good = distribution.filter((d) => d.score >= 4).reduce((sum, d) => sum + d.count, 0);
  const total = distribution.reduce((sum, d) => sum + d.score * d.count, 0);
  return { count, share: ratio(good, count), average: ratio(total, count), distribution };
}

type VitalRow = { path: string | null; by_page: boolean; name: string; p75: unknown; n: unknown };

async function webVitalStats(scope: Scope, range: TimeRange, filters: Filters) {
  const rows = await query<VitalRow>(sql`
    select coalesce(path, '(none)') as path, grouping(path) = 0 as by_page, name,
      ${pct(0.75, 'value')} as p75, count(*) as n
    from events
    where ${scoped(scope, range, filters)} and ${typeIs('web.vital')} and name in ('LCP', 'INP', 'CLS')
    group by grouping sets ((name, path), (name))`);
  const summarize = (group: VitalRow[]): WebVitalsP75 => {
    const p75 = (name: string) => num(group.find((r) => r.name === name)?.p75);
    return {
      lcp: p75('LCP'),
      inp: p75('INP'),
      cls: p75('CLS'),
      samples: group.reduce((sum, r) => sum + int(r.n), 0),
    };
  };
  const pages = new Map<string, VitalRow[]>();
  for (const row of rows.filter((r) => r.by_page)) {
    const group = pages.get(row.path!);
    if (group) group.push(row);
    else pages.set(row.path!, [row]);
  }
  return {
    overall: summarize(rows.filter((r) => !r.by_page)),
    byPage: [...pages]
      .map(([path, group]) => ({ path, ...summarize(group) }))
      .sort((a, b) => b.samples - a.samples || a.path.localeCompare(b.path))
      .slice(0, TOP_PAGES),
  };
}
