import type { EventType } from '@/lib/ingest/schema';
import { quantileOfSorted, sortMerged, type SortedBins } from './histogram';
import type { RollupRow, RollupSpec } from './rollups/read';
import type { Dimension, Field, Measure } from './rollups/shape';

/**
 * The metric catalog: every number the product shows or alerts on, defined once by its event type and
 * filter, its aggregation, its unit and the dimensions it can be grouped or filtered by. The dashboards,
 * the read API, the alert rules and the status page read figures through `specFor` and `valueOf`, so a
 * rule evaluates exactly the figure its dashboard shows for the same window and filters.
 */

export type Unit = 'count' | 'ratio' | 'ms' | 'usd' | 'tokens' | 'score';

/** A filter on the `class` dimension (status class, outcome, cache lookup result, score...). */
type Classes = readonly string[];

export type Aggregation =
  | { kind: 'count'; classes?: Classes }
  | { kind: 'sum'; measure: Measure }
  | { kind: 'ratio'; numerator: Classes; denominator?: Classes }
  | { kind: 'percentile'; field: Field; q: number; classes?: Classes }
  | { kind: 'average'; sum: Measure; count: Measure }
  | { kind: 'max' }
  | { kind: 'min' }
  /** Distinct users with any event, exact (from the hourly activity rollup, not from these rows). */
  | { kind: 'distinct_users' };

export type MetricDef = {
  label: string;
  /** The event type the metric counts; null for distinct users, who are counted over every type. */
  type: EventType | null;
  where?: Partial<Record<Dimension, string>>;
  aggregation: Aggregation;
  unit: Unit;
  /** What the metric can be grouped or filtered by, besides service and environment. */
  dimensions: readonly Dimension[];
};

const HTTP_STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;
const SERVER_ERRORS: Classes = ['5xx'];
const NOT_SERVER_ERRORS: Classes = HTTP_STATUS_CLASSES.filter((c) => c !== '5xx');
const CLIENT_ERRORS: Classes = ['4xx'];
/** A cache lookup that says whether it hit; a `get` without `hit` says nothing and is left out. */
const CACHE_HITS: Classes = ['get:true'];
const CACHE_LOOKUPS: Classes = ['get:true', 'get:false'];
const GOOD_SCORES: Classes = ['4', '5'];
const STREAMED: Classes = ['streamed'];

const percentile = (field: Field, q: number, classes?: Classes): Aggregation => ({
  kind: 'percentile',
  field,
  q,
  ...(classes ? { classes } : {}),
});

export const METRICS = {
  active_users: {
    label: 'active users',
    type: null,
    aggregation: { kind: 'distinct_users' },
    unit: 'count',
    dimensions: [],
  },
  request_count: {
    label: 'requests',
    type: 'http.request',
    aggregation: { kind: 'count' },
    unit: 'count',
    dimensions: ['path', 'class'],
  },
  server_errors: {
    label: 'server errors (5xx)',
    type: 'http.request',
    aggregation: { kind: 'count', classes: SERVER_ERRORS },
    unit: 'count',
    dimensions: ['path'],
  },
  client_errors: {
    label: 'client errors (4xx)',
    type: 'http.request',
    aggregation: { kind: 'count', classes: CLIENT_ERRORS },
    unit: 'count',
    dimensions: ['path'],
  },
  error_rate: {
    label: 'error rate',
    type: 'http.request',
    aggregation: { kind: 'ratio', numerator: SERVER_ERRORS },
    unit: 'ratio',
    dimensions: ['path'],
  },
  availability: {
    label: 'availability',
    type: 'http.request',
    aggregation: { kind: 'ratio', numerator: NOT_SERVER_ERRORS },
    unit: 'ratio',
    dimensions: ['path'],
  },
  p95_request_ms: {
    label: 'p95 request duration',
    type: 'http.request',
    aggregation: percentile('duration', 0.95),
    unit: 'ms',
    dimensions: ['path', 'class'],
  },
  p50_response_ms: {
    label: 'p50 response time',
    type: 'response.sent',
    aggregation: percentile('duration', 0.5),
    unit: 'ms',
    dimensions: ['class'],
  },
  p95_response_ms: {
    label: 'p95 response time',
    type: 'response.sent',
    aggregation: percentile('duration', 0.95),
    unit: 'ms',
    dimensions: ['class'],
  },
  p99_response_ms: {
    label: 'p99 response time',
    type: 'response.sent',
    aggregation: percentile('duration', 0.99),
    unit: 'ms',
    dimensions: ['class'],
  },
  p95_first_response_ms: {
    label: 'p95 time to first response',
    type: 'response.sent',
    aggregation: percentile('ttfr', 0.95),
    unit: 'ms',
    dimensions: ['class'],
  },
  p95_ttft_ms: {
    label: 'p95 time to first token',
    type: 'response.sent',
    aggregation: percentile('ttft', 0.95),
    unit: 'ms',
    dimensions: ['class'],
  },
  p50_ttft_ms: {
    label: 'p50 time to first token',
    type: 'response.sent',
    aggregation: percentile('ttft', 0.5),
    unit: 'ms',
    dimensions: ['class'],
  },
  p99_ttft_ms: {
    label: 'p99 time to first token',
    type: 'response.sent',
    aggregation: percentile('ttft', 0.99),
    unit: 'ms',
    dimensions: ['class'],
  },
  responses: {
    label: 'responses',
    type: 'response.sent',
    aggregation: { kind: 'count' },
    unit: 'count',
    dimensions: ['class'],
  },
  streamed_responses: {
    label: 'streamed responses',
    type: 'response.sent',
    aggregation: { kind: 'count', classes: STREAMED },
    unit: 'count',
    dimensions: [],
  },
  streamed_p50_ttft_ms: {
    label: 'p50 time to first token, streamed',
    type: 'response.sent',
    aggregation: percentile('ttft', 0.5, STREAMED),
    unit: 'ms',
    dimensions: [],
  },
  streamed_p95_ttft_ms: {
    label: 'p95 time to first token, streamed',
    type: 'response.sent',
    aggregation: percentile('ttft', 0.95, STREAMED),
    unit: 'ms',
    dimensions: [],
  },
  streamed_p99_ttft_ms: {
    label: 'p99 time to first token, streamed',
    type: 'response.sent',
    aggregation: percentile('ttft', 0.99, STREAMED),
    unit: 'ms',
    dimensions: [],
  },
  p95_streaming_duration_ms: {
    label: 'p95 streaming duration',
    type: 'response.sent',
    aggregation: percentile('duration', 0.95, STREAMED),
    unit: 'ms',
    dimensions: [],
  },
  avg_response_length: {
    label: 'average response length',
    type: 'response.sent',
    aggregation: { kind: 'average', sum: 'sum_length', count: 'n_length' },
    unit: 'count',
    dimensions: [],
  },
  p50_response_length: {
    label: 'median response length',
    type: 'response.sent',
    aggregation: percentile('length', 0.5),
    unit: 'count',
    dimensions: [],
  },
  ai_calls: {
    label: 'AI calls',
    type: 'ai.call',
    aggregation: { kind: 'count' },
    unit: 'count',
    dimensions: ['model', 'class'],
  },
  ai_errors: {
    label: 'AI errors',
    type: 'ai.call',
    aggregation: { kind: 'count', classes: ['error'] },
    unit: 'count',
    dimensions: ['model', 'name'],
  },
  ai_error_rate: {
    label: 'AI error rate',
    type: 'ai.call',
    aggregation: { kind: 'ratio', numerator: ['error'] },
    unit: 'ratio',
    dimensions: ['model'],
  },
  ai_tokens_in: {
    label: 'input tokens',
    type: 'ai.call',
    aggregation: { kind: 'sum', measure: 'sum_in' },
    unit: 'tokens',
    dimensions: ['model'],
  },
  ai_tokens_out: {
    label: 'output tokens',
    type: 'ai.call',
    aggregation: { kind: 'sum', measure: 'sum_out' },
    unit: 'tokens',
    dimensions: ['model'],
  },
  ai_cost_usd: {
    label: 'AI cost',
    type: 'ai.call',
    aggregation: { kind: 'sum', measure: 'sum_cost' },
    unit: 'usd',
    dimensions: ['model'],
  },
  ai_p95_latency_ms: {
    label: 'p95 AI call latency',
    type: 'ai.call',
    aggregation: percentile('duration', 0.95, ['ok']),
    unit: 'ms',
    dimensions: ['model'],
  },
  ai_p95_ttft_ms: {
    label: 'p95 AI time to first token',
    type: 'ai.call',
    aggregation: percentile('ttft', 0.95, ['ok']),
    unit: 'ms',
    dimensions: ['model'],
  },
  ai_p50_latency_ms: {
    label: 'p50 AI call latency',
    type: 'ai.call',
    aggregation: percentile('duration', 0.5, ['ok']),
    unit: 'ms',
    dimensions: ['model'],
  },
  ai_p99_latency_ms: {
    label: 'p99 AI call latency',
    type: 'ai.call',
    aggregation: percentile('duration', 0.99, ['ok']),
    unit: 'ms',
    dimensions: ['model'],
  },
  ai_p50_ttft_ms: {
    label: 'p50 AI time to first token',
    type: 'ai.call',
    aggregation: percentile('ttft', 0.5, ['ok']),
    unit: 'ms',
    dimensions: ['model'],
  },
  ai_cache_read_tokens: {
    label: 'cache read tokens',
    type: 'ai.call',
    aggregation: { kind: 'sum', measure: 'sum_cache_read' },
    unit: 'tokens',
    dimensions: ['model'],
  },
  ai_cache_write_tokens: {
    label: 'cache write tokens',
    type: 'ai.call',
    aggregation: { kind: 'sum', measure: 'sum_cache_write' },
    unit: 'tokens',
    dimensions: ['model'],
  },
  ai_cached_lookups: {
    label: 'AI calls that say whether a response cache answered',
    type: 'ai.call',
    aggregation: { kind: 'sum', measure: 'n_cached' },
    unit: 'count',
    dimensions: ['model'],
  },
  ai_cached_hits: {
    label: 'AI calls answered from a response cache',
    type: 'ai.call',
    aggregation: { kind: 'sum', measure: 'n_cached_hit' },
    unit: 'count',
    dimensions: ['model'],
  },
  cache_lookups: {
    label: 'cache lookups',
    type: 'cache',
    aggregation: { kind: 'count', classes: CACHE_LOOKUPS },
    unit: 'count',
    dimensions: ['name'],
  },
  cache_hits: {
    label: 'cache hits',
    type: 'cache',
    aggregation: { kind: 'count', classes: CACHE_HITS },
    unit: 'count',
    dimensions: ['name'],
  },
  cache_hit_rate: {
    label: 'cache hit rate',
    type: 'cache',
    aggregation: { kind: 'ratio', numerator: CACHE_HITS, denominator: CACHE_LOOKUPS },
    unit: 'ratio',
    dimensions: ['name'],
  },
  satisfaction: {
    label: 'satisfaction (4-5 of 5)',
    type: 'feedback',
    aggregation: { kind: 'ratio', numerator: GOOD_SCORES },
    unit: 'ratio',
    dimensions: [],
  },
  feedback_count: {
    label: 'ratings',
    type: 'feedback',
    aggregation: { kind: 'count' },
    unit: 'count',
    /** class: the score; model: that of the call rated (lib/metrics/rollups/shape.ts). */
    dimensions: ['class', 'model'],
  },
  errors: {
    label: 'errors',
    type: 'error',
    aggregation: { kind: 'count' },
    unit: 'count',
    /** name: the error's source (api, ai, client, database, cache); path: its route; class: its HTTP status class. */
    dimensions: ['name', 'path', 'class'],
  },
  rate_limit_hits: {
    label: 'rate-limit hits',
    type: 'rate_limit',
    aggregation: { kind: 'count' },
    unit: 'count',
    dimensions: ['path'],
  },
  failed_logins: {
    label: 'failed logins',
    type: 'auth.attempt',
    aggregation: { kind: 'count', classes: ['failure'] },
    unit: 'count',
    dimensions: [],
  },
  retrieval_p95_ms: {
    label: 'p95 retrieval time',
    type: 'retrieval',
    aggregation: percentile('duration', 0.95),
    unit: 'ms',
    dimensions: [],
  },
  retrievals: {
    label: 'retrievals',
    type: 'retrieval',
    aggregation: { kind: 'count' },
    unit: 'count',
    dimensions: [],
  },
  retrieval_p50_ms: {
    label: 'p50 retrieval time',
    type: 'retrieval',
    aggregation: percentile('duration', 0.5),
    unit: 'ms',
    dimensions: [],
  },
  retrieval_avg_results: {
    label: 'average retrieval results',
    type: 'retrieval',
    aggregation: { kind: 'average', sum: 'sum_results', count: 'n_results' },
    unit: 'count',
    dimensions: [],
  },
  web_vital_p75: {
    label: 'web vital p75',
    type: 'web.vital',
    aggregation: percentile('value', 0.75),
    unit: 'ms',
    dimensions: ['name', 'path'],
  },
  web_vitals: {
    label: 'web vital samples',
    type: 'web.vital',
    aggregation: { kind: 'count' },
    unit: 'count',
    dimensions: ['name', 'path'],
  },
  metric_average: {
    label: 'metric average',
    type: 'metric',
    aggregation: { kind: 'average', sum: 'sum_value', count: 'n_value' },
    unit: 'count',
    dimensions: ['name', 'labels'],
  },
  metric_max: {
    label: 'metric maximum',
    type: 'metric',
    aggregation: { kind: 'max' },
    unit: 'count',
    dimensions: ['name', 'labels'],
  },
  metric_p95: {
    label: 'metric p95',
    type: 'metric',
    aggregation: percentile('value', 0.95),
    unit: 'count',
    dimensions: ['name', 'labels'],
  },
} as const satisfies Record<string, MetricDef>;

export type MetricId = keyof typeof METRICS;
export const METRIC_IDS = Object.keys(METRICS) as MetricId[];

export function metricDef(id: MetricId): MetricDef {
  return METRICS[id];
}

/** The classes a metric's value depends on, or null when it counts every class alike. */
function classesOf(a: Aggregation): Classes | null {
  switch (a.kind) {
    case 'count':
    case 'percentile':
      return a.classes ?? null;
    case 'ratio':
      return [...a.numerator, ...(a.denominator ?? [])];
    default:
      return null;
  }
}

/**
 * What to read for a metric grouped by `groupBy` (and per chart bucket): the rollup spec. Ratios and
 * class-filtered figures read per class and combine in `valueOf`.
 */
export function specFor(
  id: MetricId,
  options: {
    groupBy?: readonly Dimension[];
    bucketMs?: number | null;
    where?: Partial<Record<Dimension, string>>;
    labels?: Readonly<Record<string, string>>;
  } = {},
): RollupSpec {
  const def = metricDef(id);
  const a = def.aggregation;
  if (def.type === null || a.kind === 'distinct_users') throw new Error(`${id} is not read from rollups`);
  const groupBy = [...(options.groupBy ?? [])];
  if (classesOf(a) !== null && a.kind !== 'percentile' && !groupBy.includes('class')) groupBy.push('class');
  const where: Partial<Record<Dimension, string | readonly string[]>> = { ...def.where, ...options.where };
  if (a.kind === 'percentile' && a.classes) where.class = a.classes;
  const measures: Measure[] =
    a.kind === 'sum'
      ? ['n', a.measure]
      : a.kind === 'average'
        ? ['n', a.sum, a.count]
        : a.kind === 'max'
          ? ['n', 'max_value']
          : a.kind === 'min'
            ? ['n', 'min_value']
            : // A percentile needs its histogram only (its samples are the histogram's count): one statement.
              a.kind === 'percentile'
              ? []
              : ['n'];
  return {
    types: [def.type],
    where,
    groupBy,
    bucketMs: options.bucketMs ?? null,
    measures,
    fields: a.kind === 'percentile' ? [a.field] : [],
    ...(options.labels ? { labels: options.labels } : {}),
  };
}

export type MetricValue = { value: number | null; samples: number };

/** Whether a metric means something only for one name (a `metric` event's name, a web vital's). */
export function needsName(id: MetricId): boolean {
  const type = (METRICS[id] as MetricDef).type;
  return type === 'metric' || type === 'web.vital';
}

/** Every metric an alert rule can evaluate; those that `needsName` take the name (and labels) from the rule. */
export const RULE_METRIC_IDS = METRIC_IDS as [MetricId, ...MetricId[]];

/** Metrics that mean something as they are, with no name: what a change rule compares to its baseline. */
export const UNNAMED_METRIC_IDS = METRIC_IDS.filter((id) => !needsName(id)) as [MetricId, ...MetricId[]];

/**
 * A metric's value from the rollup rows of one group (one chart bucket, one model...): every class row
 * of that group. `samples` is the number of events the value was computed from.
 */
export function valueOf(id: MetricId, rows: readonly RollupRow[]): MetricValue {
  return valueWith(id, rows, new Map());
}

/** `valueOf` of several metrics over the same rows: each histogram merged and sorted once for all its quantiles. */
export function valuesOf<I extends MetricId>(
  ids: readonly I[],
  rows: readonly RollupRow[],
): Record<I, MetricValue> {
  const sorted = new Map<string, SortedBins>();
  return Object.fromEntries(ids.map((id) => [id, valueWith(id, rows, sorted)])) as Record<I, MetricValue>;
}

/** `sorted`: the histograms already merged over `rows`, by field and classes. */
function valueWith(id: MetricId, rows: readonly RollupRow[], sorted: Map<string, SortedBins>): MetricValue {
  const a = metricDef(id).aggregation;
  // Loops, not filter/map/reduce: a chart reads a few metrics of each of its hundred buckets per request.
  const n = (classes?: Classes) => {
    let total = 0;
    for (const r of rows) if (!classes || classes.includes(r.key.class ?? '')) total += r.values.n ?? 0;
    return total;
  };
  const sum = (m: Measure) => {
    let total: number | null = null;
    for (const r of rows) {
      const v = r.values[m];
      if (v !== null && v !== undefined) total = (total ?? 0) + v;
    }
    return total;
  };
  switch (a.kind) {
    case 'count': {
      const value = n(a.classes);
      return { value, samples: n() };
    }
    case 'sum':
      return { value: sum(a.measure), samples: n() };
    case 'ratio': {
      const denominator = n(a.denominator);
      return { value: denominator === 0 ? null : n(a.numerator) / denominator, samples: denominator };
    }
    case 'average': {
      const total = sum(a.sum);
      const count = sum(a.count) ?? 0;
      return { value: total === null || count === 0 ? null : total / count, samples: count };
    }
    case 'max':
    case 'min': {
      const m = a.kind === 'max' ? 'max_value' : 'min_value';
      const values = rows.map((r) => r.values[m]).filter((v): v is number => v !== null && v !== undefined);
      return {
        value: values.length === 0 ? null : a.kind === 'max' ? Math.max(...values) : Math.min(...values),
        samples: n(),
      };
    }
    case 'distinct_users':
      throw new Error(`${id} is not read from rollups`);
    case 'percentile': {
      const key = `${a.field}|${a.classes ? a.classes.join(',') : '*'}`;
      let bins = sorted.get(key);
      if (!bins) {
        // Read per class (beside other metrics) or filtered to its classes in SQL: keep its classes either way.
        const parts: Map<number, number>[] = [];
        for (const r of rows) {
          const part = r.bins[a.field];
          if (part && (!a.classes || r.key.class === undefined || a.classes.includes(r.key.class))) parts.push(part);
        }
        bins = sortMerged(parts);
        sorted.set(key, bins);
      }
      return { value: quantileOfSorted(bins, a.q), samples: bins.n };
    }
  }
}

/**
 * One spec for several metrics of the same event type (one statement instead of one per figure): per
 * class when any of them depends on classes, with every measure and histogram any of them needs.
 */
export function specForAll(
  ids: readonly MetricId[],
  options: {
    groupBy?: readonly Dimension[];
    bucketMs?: number | null;
    where?: Partial<Record<Dimension, string>>;
    labels?: Readonly<Record<string, string>>;
  } = {},
): RollupSpec {
  const specs = ids.map((id) => specFor(id, options));
  const types = new Set(specs.flatMap((s) => s.types));
  if (types.size !== 1) throw new Error(`metrics of one event type expected: ${ids.join(', ')}`);
  if (specs.length === 1) return specs[0]!;
  const byClass = ids.some((id) => classesOf(metricDef(id).aggregation) !== null);
  const groupBy = [...(options.groupBy ?? [])];
  if (byClass && !groupBy.includes('class')) groupBy.push('class');
  const where = { ...specs[0]!.where };
  if (byClass) delete where.class;
  return {
    types: [...types],
    where,
    groupBy,
    bucketMs: options.bucketMs ?? null,
    measures: [...new Set(specs.flatMap((s) => s.measures))],
    fields: [...new Set(specs.flatMap((s) => s.fields ?? []))],
    ...(options.labels ? { labels: options.labels } : {}),
  };
}

/** Rows grouped by their key without `class` (and bucket): one group per figure. */
export function groupRows(rows: readonly RollupRow[], by: readonly Dimension[]): Map<string, RollupRow[]> {
  const groups = new Map<string, RollupRow[]>();
  for (const r of rows) {
    const id = JSON.stringify([r.bucket, ...by.map((d) => r.key[d] ?? '')]);
    const group = groups.get(id);
    if (group) group.push(r);
    else groups.set(id, [r]);
  }
  return groups;
}
