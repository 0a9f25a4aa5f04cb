import type { EventType } from '@/lib/ingest/schema';
import { metricDef, type MetricId } from '../catalog';
import type { Dimension, Field, Measure } from '../rollups/shape';

/**
 * What `GET /api/v1/metrics` exposes to Prometheus: each family is a metric of the catalog
 * (lib/metrics/catalog.ts), so a scraped figure is the dashboard's figure. Counters count since 00:00 UTC
 * of the day of the scrape and start again from 0 at midnight, which `rate()` and `increase()` read as a
 * counter reset; latency families are histograms built from the rollups' histograms.
 */

/** A dimension of the rollups shown as a label: its label name and, for classes, how values read. */
export type LabelDef = { dimension: Dimension; label: string; values?: Readonly<Record<string, string>> };

type FamilyBase = {
  name: string;
  help: string;
  /** The catalog metric: its event type, class filter and (for histograms) its field. */
  metric: MetricId;
  labels: readonly LabelDef[];
  /** Dimension values a series must have (a web vital's name), beside the metric's own filter. */
  where?: Partial<Record<Dimension, readonly string[]>>;
};

export type CounterFamily = FamilyBase & { kind: 'counter' };

export type HistogramFamily = FamilyBase & {
  kind: 'histogram';
  /** Upper bounds of the buckets, in the family's unit (+Inf is added). */
  buckets: readonly number[];
  /** Family unit per stored unit: 0.001 turns milliseconds into seconds. */
  scale: number;
};

export type Family = CounterFamily | HistogramFamily;

export const SERVICE: LabelDef = { dimension: 'service', label: 'service' };
export const ENVIRONMENT: LabelDef = { dimension: 'environment', label: 'environment' };
const ROUTE: LabelDef = { dimension: 'path', label: 'route' };
const MODEL: LabelDef = { dimension: 'model', label: 'model' };
const EVERYWHERE = [SERVICE, ENVIRONMENT] as const;

/** Latency buckets in seconds: 5 ms to 5 min, the range of a request, a model call or a streamed answer. */
export const SECONDS_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300,
] as const;
/** Cumulative Layout Shift is a score without unit; 0.1 and 0.25 are its good and poor thresholds. */
export const CLS_BUCKETS = [0.01, 0.05, 0.1, 0.15, 0.25, 0.5, 1] as const;
/** The web vitals measured in milliseconds (CLS is a score). */
const TIMED_VITALS = ['LCP', 'INP', 'FCP', 'TTFB', 'FID'] as const;

const seconds = (family: Omit<HistogramFamily, 'kind' | 'buckets' | 'scale'>): HistogramFamily => ({
  kind: 'histogram',
  buckets: SECONDS_BUCKETS,
  scale: 0.001,
  ...family,
});
const counter = (family: Omit<CounterFamily, 'kind'>): CounterFamily => ({ kind: 'counter', ...family });

export const FAMILIES: readonly Family[] = [
  counter({
    name: 'chatwatch_http_requests_total',
    help: 'HTTP requests served (http.request events) since 00:00 UTC.',
    metric: 'request_count',
    labels: [...EVERYWHERE, ROUTE, { dimension: 'class', label: 'status_class' }],
  }),
  seconds({
    name: 'chatwatch_http_request_duration_seconds',
    help: 'Duration of HTTP requests since 00:00 UTC (bucket counts within 1% of the bound).',
    metric: 'p95_request_ms',
    labels: [...EVERYWHERE, ROUTE],
  }),
  counter({
    name: 'chatwatch_responses_total',
    help: 'Chat answers sent (response.sent events) since 00:00 UTC.',
    metric: 'responses',
    labels: [
      ...EVERYWHERE,
      { dimension: 'class', label: 'streamed', values: { streamed: 'true', '': 'false' } },
    ],
  }),
  seconds({
    name: 'chatwatch_response_duration_seconds',
    help: 'Total duration of chat answers (a streamed answer: until its last token) since 00:00 UTC.',
    metric: 'p95_response_ms',
    labels: EVERYWHERE,
  }),
  seconds({
    name: 'chatwatch_response_first_response_seconds',
    help: 'Time to first response of chat answers (first token when streamed, duration otherwise) since 00:00 UTC.',
    metric: 'p95_first_response_ms',
    labels: EVERYWHERE,
  }),
  seconds({
    name: 'chatwatch_response_first_token_seconds',
    help: 'Time to first token of chat answers that report one, since 00:00 UTC.',
    metric: 'p95_ttft_ms',
    labels: EVERYWHERE,
  }),
  counter({
    name: 'chatwatch_ai_calls_total',
    help: 'Model calls (ai.call events) since 00:00 UTC, by outcome.',
    metric: 'ai_calls',
    labels: [...EVERYWHERE, MODEL, { dimension: 'class', label: 'outcome' }],
  }),
  counter({
    name: 'chatwatch_ai_input_tokens_total',
    help: 'Input tokens of model calls, cache tokens excluded, since 00:00 UTC.',
    metric: 'ai_tokens_in',
    labels: [...EVERYWHERE, MODEL],
  }),
  counter({
    name: 'chatwatch_ai_output_tokens_total',
    help: 'Output tokens of model calls since 00:00 UTC.',
    metric: 'ai_tokens_out',
    labels: [...EVERYWHERE, MODEL],
  }),
  counter({
    name: 'chatwatch_ai_cache_read_tokens_total',
    help: 'Prompt-cache read tokens of model calls since 00:00 UTC.',
    metric: 'ai_cache_read_tokens',
    labels: [...EVERYWHERE, MODEL],
  }),
  counter({
    name: 'chatwatch_ai_cache_write_tokens_total',
    help: 'Prompt-cache write tokens of model calls since 00:00 UTC.',
    metric: 'ai_cache_write_tokens',
    labels: [...EVERYWHERE, MODEL],
  }),
  counter({
    name: 'chatwatch_ai_cost_usd_total',
    help: 'Cost of model calls in US dollars (as sent, or priced from tokens) since 00:00 UTC.',
    metric: 'ai_cost_usd',
    labels: [...EVERYWHERE, MODEL],
  }),
  seconds({
    name: 'chatwatch_ai_call_duration_seconds',
    help: 'Duration of successful model calls since 00:00 UTC.',
    metric: 'ai_p95_latency_ms',
    labels: [...EVERYWHERE, MODEL],
  }),
  seconds({
    name: 'chatwatch_ai_first_token_seconds',
    help: 'Time to first token of successful model calls since 00:00 UTC.',
    metric: 'ai_p95_ttft_ms',
    labels: [...EVERYWHERE, MODEL],
  }),
  counter({
    name: 'chatwatch_cache_lookups_total',
    help: 'Cache lookups that say whether they hit, since 00:00 UTC.',
    metric: 'cache_lookups',
    labels: [
      ...EVERYWHERE,
      { dimension: 'name', label: 'cache' },
      { dimension: 'class', label: 'result', values: { 'get:true': 'hit', 'get:false': 'miss' } },
    ],
  }),
  counter({
    name: 'chatwatch_feedback_total',
    // No model label: a rating's model is found when it is rolled up, and a call stored later could move a
    // rating read raw at one scrape to another model at the next, and a counter must not go down.
    help: 'User ratings since 00:00 UTC, by score (1-5).',
    metric: 'feedback_count',
    labels: [...EVERYWHERE, { dimension: 'class', label: 'score' }],
  }),
  counter({
    name: 'chatwatch_errors_total',
    help: 'Errors reported (error events) since 00:00 UTC, by source and route.',
    metric: 'errors',
    labels: [...EVERYWHERE, { dimension: 'name', label: 'source' }, ROUTE],
  }),
  counter({
    name: 'chatwatch_rate_limit_hits_total',
    help: 'Requests refused by a rate limit since 00:00 UTC.',
    metric: 'rate_limit_hits',
    labels: [...EVERYWHERE, ROUTE],
  }),
  counter({
    name: 'chatwatch_failed_logins_total',
    help: 'Failed sign-in attempts since 00:00 UTC.',
    metric: 'failed_logins',
    labels: EVERYWHERE,
  }),
  seconds({
    name: 'chatwatch_retrieval_duration_seconds',
    help: 'Duration of retrievals (RAG lookups) since 00:00 UTC.',
    metric: 'retrieval_p95_ms',
    labels: EVERYWHERE,
  }),
  seconds({
    name: 'chatwatch_web_vital_seconds',
    help: 'Core Web Vitals measured in time (LCP, INP, FCP, TTFB) reported by browsers since 00:00 UTC.',
    metric: 'web_vital_p75',
    labels: [...EVERYWHERE, { dimension: 'name', label: 'vital' }],
    where: { name: TIMED_VITALS },
  }),
  {
    kind: 'histogram',
    name: 'chatwatch_web_vital_cls',
    help: 'Cumulative Layout Shift reported by browsers since 00:00 UTC.',
    metric: 'web_vital_p75',
    labels: EVERYWHERE,
    where: { name: ['CLS'] },
    buckets: CLS_BUCKETS,
    scale: 1,
  },
];

/** The field of a histogram family: that of its catalog metric, a percentile. */
export function fieldOf(family: HistogramFamily): Field {
  const a = metricDef(family.metric).aggregation;
  if (a.kind !== 'percentile') throw new Error(`${family.name}: ${family.metric} is not a percentile`);
  return a.field;
}

/** The exact sum of a field's values, where the rollups keep it; otherwise `_sum` adds the bins' values. */
export const FIELD_SUMS: Partial<Record<Field, Measure>> = {
  duration: 'sum_duration',
  ttft: 'sum_ttft',
  value: 'sum_value',
};

/** The event type of a family: that of its catalog metric. */
export function typeOf(family: Family): EventType {
  const type = metricDef(family.metric).type;
  if (type === null) throw new Error(`${family.name}: ${family.metric} is not read from rollups`);
  return type;
}
