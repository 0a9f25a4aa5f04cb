/**
 * What the rule editor and rule lists show: the units people type, the labels of the engine's values and the
 * bounds the form checks. No validation here: client forms import this module, the zod schema does too.
 */
import { METRICS as METRIC_DEFS, type Unit as CatalogUnit } from '@/lib/metrics/catalog';
import { METRICS } from '../engine/types';
import type {
  Baseline,
  ConsecutiveEvent,
  Dependency,
  Metric,
  Operator,
  RuleCategory,
  RuleKind,
} from '../engine/types';

export const DURATION_UNITS = ['s', 'm', 'h', 'd'] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number];
export const UNIT_MS: Record<DurationUnit, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
export const UNIT_LABELS: Record<DurationUnit, string> = {
  s: 'seconds',
  m: 'minutes',
  h: 'hours',
  d: 'days',
};

export type MetricUnit = 'percent' | 'ms' | 'count';
/** Ratios are entered as percents; durations in ms; counts, tokens, dollars and scores as plain numbers. */
const UNIT_OF: Record<CatalogUnit, MetricUnit> = {
  ratio: 'percent',
  ms: 'ms',
  count: 'count',
  usd: 'count',
  tokens: 'count',
  score: 'count',
};
/** The unit a metric's threshold is entered in; percent metrics are stored as fractions. */
export const METRIC_UNITS = Object.fromEntries(
  METRICS.map((m) => [m, UNIT_OF[METRIC_DEFS[m].unit]]),
) as Record<Metric, MetricUnit>;

export const DEFAULT_CATEGORY: Record<RuleKind, RuleCategory> = {
  threshold: 'reliability',
  consecutive: 'reliability',
  change: 'usage',
  budget: 'cost',
  health: 'dependency',
};

const MINUTE = 60_000;
const DAY = 86_400_000;
export const WINDOW_MIN_MS = MINUTE;
export const WINDOW_MAX_MS = 7 * DAY;
export const FOR_MAX_MS = 7 * DAY;
/** Repeat notifications of a firing, unacknowledged alert: 0 (never), or between these. */
export const REPEAT_MIN_MS = 5 * 60_000;
export const REPEAT_MAX_MS = 7 * DAY;

export const METRIC_LABELS = Object.fromEntries(METRICS.map((m) => [m, METRIC_DEFS[m].label])) as Record<
  Metric,
  string
>;

export const EVENT_LABELS: Record<ConsecutiveEvent, string> = {
  ai_call_failed: 'failed AI calls',
  request_failed: 'failed requests',
  login_failed: 'failed logins',
};

export const BASELINE_LABELS: Record<Baseline, string> = {
  previous_day: 'previous day',
  same_hour_last_week: 'same hour last week',
  '7d_average': '7-day average',
};

export const DEPENDENCY_LABELS: Record<Dependency | 'any', string> = {
  any: 'any dependency',
  database: 'database',
  cache: 'cache',
  ai: 'AI provider',
  auth: 'auth provider',
};

export const KIND_LABELS: Record<RuleKind, string> = {
  threshold: 'Threshold',
  consecutive: 'Consecutive',
  change: 'Change',
  budget: 'Budget',
  health: 'Health',
};

export const OPERATOR_SYMBOLS: Record<Operator, string> = { '>': '>', '>=': '≥', '<': '<', '<=': '≤' };
