import 'server-only';
import { fillBuckets, fillSeries } from '../buckets';
import { costPerRequest } from '../cost';
import type { Filters, TimeRange } from '../range';
import { ratio } from '../stats';
import type { Ai, CacheStat, ModelStat, Scope } from '../types';
import { readActiveUsers, readRollups, readTopUsers } from '../rollups/read';
import { contextBinRange, TEMPERATURE_BINS_PER_UNIT } from '../rollups/shape';
import { readFigures, readTotals } from './figures';

const DAY = 86_400_000;
const TOP_USERS = 10;

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

/** AI users and the cost of their calls (from the user sets), and the top users by cost (per-user rollups). */
async function userCosts(scope: Scope, range: TimeRange, filters: Filters) {
  const [[all], top] = await Promise.all([
    readActiveUsers(scope, range, filters, { types: ['ai.call'] }),
    readTopUsers(scope, range, filters, TOP_USERS),
  ]);
  return {
    users: all?.users ?? 0,
    costOfUsers: all?.cost ?? null,
    top: top.map((u) => {
      const costUsd = u.cost ?? 0;
      return {
        userId: u.userId,
        costUsd,
        requests: u.events,
        costPerRequest: costPerRequest(costUsd, u.events),
      };
    }),
  };
}

/** Temperature (per tenth) and context length (power-of-two bins), from the rollups' category histograms. */
async function distributionsOf(scope: Scope, range: TimeRange, filters: Filters) {
  const rows = await readRollups(scope, range, filters, {
    types: ['ai.call'],
    measures: [],
    fields: ['temperature', 'context'],
  });
  const merged = (field: 'temperature' | 'context') => {
    const out = new Map<number, number>();
    for (const row of rows)
      for (const [bin, n] of row.bins[field] ?? []) out.set(bin, (out.get(bin) ?? 0) + n);
    return out;
  };
  const temperature = [...merged('temperature')]
    .map(([bin, count]) => ({ temperature: bin / TEMPERATURE_BINS_PER_UNIT, count }))
    .sort((a, b) => a.temperature - b.temperature);
  const bins = merged('context');
  const last = Math.max(-1, ...bins.keys());
  const contextLength = Array.from({ length: last + 1 }, (_, bin) => ({
    ...contextBinRange(bin),
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
 * Ratings per model of the call they rate (the rollups' model of a rating, lib/metrics/rollups/shape.ts);
 * those without one are unattributed.
 */
async function qualityByModel(scope: Scope, range: TimeRange, filters: Filters) {
  const rows = await readFigures(scope, range, filters, ['feedback_count'], { groupBy: ['model', 'class'] });
  const byModel = new Map<string, { ratings: number; total: number; good: number }>();
  for (const r of rows) {
    const count = r.values.feedback_count.value ?? 0;
    const score = Number(r.key.class);
    const m = byModel.get(r.key.model!) ?? { ratings: 0, total: 0, good: 0 };
    m.ratings += count;
    m.total += score * count;
    if (score >= 4) m.good += count;
    byModel.set(r.key.model!, m);
  }
  const attributed = [...byModel].filter(
    ([model, m]) => model !== '' && m.ratings > 0 && (filters.model === null || model === filters.model),
  );
  return {
    byModel: attributed
      .map(([model, m]) => ({
        model,
        ratings: m.ratings,
        averageScore: ratio(m.total, m.ratings),
        satisfaction: ratio(m.good, m.ratings),
      }))
      .sort((a, b) => b.ratings - a.ratings || a.model.localeCompare(b.model)),
    unattributed: byModel.get('')?.ratings ?? 0,
  };
}
