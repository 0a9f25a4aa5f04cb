import 'server-only';
import { sql } from 'drizzle-orm';
import { fillBuckets, fillSeries } from '../buckets';
import { costPerRequest } from '../cost';
import type { Filters, TimeRange } from '../range';
import { query, scoped, scopedAs, typeIs } from '../sql';
import { int, num, ratio } from '../stats';
import type { Ai, CacheStat, ModelStat, Scope } from '../types';
import { readFigures, readTotals } from './figures';

const DAY = 86_400_000;
const TOP_USERS = 10;
/** A rating is attributed to a call at most this long before it. */
const QUALITY_LOOKBACK_MS = DAY;
/** 1024, 2048, ... 2^30: width_bucket gives 0 below 1024, k for [2^(k+9), 2^(k+10)). */
const CONTEXT_BIN_EDGES = sql.raw(`array[${Array.from({ length: 21 }, (_, i) => 2 ** (i + 10)).join(', ')}]`);

export async function getAi(scope: Scope, range: TimeRange, filters: Filters): Promise<Ai> {
  const [models, errorTypes, series, costPerDay, users, distributions, cache, retrieval, quality] =
    await Promise.all([
      modelStats(scope, range, filters),
      errorTypeCounts(scope, range, filters),
      modelSeries(scope, range, filters),
      dailyCost(scope, range, filters),
      userCosts(scope, range, filters),
      distributionsOf(scope, range, filters),
      cacheStats(scope, range, filters),
      retrievalStats(scope, range, filters),
      qualityByModel(scope, range, filters),
    ]);
  const { total, byModel, llmLookups, llmHits } = models;
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    bucketMs: range.bucketMs,
    totals: {
      calls: total.calls,
      errorRate: total.errorRate,
      costUsd: total.costUsd,
      costPerRequest: total.costPerRequest,
      costPerUser: ratio(users.costOfUsers, users.users),
      users: users.users,
    },
    models: byModel,
    errorTypes,
    series,
    costPerDay,
    costPerUser: users.top,
    ...distributions,
    cache: {
      llm: cacheStat(llmLookups + cache.llm.lookups, llmHits + cache.llm.hits),
      kv: cache.kv,
    },
    retrieval,
    quality,
  };
}

function cacheStat(lookups: number, hits: number): CacheStat {
  return { lookups, hits, hitRate: ratio(hits, lookups) };
}

const MODEL_METRICS = [
  'ai_calls',
  'ai_errors',
  'ai_p50_latency_ms',
  'ai_p95_latency_ms',
  'ai_p99_latency_ms',
  'ai_p50_ttft_ms',
  'ai_p95_ttft_ms',
  'ai_tokens_in',
  'ai_tokens_out',
  'ai_cache_read_tokens',
  'ai_cache_write_tokens',
  'ai_cost_usd',
  'ai_cached_lookups',
  'ai_cached_hits',
] as const;

async function modelStats(scope: Scope, range: TimeRange, filters: Filters) {
  const rows = (await readFigures(scope, range, filters, MODEL_METRICS, { groupBy: ['model'] })).filter(
    (r) => (r.values.ai_calls.value ?? 0) > 0,
  );
  const byModel: ModelStat[] = rows
    .map(({ key, values: v }) => {
      const calls = v.ai_calls.value ?? 0;
      const errors = v.ai_errors.value ?? 0;
      const costUsd = v.ai_cost_usd.value;
      return {
        model: key.model!,
        calls,
        errors,
        errorRate: ratio(errors, calls),
        durationMs: {
          p50: v.ai_p50_latency_ms.value,
          p95: v.ai_p95_latency_ms.value,
          p99: v.ai_p99_latency_ms.value,
        },
        ttftMs: { p50: v.ai_p50_ttft_ms.value, p95: v.ai_p95_ttft_ms.value },
        tokensIn: v.ai_tokens_in.value,
        tokensOut: v.ai_tokens_out.value,
        cacheReadTokens: v.ai_cache_read_tokens.value,
        cacheWriteTokens: v.ai_cache_write_tokens.value,
        costUsd,
        costPerRequest: costPerRequest(costUsd, calls),
      };
    })
    .sort((a, b) => b.calls - a.calls || a.model.localeCompare(b.model));
  const total = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const calls = total(byModel.map((m) => m.calls));
  const costs = byModel.map((m) => m.costUsd).filter((c): c is number => c !== null);
  const costUsd = costs.length > 0 ? total(costs) : null;
  return {
    total: {
      calls,
      errorRate: ratio(total(byModel.map((m) => m.errors)), calls),
      costUsd,
      costPerRequest: costPerRequest(costUsd, calls),
    },
    byModel,
    llmLookups: total(rows.map((r) => r.values.ai_cached_lookups.value ?? 0)),
    llmHits: total(rows.map((r) => r.values.ai_cached_hits.value ?? 0)),
  };
}

async function errorTypeCounts(scope: Scope, range: TimeRange, filters: Filters) {
  const rows = await readFigures(scope, range, filters, ['ai_errors'], { groupBy: ['model', 'name'] });
  return rows
    .map((r) => ({
      model: r.key.model!,
      errorType: r.key.name || 'unknown',
      count: r.values.ai_errors.value ?? 0,
    }))
    .filter((r) => r.count > 0)
    .sort(
      (a, b) => b.count - a.count || a.model.localeCompare(b.model) || a.errorType.localeCompare(b.errorType),
    );
}

async function modelSeries(scope: Scope, range: TimeRange, filters: Filters) {
  const rows = await readFigures(
    scope,
    range,
    filters,
    ['ai_calls', 'ai_tokens_in', 'ai_tokens_out', 'ai_p95_latency_ms'],
    {
      groupBy: ['model'],
      bucketMs: range.bucketMs,
    },
  );
  const bucketMinutes = range.bucketMs / 60_000;
  return fillSeries(
    rows
      .filter((r) => (r.values.ai_calls.value ?? 0) > 0)
      .map((r) => ({ key: r.key.model!, bucket: r.bucket!, ...r.values })),
    range,
    (r) => ({
      calls: r.ai_calls.value ?? 0,
      callsPerMinute: (r.ai_calls.value ?? 0) / bucketMinutes,
      tokensIn: r.ai_tokens_in.value ?? 0,
      tokensOut: r.ai_tokens_out.value ?? 0,
      p95Ms: r.ai_p95_latency_ms.value,
    }),
    { calls: 0, callsPerMinute: 0, tokensIn: 0, tokensOut: 0, p95Ms: null },
  )
    .map(({ key, points }) => ({ model: key, points }))
    .sort((a, b) => a.model.localeCompare(b.model));
}

async function dailyCost(scope: Scope, range: TimeRange, filters: Filters) {
  const rows = await readFigures(scope, range, filters, ['ai_cost_usd'], { bucketMs: DAY });
  return fillBuckets(
    rows.map((r) => ({ bucket: r.bucket!, cost: r.values.ai_cost_usd.value })),
    { from: range.from, to: range.to, bucketMs: DAY },
    (r) => ({ costUsd: r.cost ?? 0 }),
    { costUsd: 0 },
  );
}

async function userCosts(scope: Scope, range: TimeRange, filters: Filters) {
  const rows = await query<{
    user_id: string;
    cost: unknown;
    requests: unknown;
    users: unknown;
    total: unknown;
  }>(sql`
    select user_id, sum(cost_usd) as cost, count(*) as requests,
      count(*) over () as users, sum(sum(cost_usd)) over () as total
    from events
    where ${scoped(scope, range, filters, { model: true })} and ${typeIs('ai.call')} and user_id is not null
    group by user_id
    order by 2 desc nulls last, 1
    limit ${TOP_USERS}`);
  const first = rows[0];
  return {
    users: int(first?.users),
    costOfUsers: num(first?.total),
    top: rows.map((r) => {
      const costUsd = num(r.cost) ?? 0;
      const requests = int(r.requests);
      return { userId: r.user_id, costUsd, requests, costPerRequest: costPerRequest(costUsd, requests) };
    }),
  };
}

/** Temperature (rounded to 0.1) and context length (power-of-two bins) in one scan. */
async function distributionsOf(scope: Scope, range: TimeRange, filters: Filters) {
  const rows = await query<{ temperature: unknown; ctx_bin: unknown; n: unknown }>(sql`
    select round(temperature::float8 * 10) / 10 as temperature,
      width_bucket(context_length, ${CONTEXT_BIN_EDGES}) as ctx_bin,
      count(*) as n
    from events
    where ${scoped(scope, range, filters, { model: true })} and ${typeIs('ai.call')}
      and (temperature is not null or context_length is not null)
    group by grouping sets ((1), (2))`);
  const temperature = rows
    .filter((r) => r.temperature !== null)
    .map((r) => ({ temperature: num(r.temperature)!, count: int(r.n) }))
    .sort((a, b) => a.temperature - b.temperature);
  const bins = new Map(rows.filter((r) => r.ctx_bin !== null).map((r) => [int(r.ctx_bin), int(r.n)]));
  const last = Math.max(-1, ...bins.keys());
  const contextLength = Array.from({ length: last + 1 }, (_, bin) => ({
    lo: bin === 0 ? 0 : 2 ** (bin + 9),
    hi: 2 ** (bin + 10),
    count: bins.get(bin) ?? 0,
  }));
  return { temperature, contextLength };
}

async function cacheStats(scope: Scope, range: TimeRange, filters: Filters) {
  const rows = await readFigures(scope, range, filters, ['cache_lookups', 'cache_hits'], {
    groupBy: ['name'],
  });
  const of = (llm: boolean) => {
    const kept = rows.filter((r) => (r.key.name === 'llm') === llm);
    const sum = (f: (r: (typeof rows)[number]) => number | null) => kept.reduce((s, r) => s + (f(r) ?? 0), 0);
    return cacheStat(
      sum((r) => r.values.cache_lookups.value),
      sum((r) => r.values.cache_hits.value),
    );
  };
  return { llm: of(true), kv: of(false) };
}

async function retrievalStats(scope: Scope, range: TimeRange, filters: Filters) {
  const f = await readTotals(scope, range, filters, [
    'retrievals',
    'retrieval_p50_ms',
    'retrieval_p95_ms',
    'retrieval_avg_results',
  ]);
  return {
    count: f.retrievals.value ?? 0,
    durationMs: { p50: f.retrieval_p50_ms.value, p95: f.retrieval_p95_ms.value },
    avgResults: f.retrieval_avg_results.value,
  };
}

/**
 * Each rating goes to the latest successful call of its conversation at or before it (within
 * QUALITY_LOOKBACK_MS), preferring a call of the rating's own trace: one probe of
 * events_ai_conversation_idx per rating. Ratings without a conversation stay unattributed.
 */
async function qualityByModel(scope: Scope, range: TimeRange, filters: Filters) {
  const lookback = sql.raw(`interval '${QUALITY_LOOKBACK_MS / 1000} seconds'`);
  const rows = await query<{ model: string | null; ratings: unknown; avg_score: unknown; good: unknown }>(sql`
    select a.model, count(*) as ratings, avg(f.score) as avg_score, count(*) filter (where f.score >= 4) as good
    from events as f
    left join lateral (
      select c.model from events as c
      where c.project_id = f.project_id and c.conversation_id = f.conversation_id
        and c.type = 'ai.call' and c.conversation_id is not null and c.status = 'ok'
        and c.ts <= f.ts and c.ts > f.ts - ${lookback}
      order by c.trace_id is not distinct from f.trace_id desc, c.ts desc
      limit 1
    ) as a on true
    where ${scopedAs('f', scope, range, filters)} and f.type = 'feedback'
    group by a.model`);
  const attributed = rows.filter(
    (r) => r.model !== null && (filters.model === null || r.model === filters.model),
  );
  return {
    byModel: attributed
      .map((r) => ({
        model: r.model!,
        ratings: int(r.ratings),
        averageScore: num(r.avg_score),
        satisfaction: ratio(int(r.good), int(r.ratings)),
      }))
      .sort((a, b) => b.ratings - a.ratings || a.model.localeCompare(b.model)),
    unattributed: int(rows.find((r) => r.model === null)?.ratings),
  };
}
