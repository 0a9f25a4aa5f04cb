import 'server-only';
import type { Filters, TimeRange } from '../range';
import type { Window } from '../sql';
import { trend } from '../stats';
import { OVERVIEW_FIGURES, type Overview, type OverviewFigures, type Scope } from '../types';
import { readTotals } from './figures';

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

/** The headline figures of one window, each a catalog metric, read from rollups in one snapshot. */
export async function overviewFigures(
  scope: Scope,
  window: Window,
  filters: Filters,
): Promise<OverviewFigures> {
  const f = await readTotals(scope, window, filters, [
    'request_count',
    'error_rate',
    'p50_response_ms',
    'p95_response_ms',
    'p99_response_ms',
    'ai_calls',
    'ai_error_rate',
    'ai_tokens_in',
    'ai_tokens_out',
    'ai_cost_usd',
    'cache_hit_rate',
    'satisfaction',
    'active_users',
  ]);
  return {
    requests: f.request_count.value || null,
    errorRate: f.error_rate.value,
    p50ResponseMs: f.p50_response_ms.value,
    p95ResponseMs: f.p95_response_ms.value,
    p99ResponseMs: f.p99_response_ms.value,
    activeUsers: f.active_users.value || null,
    aiCalls: f.ai_calls.value || null,
    aiErrorRate: f.ai_error_rate.value,
    tokensIn: f.ai_tokens_in.value,
    tokensOut: f.ai_tokens_out.value,
    costUsd: f.ai_cost_usd.value,
    cacheHitRate: f.cache_hit_rate.value,
    satisfaction: f.satisfaction.value,
  };
}
