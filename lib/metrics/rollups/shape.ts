import { binSql } from '../histogram';
import { GRAIN_MS, type Grain } from './plan';

/**
 * The shape of a rollup row, defined once for the rollup job (raw rows -> rollups) and for reads (raw
 * edges and the tail not yet rolled up, aggregated the same way): its dimensions, its additive measures
 * and its histograms. Each is SQL text over the columns of `events`; all of it is our own constant text.
 */

/** A grain's length as an SQL interval (text). */
export const stepSql = (grain: Grain) => `interval '${GRAIN_MS[grain] / 1000} seconds'`;

/** The epoch-aligned bucket of a timestamptz expression, `step` an SQL interval (text). */
export const bucketSql = (step: string, expression: string) =>
  `date_bin(${step}, ${expression}, timestamptz '1970-01-01 00:00:00+00')`;

/** (grain, step) of each grain as VALUES rows (text), for `cross join (values ...) as g (grain, step)`. */
export const grainValuesSql = (grains: readonly Grain[]) =>
  grains.map((g) => `('${g}', ${stepSql(g)})`).join(', ');

/** A rating is attributed to a call at most this long before it. */
export const QUALITY_LOOKBACK_MS = 86_400_000;

/**
 * What a figure can be grouped or filtered by: the key columns of metric_rollups, and the user of the
 * per-user rollups. '' stands for "absent" (the key columns are not null).
 */
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
/** Besides those of metric_rollups: the user of the per-user rollups, an error's type and message (error_rollups). */
export type Dimension = (typeof DIMENSIONS)[number] | 'user_id' | 'error_type' | 'message';

export const DIMENSION_SQL: Record<Dimension, string> = {
  type: 'type',
  service: 'service',
  environment: `coalesce(environment, '')`,
  /**
   * An AI call's model. A rating's is the model of the call it rates: the latest successful call of its
   * conversation at or before it (within QUALITY_LOOKBACK), preferring its own trace's, among the calls stored
   * when the rating is rolled up (or read raw). One probe of events_ai_conversation_idx per rating.
   */
  model: `coalesce(model, case when type = 'feedback' and conversation_id is not null then (
    select c.model from events as c
    where c.project_id = events.project_id and c.conversation_id = events.conversation_id
      and c.type = 'ai.call' and c.conversation_id is not null and c.status = 'ok'
      and c.ts <= events.ts and c.ts > events.ts - interval '${QUALITY_LOOKBACK_MS / 1000} seconds'
    order by c.trace_id is not distinct from events.trace_id desc, c.ts desc
    limit 1) end, '')`,
  user_id: `coalesce(user_id, '')`,
  error_type: `coalesce(error_type, '')`,
  message: `coalesce(message, '')`,
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

/**
 * The dimensions the filter pickers offer, as `(dimension, value)` rows of a raw event (a value '' or null is
 * absent): kept in dimension_values by the rollup job, read from raw rows for the events past its mark.
 */
export const PICKER_VALUES_SQL = `(values ('service', service), ('environment', environment),
  ('model', case when type = 'ai.call' then model end))`;

/** The type of the user_sets rows that count every event of a user, whatever its type (active users). */
export const ANY_TYPE = '*';
export type AnyType = typeof ANY_TYPE;

/**
 * The rollup tables a read can take whole buckets from: their grains and the types they hold.
 * metric_rollups holds every figure; user_sets the users with an event (ANY_TYPE) and with an AI call per
 * model, as bitmaps (exact distinct users); user_rollups one row per user and bucket for the AI calls (per
 * model, for the top users by cost); error_rollups the errors per type, route, source and message (ERROR_KEY).
 */
export const ROLLUP_TABLES = {
  metrics: {
    table: 'metric_rollups',
    // Quarters for the 24-hour charts (15-minute buckets): 96 rows a day per dimension set instead of 1,440.
    // Weeks for the 30-day, 90-day and 1-year figures: one row per dimension set and week instead of seven.
    grains: ['week', 'day', 'hour', 'quarter', 'minute'],
    types: null,
    userOnly: false,
    together: [],
  },
  errors: {
    table: 'error_rollups',
    // The error list of a 30-day or longer range: whole weeks and days, the edges raw.
    grains: ['week', 'day'],
    types: ['error'],
    userOnly: false,
    together: [],
  },
  users: {
    table: 'user_rollups',
    // Weeks for the 30-day top users: a user active on five days of a week is one row, not five.
    grains: ['week', 'day', 'hour'],
    types: ['ai.call'],
    userOnly: true,
    together: ['service', 'environment', 'model'],
  },
  sets: {
    table: 'user_sets',
    grains: ['week', 'day', 'hour'],
    types: ['ai.call', ANY_TYPE],
    userOnly: true,
    together: [],
  },
} as const satisfies Record<
  string,
  {
    table: string;
    grains: readonly Grain[];
    types: readonly string[] | null;
    userOnly: boolean;
    /** Dimensions whose rows are also kept once for all their values together (ALL_TOGETHER). */
    together: readonly Dimension[];
  }
>;
export type RollupTable = keyof typeof ROLLUP_TABLES;
/**
 * The value of a table's `together` dimensions in the rows that count all their values together (user_rollups:
 * a user's events of every service, environment and model), kept beside the rows per value: a read that neither
 * filters nor groups by one of them takes these, one row per user and bucket. No stored event has this service:
 * ingest requires one of at least one character, 'app' when none is sent.
 */
export const ALL_TOGETHER = '';

/**
 * The user numbers (user_index) one user_sets row holds: its bitmap's length. 4,096 bits are 512 bytes, so a
 * bucket's users are a few rows however many the project has, and a row stays under the TOAST threshold.
 */
export const USER_CHUNK_BITS = 4096;

/** The key of user_rollups and the measures it keeps. */
export const USER_KEY = ['type', 'service', 'environment', 'model', 'user_id'] as const satisfies Dimension[];
export const USER_MEASURES = ['n', 'sum_cost', 'last_ms'] as const;

/** The key of error_rollups (besides project, grain and bucket) and the measures it keeps. */
export const ERROR_KEY = [
  'type',
  'service',
  'environment',
  'path',
  'name',
  'error_type',
  'message',
] as const satisfies Dimension[];
export const ERROR_MEASURES = ['n', 'last_ms'] as const;

type MeasureDef = {
  raw: string;
  merge: 'sum' | 'min' | 'max';
  sqlType: 'int8' | 'float8';
  /** Not kept in metric_rollups (user_rollups and error_rollups keep it). */
  usersOnly?: true;
};

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
  /**
   * The last event (epoch ms): a user's (DAU and WAU are the month's users last seen in the last day or week), an
   * error's (last seen).
   */
  last_ms: { raw: 'max(extract(epoch from ts) * 1000)', merge: 'max', sqlType: 'float8', usersOnly: true },
} as const satisfies Record<string, MeasureDef>;
export type Measure = keyof typeof MEASURES;
/** The measures of metric_rollups. */
export const MEASURE_NAMES = (Object.keys(MEASURES) as Measure[]).filter(
  (m) => !(MEASURES[m] as MeasureDef).usersOnly,
);

/** 1024, 2048, ... 2^30: width_bucket gives 0 below 1024, k for [2^(k+9), 2^(k+10)). */
const CONTEXT_BIN_COUNT = 21;
const CONTEXT_BIN_EDGES = `array[${Array.from({ length: CONTEXT_BIN_COUNT }, (_, i) => 2 ** (i + 10)).join(', ')}]`;
/** The context-length bin's range of tokens: [lo, hi). */
export const contextBinRange = (bin: number) => ({ lo: bin === 0 ? 0 : 2 ** (bin + 9), hi: 2 ** (bin + 10) });
/** Temperatures are counted per tenth: bin 7 holds those that round to 0.7. */
export const TEMPERATURE_BINS_PER_UNIT = 10;

/**
 * Fields kept as mergeable histograms, each as the SQL of its bin over a raw row: log-spaced bins
 * (lib/metrics/histogram.ts) for the duration-like fields, whose percentiles are read within 1%; fixed
 * categories for an AI call's temperature and context length, whose distributions the AI page draws.
 */
export const FIELDS = {
  duration: binSql('duration_ms'),
  ttft: binSql('ttft_ms'),
  /** Time to first response: a streamed answer's first token, any other answer's duration. */
  ttfr: binSql(
    `case when type = 'response.sent' then case when streamed and ttft_ms is not null then ttft_ms else duration_ms end end`,
  ),
  value: binSql('value'),
  length: binSql('length::float8'),
  temperature: `round(temperature::float8 * ${TEMPERATURE_BINS_PER_UNIT})::int`,
  context: `width_bucket(context_length, ${CONTEXT_BIN_EDGES})`,
} as const;
export type Field = keyof typeof FIELDS;
export const FIELD_NAMES = Object.keys(FIELDS) as Field[];
/** The field's number in SQL (its histogram's columns in metric_rollups: histColumns). */
export const FIELD_ID: Record<Field, number> = {
  duration: 1,
  ttft: 2,
  ttfr: 3,
  value: 4,
  length: 5,
  temperature: 6,
  context: 7,
};
/** A field's histogram columns: its bins (ascending) and, at the same positions, their counts. */
export const histColumns = (field: Field) => ({ bins: `h_${field}_bins`, counts: `h_${field}_counts` });
export type HistColumns = ReturnType<typeof histColumns>;

/** SQL merging a stored histogram (`r`) with a new one (`excluded`) on conflict: one `(bins, counts) = ...` item. */
export function histMergeSql({ bins, counts }: HistColumns): string {
  return `(${bins}, ${counts}) = (select bins, counts from cw_hist_merge(r.${bins}, r.${counts}, excluded.${bins}, excluded.${counts}))`;
}

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
  return FIELD_NAMES.map((f) => `${FIELDS[f]} as b_${f}`).join(', ');
}
