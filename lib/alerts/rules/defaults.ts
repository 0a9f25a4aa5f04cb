/**
 * The default rules every new project gets (DESIGN.md "Alerts"): ten on, and the operations templates
 * (below) off. Plain data; editable, can be disabled and added to. Keys are stable identifiers: never rename one (stored instances refer to it).
 * A default rule fires on the first breaching evaluation (forMs 0) unless it names a duration.
 * Rates are fractions (1% = 0.01).
 */
import type { Rule } from '../engine/types';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const SHIPPED_ON: readonly Rule[] = [
  {
    key: 'error-rate',
    kind: 'threshold',
    name: 'Error rate above 1%',
    description: 'More than 1% of requests failed over the last 5 minutes.',
    severity: 'P1',
    category: 'reliability',
    enabled: true,
    forMs: 0,
    metric: 'error_rate',
    operator: '>',
    value: 0.01,
    windowMs: 5 * MINUTE,
    minSamples: 20,
  },
  {
    key: 'p95-response-time',
    kind: 'threshold',
    name: 'p95 time to first response above 2 s',
    description:
      'The 95th percentile time to first response (first token of a streamed answer, else its duration) exceeded 2 seconds over the last minute.',
    severity: 'P2',
    category: 'performance',
    enabled: true,
    forMs: 0,
    metric: 'p95_first_response_ms',
    operator: '>',
    value: 2000,
    windowMs: MINUTE,
    minSamples: 10,
  },
  {
    key: 'ai-consecutive-failures',
    kind: 'consecutive',
    name: '3 consecutive AI failures',
    description: 'Three AI calls to the same model failed in a row within one minute.',
    severity: 'P1',
    category: 'reliability',
    enabled: true,
    forMs: 0,
    event: 'ai_call_failed',
    count: 3,
    withinMs: MINUTE,
    groupBy: 'model',
  },
  {
    key: 'cache-hit-rate',
    kind: 'threshold',
    name: 'Cache hit rate below 80%',
    description: 'Fewer than 80% of cache lookups hit over the last hour.',
    severity: 'P3',
    category: 'performance',
    enabled: true,
    forMs: 0,
    metric: 'cache_hit_rate',
    operator: '<',
    value: 0.8,
    windowMs: HOUR,
    minSamples: 50,
  },
  {
    key: 'active-users-drop',
    kind: 'change',
    name: 'Active users down 20% day over day',
    description: 'Active users over the last 24 hours are at least 20% below the previous day.',
    severity: 'P3',
    category: 'usage',
    enabled: true,
    forMs: 0,
    metric: 'active_users',
    baseline: 'previous_day',
    direction: 'drop',
    ratio: 0.2,
    windowMs: 24 * HOUR,
    minSamples: 1,
  },
  {
    key: 'api-availability',
    kind: 'threshold',
    name: 'API availability below 99.9%',
    description: 'Fewer than 99.9% of API requests succeeded over the last 5 minutes.',
    severity: 'P1',
    category: 'reliability',
    enabled: true,
    forMs: 0,
    metric: 'availability',
    operator: '<',
    value: 0.999,
    windowMs: 5 * MINUTE,
    minSamples: 20,
  },
  {
    key: 'latency-vs-baseline',
    kind: 'change',
    name: 'Latency 2x the 7-day baseline for 10 minutes',
    description: 'p95 time to first response has been at least twice its 7-day average for 10 minutes.',
    severity: 'P2',
    category: 'performance',
    enabled: true,
    forMs: 10 * MINUTE,
    metric: 'p95_first_response_ms',
    baseline: '7d_average',
    direction: 'rise',
    factor: 2,
    windowMs: 10 * MINUTE,
    minSamples: 10,
  },
  {
    key: 'daily-spend',
    kind: 'budget',
    name: 'Spend 50% over daily budget',
    description:
      "Today's AI spend, or its projection to the end of the UTC day, is 50% over the daily budget.",
    severity: 'P2',
    category: 'cost',
    enabled: true,
    forMs: 0,
    dailyBudgetUsd: null,
    thresholdRatio: 1.5,
    minElapsedFraction: 1 / 24,
  },
  {
    key: 'failed-logins',
    kind: 'threshold',
    name: '5 or more failed logins in 5 minutes',
    description: 'At least five failed logins in the last 5 minutes: possible credential stuffing.',
    severity: 'P1',
    category: 'security',
    enabled: true,
    forMs: 0,
    metric: 'failed_logins',
    operator: '>=',
    value: 5,
    windowMs: 5 * MINUTE,
    minSamples: 0,
  },
  {
    key: 'dependency-down',
    kind: 'health',
    name: 'Dependency down 3 checks in a row',
    description:
      'A dependency (database, cache, AI provider or auth) failed three health checks in a row; one alert per dependency.',
    severity: 'P1',
    category: 'dependency',
    enabled: true,
    forMs: 0,
    dependency: 'any',
    failures: 3,
  },
];

/**
 * The operations documents' own thresholds, shipped disabled: an admin turns them on once the chat app sends
 * the `metric` events they watch (names in the README, "Alerts"). One alert per service.
 */
export const OPERATIONS_TEMPLATES: readonly Rule[] = [
  metricTemplate('cpu-high', 'CPU above 90% for 5 minutes', 'metric_average', 'cpu.utilization', 90, 'P2'),
  metricTemplate(
    'memory-high',
    'Memory above 90% for 5 minutes',
    'metric_average',
    'memory.utilization',
    90,
    'P2',
  ),
  metricTemplate('disk-high', 'Disk above 95%', 'metric_max', 'disk.utilization', 95, 'P1'),
  metricTemplate('db-pool-high', 'Database pool above 90%', 'metric_max', 'db.pool.utilization', 90, 'P2'),
  metricTemplate(
    'db-query-latency',
    'p95 database query latency above 500 ms',
    'metric_p95',
    'db.query.duration',
    500,
    'P2',
  ),
  {
    key: 'streaming-duration',
    kind: 'threshold',
    name: 'p95 streaming duration above 30 s',
    description: 'Streamed answers took more than 30 seconds end to end (p95 over the last 5 minutes).',
    severity: 'P3',
    category: 'performance',
    enabled: false,
    forMs: 0,
    metric: 'p95_streaming_duration_ms',
    operator: '>',
    value: 30_000,
    windowMs: 5 * MINUTE,
    minSamples: 5,
  },
  {
    key: 'quota-hits',
    kind: 'threshold',
    name: 'More than 100 quota hits an hour',
    description: 'Rate limits and quotas turned requests away more than 100 times in the last hour.',
    severity: 'P3',
    category: 'usage',
    enabled: false,
    forMs: 0,
    metric: 'rate_limit_hits',
    operator: '>',
    value: 100,
    windowMs: HOUR,
    minSamples: 0,
  },
];

export const DEFAULT_RULES: readonly Rule[] = [...SHIPPED_ON, ...OPERATIONS_TEMPLATES];

function metricTemplate(
  key: string,
  name: string,
  metric: 'metric_average' | 'metric_max' | 'metric_p95',
  series: string,
  value: number,
  severity: Rule['severity'],
): Rule {
  const how = { metric_average: 'average', metric_max: 'maximum', metric_p95: 'p95' }[metric];
  return {
    key,
    kind: 'threshold',
    name,
    description: `The ${how} of the \`${series}\` metric events over the last 5 minutes is above ${value}, per service.`,
    severity,
    category: 'reliability',
    enabled: false,
    forMs: 0,
    metric,
    series: { name: series },
    operator: '>',
    value,
    windowMs: 5 * MINUTE,
    minSamples: 1,
    groupBy: 'service',
  };
}

/** Fresh, mutable copies of the default rules for a new project. */
export function defaultRules(): Rule[] {
  return DEFAULT_RULES.map((r) => structuredClone(r));
}

const DEFAULT_ORDER = new Map(DEFAULT_RULES.map((r, i) => [r.key, i]));

export const isDefaultKey = (key: string) => DEFAULT_ORDER.has(key);

/** Where a rule sorts in lists: the defaults in their shipped order, then custom rules. */
export const defaultRank = (key: string) => DEFAULT_ORDER.get(key) ?? DEFAULT_ORDER.size;
