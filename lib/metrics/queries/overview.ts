import 'server-only';
import { sql } from 'drizzle-orm';
import type { Filters, TimeRange } from '../range';
import { pct, query, scoped, typeIs, type Window } from '../sql';
import { int, num, ratio, trend } from '../stats';
import { OVERVIEW_FIGURES, type Overview, type OverviewFigures, type Scope } from '../types';
import { activityRows } from './activity';
import { httpTotals } from './http';

export async function getOverview(scope: Scope, range: TimeRange, filters: Filters): Promise<Overview> {
  const [figures, previous] = await Promise.all([
    overviewFigures(scope, range, filters),
    overviewFigures(scope, range.previous, filters),
  ]);
  const trends = Object.fromEntries(
    OVERVIEW_FIGURES.map((key) => [key, trend(figures[key], previous[key])]),
  ) as OverviewFigures;
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    bucketMs: range.bucketMs,
    figures,
    previous: { ...previous, from: range.previous.from.toISOString(), to: range.previous.to.toISOString() },
    trends,
  };
}

/** The headline figures of one window: one statement per event type, run in parallel. */
export async function overviewFigures(
  scope: Scope,
  window: Window,
  filters: Filters,
): Promise<OverviewFigures> {
  const where = scoped(scope, window, filters);
  const [http, [response], [ai], [cache], [feedback], [users]] = await Promise.all([
    httpTotals(scope, window, filters),
    query<{ p50: unknown; p95: unknown; p99: unknown }>(sql`
      select ${pct(0.5, 'duration_ms')} as p50, ${pct(0.95, 'duration_ms')} as p95, ${pct(0.99, 'duration_ms')} as p99
      from events where ${where} and ${typeIs('response.sent')}`),
    query<{ calls: unknown; errors: unknown; tokens_in: unknown; tokens_out: unknown; cost: unknown }>(sql`
      select count(*) as calls, count(*) filter (where status = 'error') as errors,
        sum(input_tokens) as tokens_in, sum(output_tokens) as tokens_out, sum(cost_usd) as cost
      from events where ${scoped(scope, window, filters, { model: true })} and ${typeIs('ai.call')}`),
    query<{ gets: unknown; hits: unknown }>(sql`
      select count(*) as gets, count(*) filter (where hit) as hits
      from events where ${where} and ${typeIs('cache')} and operation = 'get'`),
    query<{ ratings: unknown; good: unknown }>(sql`
      select count(*) as ratings, count(*) filter (where score >= 4) as good
      from events where ${where} and ${typeIs('feedback')}`),
    query<{ users: unknown }>(sql`
      select count(distinct user_id) as users from (${activityRows(scope, window, filters)}) as a`),
  ]);
  const aiCalls = int(ai?.calls);
  return {
    requests: http.requests || null,
    errorRate: ratio(http.serverErrors, http.requests),
    p50ResponseMs: num(response?.p50),
    p95ResponseMs: num(response?.p95),
    p99ResponseMs: num(response?.p99),
    activeUsers: int(users?.users) || null,
    aiCalls: aiCalls || null,
    aiErrorRate: ratio(int(ai?.errors), aiCalls),
    tokensIn: num(ai?.tokens_in),
    tokensOut: num(ai?.tokens_out),
    costUsd: num(ai?.cost),
    cacheHitRate: ratio(int(cache?.hits), int(cache?.gets)),
    satisfaction: ratio(int(feedback?.good), int(feedback?.ratings)),
  };
}
