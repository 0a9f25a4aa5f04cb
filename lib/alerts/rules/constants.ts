/**
 * What the rule editor and rule lists show: the units people type, the labels of the engine's values and the
 * bounds the form checks. No validation here: client forms import this module, the zod schema does too.
 */
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
/** The unit a metric's threshold is entered in; percent metrics are stored as fractions. */
export const METRIC_UNITS: Record<Metric, MetricUnit> = {
  error_rate: 'percent',
  p95_response_ms: 'ms',
  cache_hit_rate: 'percent',
  availability: 'percent',
  ai_error_rate: 'percent',
  failed_logins: 'count',
  active_users: 'count',
  request_count: 'count',
};

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

export const METRIC_LABELS: Record<Metric, string> = {
  error_rate: 'error rate',
  p95_response_ms: 'p95 response time',
  cache_hit_rate: 'cache hit rate',
  availability: 'availability',
  ai_error_rate: 'AI error rate',
  failed_logins: 'failed logins',
  active_users: 'active users',
  request_count: 'requests',
};

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
