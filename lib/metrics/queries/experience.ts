import 'server-only';
import { fillBuckets } from '../buckets';
import type { Filters, TimeRange } from '../range';
import { ratio } from '../stats';
import type { Experience, RouteStat, Scope, WebVitalsP75 } from '../types';
import { readActiveUsersAt } from '../rollups/read';
import { ANY_TYPE } from '../rollups/shape';
import { readFigureViews, readFigures, readTotals } from './figures';
import { httpByBucket, httpByRoute, sumCounts } from './http';
import { sessionStats } from './sessions';

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

async function responseSeries(scope: Scope, range: TimeRange, filters: Filters) {
  const rows = await readFigures(
    scope,
    range,
    filters,
    [
      'responses',
      'p50_response_ms',
      'p95_response_ms',
      'p99_response_ms',
      'p50_ttft_ms',
      'p95_ttft_ms',
      'p95_first_response_ms',
    ],
    { bucketMs: range.bucketMs },
  );
  return fillBuckets(
    rows.map((r) => ({ ...r.values, bucket: r.bucket! })),
    range,
    (r) => ({
      count: r.responses.value ?? 0,
      p50Ms: r.p50_response_ms.value,
      p95Ms: r.p95_response_ms.value,
      p99Ms: r.p99_response_ms.value,
      ttftP50Ms: r.p50_ttft_ms.value,
      ttftP95Ms: r.p95_ttft_ms.value,
      ttfrP95Ms: r.p95_first_response_ms.value,
    }),
    { count: 0, p50Ms: null, p95Ms: null, p99Ms: null, ttftP50Ms: null, ttftP95Ms: null, ttfrP95Ms: null },
  );
}

async function responseTotals(scope: Scope, range: TimeRange, filters: Filters) {
  const f = await readTotals(scope, range, filters, [
    'responses',
    'p50_response_ms',
    'p95_response_ms',
    'p99_response_ms',
    'p50_ttft_ms',
    'p95_ttft_ms',
    'p99_ttft_ms',
    'streamed_responses',
    'streamed_p50_ttft_ms',
    'streamed_p95_ttft_ms',
    'streamed_p99_ttft_ms',
    'p95_streaming_duration_ms',
    'avg_response_length',
    'p50_response_length',
    'p95_first_response_ms',
  ]);
  return {
    response: {
      count: f.responses.value ?? 0,
      durationMs: {
        p50: f.p50_response_ms.value,
        p95: f.p95_response_ms.value,
        p99: f.p99_response_ms.value,
      },
      ttftMs: { p50: f.p50_ttft_ms.value, p95: f.p95_ttft_ms.value, p99: f.p99_ttft_ms.value },
      firstResponseP95Ms: f.p95_first_response_ms.value,
    },
    streaming: {
      count: f.streamed_responses.value ?? 0,
      ttftMs: {
        p50: f.streamed_p50_ttft_ms.value,
        p95: f.streamed_p95_ttft_ms.value,
        p99: f.streamed_p99_ttft_ms.value,
      },
      durationP95Ms: f.p95_streaming_duration_ms.value,
    },
    responseLength: { avg: f.avg_response_length.value, p50: f.p50_response_length.value },
  };
}

/** DAU, WAU and MAU as rolling windows ending at `to`, exact, from the user sets in one snapshot. */
async function activeUsers(scope: Scope, range: TimeRange, filters: Filters) {
  const to = range.to.getTime();
  const windows = [DAY, 7 * DAY, 30 * DAY].map((span) => ({ from: new Date(to - span), to: range.to }));
  const [dau = 0, wau = 0, mau = 0] = (
    await readActiveUsersAt(scope, windows, filters, { types: [ANY_TYPE] })
  ).map(([all]) => all?.users ?? 0);
  return { dau, wau, mau, stickiness: ratio(dau, mau) };
}

async function satisfactionStats(scope: Scope, range: TimeRange, filters: Filters) {
  const rows = await readFigures(scope, range, filters, ['feedback_count'], { groupBy: ['class'] });
  const counts = new Map(rows.map((r) => [Number(r.key.class), r.values.feedback_count.value ?? 0]));
  const distribution = [1, 2, 3, 4, 5].map((score) => ({ score, count: counts.get(score) ?? 0 }));
  const count = distribution.reduce((sum, d) => sum + d.count, 0);
  const good = distribution.filter((d) => d.score >= 4).reduce((sum, d) => sum + d.count, 0);
  const total = distribution.reduce((sum, d) => sum + d.score * d.count, 0);
  return { count, share: ratio(good, count), average: ratio(total, count), distribution };
}

const VITALS = ['LCP', 'INP', 'CLS'];

async function webVitalStats(scope: Scope, range: TimeRange, filters: Filters) {
  // Every page's vitals merged from the same read as those per page.
  const [byPath = [], overall = []] = await readFigureViews(
    scope,
    range,
    filters,
    ['web_vital_p75', 'web_vitals'],
    { groupBy: ['path', 'name'] },
    [{ groupBy: ['name'] }],
  );
  type Row = (typeof byPath)[number];
  const summarize = (group: Row[]): WebVitalsP75 => {
    const kept = group.filter((r) => VITALS.includes(r.key.name!));
    const p75 = (name: string) => kept.find((r) => r.key.name === name)?.values.web_vital_p75.value ?? null;
    return {
      lcp: p75('LCP'),
      inp: p75('INP'),
      cls: p75('CLS'),
      samples: kept.reduce((sum, r) => sum + (r.values.web_vitals.value ?? 0), 0),
    };
  };
  const pages = new Map<string, Row[]>();
  for (const row of byPath) {
    const path = row.key.path || '(none)';
    pages.set(path, [...(pages.get(path) ?? []), row]);
  }
  return {
    overall: summarize(overall),
    byPage: [...pages]
      .map(([path, group]) => ({ path, ...summarize(group) }))
      .filter((p) => p.samples > 0)
      .sort((a, b) => b.samples - a.samples || a.path.localeCompare(b.path))
      .slice(0, TOP_PAGES),
  };
}
