import { binSql } from '../histogram';

/**
 * The shape of a rollup row, defined once for the rollup job (raw rows -> rollups) and for reads (raw
 * edges and the tail not yet rolled up, aggregated the same way): its dimensions, its additive measures
 * and its histograms. Each is SQL text over the columns of `events`; all of it is our own constant text.
 */

/** What a figure can be grouped or filtered by. '' stands for "absent" (the key columns are not null). */
export const DIMENSIONS = [
  'type',
  'service',
  'environment',
  'model',
  'path',
  'name',
  'class',
  'labels',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const DIMENSION_SQL: Record<Dimension, string> = {
  type: 'type',
  service: 'service',
  environment: `coalesce(environment, '')`,
  model: `coalesce(model, '')`,
  /** The route of a request or an error, the page of a view or a web vital. */
  path: `coalesce(case when type in ('http.request', 'error', 'rate_limit') then route when type in ('page.view', 'web.vital') then path end, '')`,
  /** The web vital, the metric, the cache, the error source, the log level, an AI call's error type. */
  name: `coalesce(case type when 'web.vital' then name when 'metric' then name when 'cache' then cache_name when 'error' then source when 'log' then level when 'ai.call' then error_type end, '')`,
  /** HTTP status class (2xx..5xx), AI call outcome, cache operation:hit, feedback score, streamed or not, a metric's unit. */
  class: `coalesce(case type
    when 'http.request' then (http_status / 100)::text || 'xx'
    when 'ai.call' then status
    when 'cache' then operation || ':' || coalesce(hit::text, '')
    when 'feedback' then score::text
    when 'response.sent' then case when streamed then 'streamed' else '' end
    when 'auth.attempt' then outcome
    when 'metric' then unit
    when 'error' then coalesce((http_status / 100)::text || 'xx', '')
  end, '')`,
  /** A metric event's labels as canonical jsonb text, so label filters can match them. */
  labels: `case when type = 'metric' then coalesce((attributes -> 'labels')::text, '') else '' end`,
};

type MeasureDef = { raw: string; merge: 'sum' | 'min' | 'max'; sqlType: 'int8' | 'float8' };

/** Additive measures: how one raw group computes them and how rollup rows merge. */
export const MEASURES = {
  n: { raw: 'count(*)', merge: 'sum', sqlType: 'int8' },
  sum_duration: { raw: 'sum(duration_ms)', merge: 'sum', sqlType: 'float8' },
  n_duration: { raw: 'count(duration_ms)', merge: 'sum', sqlType: 'int8' },
  sum_ttft: { raw: 'sum(ttft_ms)', merge: 'sum', sqlType: 'float8' },
  n_ttft: { raw: 'count(ttft_ms)', merge: 'sum', sqlType: 'int8' },
  sum_value: { raw: 'sum(value)', merge: 'sum', sqlType: 'float8' },
  n_value: { raw: 'count(value)', merge: 'sum', sqlType: 'int8' },
  min_value: { raw: 'min(value)', merge: 'min', sqlType: 'float8' },
  max_value: { raw: 'max(value)', merge: 'max', sqlType: 'float8' },
  sum_in: { raw: 'sum(input_tokens)', merge: 'sum', sqlType: 'int8' },
  sum_out: { raw: 'sum(output_tokens)', merge: 'sum', sqlType: 'int8' },
  sum_cache_read: { raw: 'sum(cache_read_tokens)', merge: 'sum', sqlType: 'int8' },
  sum_cache_write: { raw: 'sum(cache_write_tokens)', merge: 'sum', sqlType: 'int8' },
  sum_cost: { raw: 'sum(cost_usd)', merge: 'sum', sqlType: 'float8' },
  n_cached: { raw: 'count(cached)', merge: 'sum', sqlType: 'int8' },
  n_cached_hit: { raw: 'count(*) filter (where cached)', merge: 'sum', sqlType: 'int8' },
  sum_results: { raw: 'sum(result_count)', merge: 'sum', sqlType: 'int8' },
  n_results: { raw: 'count(result_count)', merge: 'sum', sqlType: 'int8' },
  sum_length: { raw: 'sum(length)', merge: 'sum', sqlType: 'int8' },
  n_length: { raw: 'count(length)', merge: 'sum', sqlType: 'int8' },
} as const satisfies Record<string, MeasureDef>;
export type Measure = keyof typeof MEASURES;
export const MEASURE_NAMES = Object.keys(MEASURES) as Measure[];

/** Duration-like fields kept as mergeable histograms (lib/metrics/histogram.ts). */
export const FIELDS = {
  duration: 'duration_ms',
  ttft: 'ttft_ms',
  /** Time to first response: a streamed answer's first token, any other answer's duration. */
  ttfr: `case when type = 'response.sent' then case when streamed and ttft_ms is not null then ttft_ms else duration_ms end end`,
  value: 'value',
  length: 'length::float8',
} as const;
export type Field = keyof typeof FIELDS;
export const FIELD_NAMES = Object.keys(FIELDS) as Field[];
/** The field's number in SQL, and its histogram column in metric_rollups. */
export const FIELD_ID: Record<Field, number> = { duration: 1, ttft: 2, ttfr: 3, value: 4, length: 5 };
export const histColumn = (field: Field) => `h_${field}`;

/** SQL merging two rollup values of a measure on conflict, `r` the stored row, `excluded` the new one. */
export function mergeSql(measure: Measure): string {
  const { merge } = MEASURES[measure];
  const [a, b] = [`r.${measure}`, `excluded.${measure}`];
  if (merge === 'sum')
    return `case when ${a} is null then ${b} when ${b} is null then ${a} else ${a} + ${b} end`;
  return `${merge === 'min' ? 'least' : 'greatest'}(${a}, ${b})`;
}

/** The aggregate over rollup rows of a measure (sum ignores nulls and keeps null when all are). */
export function rollupAggregateSql(measure: Measure): string {
  return `${MEASURES[measure].merge}(${measure})`;
}

/** The bin of each field of a raw row, as `b_<field>` select items. */
export function binSelects(): string {
  return FIELD_NAMES.map((f) => `${binSql(FIELDS[f])} as b_${f}`).join(', ');
}
