/**
 * Alert rule definitions and the plain-data inputs the rule engine evaluates.
 * Pure types and constants only: no I/O, no database, no KV.
 *
 * Units: rates and ratios (error_rate, cache_hit_rate, availability, ai_error_rate) are fractions in
 * [0, 1] (1% = 0.01); durations are milliseconds; money is USD; counts are plain numbers.
 */

import { RULE_METRIC_IDS, UNNAMED_METRIC_IDS, type MetricId } from '@/lib/metrics/catalog';

export const SEVERITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const RULE_KINDS = ['threshold', 'consecutive', 'change', 'budget', 'health'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

export const RULE_CATEGORIES = [
  'reliability',
  'performance',
  'usage',
  'cost',
  'security',
  'dependency',
] as const;
export type RuleCategory = (typeof RULE_CATEGORIES)[number];

/**
 * Any metric of the catalog (lib/metrics/catalog.ts): the figure the dashboards show. Those of `metric`
 * events and web vitals (`needsName`) read one series: the rule's `series` names it.
 */
export const METRICS = RULE_METRIC_IDS;
/** What a change rule can compare to its baseline: the metrics that need no name. */
export const CHANGE_METRICS = UNNAMED_METRIC_IDS;
export type Metric = MetricId;

/** One series of a named metric: a `metric` event's (or web vital's) name, and labels it must carry. */
export type Series = { name: string; labels?: Record<string, string> };

export const OPERATORS = ['>', '>=', '<', '<='] as const;
export type Operator = (typeof OPERATORS)[number];

export const GROUP_BYS = ['model', 'route', 'service'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

export const CONSECUTIVE_EVENTS = ['ai_call_failed', 'request_failed', 'login_failed'] as const;
export type ConsecutiveEvent = (typeof CONSECUTIVE_EVENTS)[number];

export const BASELINES = ['previous_day', 'same_hour_last_week', '7d_average'] as const;
export type Baseline = (typeof BASELINES)[number];

/** How many baseline buckets each baseline kind expects (one per day for the 7-day average). */
export const BASELINE_BUCKETS: Record<Baseline, number> = {
  previous_day: 1,
  same_hour_last_week: 1,
  '7d_average': 7,
};

export const DEPENDENCIES = ['database', 'cache', 'ai', 'auth'] as const;
export type Dependency = (typeof DEPENDENCIES)[number];

export const CHANNEL_KINDS = ['webhook', 'slack', 'pagerduty', 'email'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export const VERDICT_STATES = ['ok', 'breaching', 'no_data'] as const;
export type VerdictState = (typeof VERDICT_STATES)[number];

export const INSTANCE_STATES = ['ok', 'pending', 'firing', 'resolved', 'no_data'] as const;
export type InstanceState = (typeof INSTANCE_STATES)[number];

/** Fields every rule has. `forMs` = how long a breach must last before firing; 0 fires on the first breach. */
export type RuleBase = {
  key: string;
  name: string;
  description: string;
  severity: Severity;
  category: RuleCategory;
  enabled: boolean;
  forMs: number;
  /** How often a firing, unacknowledged alert is notified again; default 4 h, 0 = never. */
  repeatIntervalMs?: number;
};

export type ThresholdRule = RuleBase & {
  kind: 'threshold';
  metric: Metric;
  /** Required for a metric that `needsName` (CPU: `{ name: 'cpu.utilization' }`); absent otherwise. */
  series?: Series;
  operator: Operator;
  value: number;
  windowMs: number;
  /** Fewer samples than this in the window is no data, not ok. 0 = any non-null value is evaluated. */
  minSamples: number;
  groupBy?: GroupBy;
};

export type ConsecutiveRule = RuleBase & {
  kind: 'consecutive';
  event: ConsecutiveEvent;
  /** N matching outcomes in a row (newest first, unbroken by a non-matching outcome)... */
  count: number;
  /** ...all within the last `withinMs` before evaluation. */
  withinMs: number;
  groupBy?: 'model';
};

export type ChangeDirection =
  /** Breach when current <= baseline * (1 - ratio); ratio 0.2 = a 20% drop. */
  | { direction: 'drop'; ratio: number }
  /** Breach when current >= baseline * factor; factor 2 = twice the baseline. */
  | { direction: 'rise'; factor: number };

export type ChangeRule = RuleBase &
  ChangeDirection & {
    kind: 'change';
    metric: Metric;
    baseline: Baseline;
    windowMs: number;
    /** Applies to the current window and to each baseline bucket. */
    minSamples: number;
    /** Fraction of expected baseline buckets that must be usable (default 0.5); below it is no data. */
    minBaselineCoverage?: number;
    groupBy?: GroupBy;
  };

export type BudgetRule = RuleBase & {
  kind: 'budget';
  /** null = use the project's daily budget (passed in the input). */
  dailyBudgetUsd: number | null;
  /** Breach when spent or projected spend >= budget * thresholdRatio (1.5 = 50% over). */
  thresholdRatio: number;
  /** The projection divides by at least this fraction of the UTC day, so 00:00:30 does not blow up. */
  minElapsedFraction: number;
};

export type HealthRule = RuleBase & {
  kind: 'health';
  /** 'any' = every dependency, one verdict (group) per dependency. */
  dependency: Dependency | 'any';
  /** N failed checks in a row (newest first). */
  failures: number;
};

export type Rule = ThresholdRule | ConsecutiveRule | ChangeRule | BudgetRule | HealthRule;

// ---- inputs: query results as plain data ----

/** `group` is null for an ungrouped rule, else the model / route / service name. */
export type MetricSample = { value: number | null; samples: number };

export type ThresholdInput = { groups: ({ group: string | null } & MetricSample)[] };

/** `matched` = the outcome matched the rule's event (e.g. the AI call failed); false = a success. */
export type Outcome = { at: Date; matched: boolean };
/** Outcomes newest first. */
export type ConsecutiveInput = { groups: { group: string | null; outcomes: Outcome[] }[] };

/**
 * `baseline` holds one bucket per baseline period (1 for previous_day / same_hour_last_week, up to 7 for
 * 7d_average); missing buckets may be absent, null-valued or have too few samples. null = no baseline at all.
 */
export type ChangeInput = {
  groups: { group: string | null; current: MetricSample; baseline: MetricSample[] | null }[];
};

export type BudgetInput = { spentUsd: number | null; projectDailyBudgetUsd: number | null };

export const CHECK_STATES = ['ok', 'fail', 'not_configured'] as const;
export type CheckState = (typeof CHECK_STATES)[number];
export type HealthCheck = { at: Date; state: CheckState };
/** Recent checks per dependency, newest first. Dependencies other than the rule's are ignored. */
export type HealthInput = { dependencies: { dependency: Dependency; checks: HealthCheck[] }[] };

export type RuleInput<R extends Rule> = R extends ThresholdRule
  ? ThresholdInput
  : R extends ConsecutiveRule
    ? ConsecutiveInput
    : R extends ChangeRule
      ? ChangeInput
      : R extends BudgetRule
        ? BudgetInput
        : R extends HealthRule
          ? HealthInput
          : never;

export type Verdict = {
  group: string | null;
  state: VerdictState;
  value: number | null;
  threshold: number;
  detail: string;
};

export type Channel = { id: string; kind: ChannelKind; severities?: Severity[] };
