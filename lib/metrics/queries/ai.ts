import 'server-only';
import { sql } from 'drizzle-orm';
import { fillBuckets, fillSeries } from '../buckets';
import { costPerRequest } from '../cost';
import type { Filters, TimeRange } from '../range';
import { bucketOf, epochMs, pct, query, scoped, scopedAs, typeIs } from '../sql';
import { int, num, ratio } from '../stats';
import type { Ai, CacheStat, ModelStat, Scope } from '../types';

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

type ModelRow = {
  model: string;
  calls: unknown;
  errors: unknown;
  p50: unknown;
  p95: unknown;
  p99: unknown;
  ttft50: unknown;
  ttft95: unknown;
  tokens_in: unknown;
  tokens_out: unknown;
  cache_read: unknown;
  cache_write: unknown;
  cost: unknown;
  cached_known: unknown;
  cached_hits: unknown;
};

async function modelStats(scope: Scope, range: TimeRange, filters: Filters) {
  const rows = await query<ModelRow>(sql`
    select model, count(*) as calls,
      count(*) filter (where status = 'error') as errors,
      ${pct(0.5, 'duration_ms', `status = 'ok'`)} as p50, ${pct(0.95, 'duration_ms', `status = 'ok'`)} as p95,
      ${pct(0.99, 'duration_ms', `status = 'ok'`)} as p99,
      ${pct(0.5, 'ttft_ms', `status = 'ok'`)} as ttft50, ${pct(0.95, 'ttft_ms', `status = 'ok'`)} as ttft95,
      sum(input_tokens) as tokens_in, sum(output_tokens) as tokens_out,
      sum(cache_read_tokens) as cache_read, sum(cache_write_tokens) as cache_write, sum(cost_usd) as cost,
      count(cached) as cached_known, count(*) filter (where cached) as cached_hits
    from events
    where ${scoped(scope, range, filters, { model: true })} and ${typeIs('ai.call')}
    group by model`);
  const byModel: ModelStat[] = rows
    .map((r) => {
      const calls = int(r.calls);
      const errors = int(r.errors);
      const costUsd = num(r.cost);
      return {
        model: r.model,
        calls,
        errors,
        errorRate: ratio(errors, calls),
        durationMs: { p50: num(r.p50), p95: num(r.p95), p99: num(r.p99) },
        ttftMs: { p50: num(r.ttft50), p95: num(r.ttft95) },
        tokensIn: num(r.tokens_in),
        tokensOut: num(r.tokens_out),
        cacheReadTokens: num(r.cache_read),
        cacheWriteTokens: num(r.cache_write),
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
    llmLookups: total(rows.map((r) => int(r.cached_known))),
    llmHits: total(rows.map((r) => int(r.cached_hits))),
  };
}

async function errorTypeCounts(scope: Scope, range: TimeRange, filters: Filters) {
  const rows = await query<{ model: string; error_type: string; n: unknown }>(sql`
    select model, coalesce(error_type, 'unknown') as error_type, count(*) as n
    from events
    where ${scoped(scope, range, filters, { model: true })} and ${typeIs('ai.call')} and status = 'error'
    group by 1, 2
    order by 3 desc, 1, 2`);
  return rows.map((r) => ({ model: r.model, errorType: r.error_type, count: int(r.n) }));
}

async function modelSeries(scope: Scope, range: TimeRange, filters: Filters) {
  const bucket = bucketOf(range.bucketMs);
  const rows = await query<{
    key: string;
    bucket: unknown;
    calls: unknown;
    tokens_in: unknown;
    tokens_out: unknown;
    p95: unknown;
  }>(sql`
    select model as key, ${epochMs(bucket)} as bucket, count(*) as calls,
      sum(input_tokens) as tokens_in, sum(output_tokens) as tokens_out,
      ${pct(0.95, 'duration_ms', `status = 'ok'`)} as p95
    from events
    where ${scoped(scope, range, filters, { model: true })} and ${typeIs('ai.call')}
    group by model, ${bucket}`);
  const bucketMinutes = range.bucketMs / 60_000;
  return fillSeries(
    rows.map((r) => ({ ...r, bucket: num(r.bucket)! })),
    range,
    (r) => ({
      calls: int(r.calls),
      callsPerMinute: int(r.calls) / bucketMinutes,
      tokensIn: int(r.tokens_in),
      tokensOut: int(r.tokens_out),
      p95Ms: num(r.p95),
    }),
    { calls: 0, callsPerMinute: 0, tokensIn: 0, tokensOut: 0, p95Ms: null },
  )
    .map(({ key, points }) => ({ model: key, points }))
    .sort((a, b) => a.model.localeCompare(b.model));
}

async function dailyCost(scope: Scope, range: TimeRange, filters: Filters) {
  const day = bucketOf(DAY);
  const rows = await query<{ bucket: unknown; cost: unknown }>(sql`
    select ${epochMs(day)} as bucket, sum(cost_usd) as cost
    from events
    where ${scoped(scope, range, filters, { model: true })} and ${typeIs('ai.call')}
    group by ${day}`);
  return fillBuckets(
    rows.map((r) => ({ ...r, bucket: num(r.bucket)! })),
    { from: range.from, to: range.to, bucketMs: DAY },
    (r) => ({ costUsd: num(r.cost) ?? 0 }),
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
  const rows = await query<{ llm: boolean; gets: unknown; hits: unknown }>(sql`
    select coalesce(cache_name = 'llm', false) as llm, count(*) as gets, count(*) filter (where hit) as hits
    from events
    where ${scoped(scope, range, filters)} and ${typeIs('cache')} and operation = 'get'
    group by 1`);
  const of = (llm: boolean) => {
    const row = rows.find((r) => r.llm === llm);
    return cacheStat(int(row?.gets), int(row?.hits));
  };
  return { llm: of(true), kv: of(false) };
}

async function retrievalStats(scope: Scope, range: TimeRange, filters: Filters) {
  const [row] = await query<{ n: unknown; p50: unknown; p95: unknown; results: unknown }>(sql`
    select count(*) as n, ${pct(0.5, 'duration_ms')} as p50, ${pct(0.95, 'duration_ms')} as p95,
      avg(result_count) as results
    from events
    where ${scoped(scope, range, filters)} and ${typeIs('retrieval')}`);
  return {
    count: int(row?.n),
    durationMs: { p50: num(row?.p50), p95: num(row?.p95) },
    avgResults: num(row?.results),
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
