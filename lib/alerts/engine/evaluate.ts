/**
 * The rule engine: rule + query results -> one verdict per group. Pure functions, no I/O.
 * "no_data" is its own verdict (too few samples, null values, missing baseline, no events), never "ok".
 */
import { METRICS as METRIC_DEFS } from '@/lib/metrics/catalog';
import type {
  BudgetInput,
  BudgetRule,
  ChangeInput,
  ChangeRule,
  ConsecutiveInput,
  ConsecutiveRule,
  HealthCheck,
  HealthInput,
  HealthRule,
  Metric,
  MetricSample,
  Operator,
  Rule,
  RuleInput,
  ThresholdInput,
  ThresholdRule,
  Verdict,
} from './types';
import { BASELINE_BUCKETS } from './types';

const DAY_MS = 86_400_000;
const DEFAULT_MIN_BASELINE_COVERAGE = 0.5;

export function evaluateRule<R extends Rule>(rule: R, input: RuleInput<R>, now: Date): Verdict[] {
  // RuleInput<R> pairs each rule kind with its input; the casts only restate that pairing.
  switch (rule.kind) {
    case 'threshold':
      return evaluateThreshold(rule, input as ThresholdInput);
    case 'consecutive':
      return evaluateConsecutive(rule, input as ConsecutiveInput, now);
    case 'change':
      return evaluateChange(rule, input as ChangeInput);
    case 'budget':
      return [evaluateBudget(rule, input as BudgetInput, now)];
    case 'health':
      return evaluateHealth(rule, input as HealthInput);
  }
}

export function compare(value: number, operator: Operator, threshold: number): boolean {
  switch (operator) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
  }
}

const usable = (s: MetricSample, minSamples: number): s is { value: number; samples: number } =>
  s.value !== null && Number.isFinite(s.value) && s.samples >= minSamples;

export function evaluateThreshold(rule: ThresholdRule, input: ThresholdInput): Verdict[] {
  // No groups at all (nothing recorded in the window) is one ungrouped no-data verdict.
  const groups = input.groups.length > 0 ? input.groups : [{ group: null, value: null, samples: 0 }];
  return groups.map((g) => {
    const threshold = rule.value;
    if (g.value === null || !Number.isFinite(g.value)) {
      return {
        group: g.group,
        state: 'no_data',
        value: null,
        threshold,
        detail: `no ${rule.metric} in the window`,
      };
    }
    if (!usable(g, rule.minSamples)) {
      return {
        group: g.group,
        state: 'no_data',
        value: g.value,
        threshold,
        detail: `${g.samples} samples, fewer than the ${rule.minSamples} required`,
      };
    }
    const breaching = compare(g.value, rule.operator, threshold);
    return {
      group: g.group,
      state: breaching ? 'breaching' : 'ok',
      value: g.value,
      threshold,
      detail: `${rule.metric} ${fmt(rule.metric, g.value)} ${breaching ? '' : 'not '}${rule.operator} ${fmt(rule.metric, threshold)} over ${g.samples} samples`,
    };
  });
}

/** How far back a consecutive rule looks for outcomes: a streak stays open until a success ends it. */
export const CONSECUTIVE_LOOKBACK_MS = 3_600_000;

export function consecutiveLookbackMs(rule: Pick<ConsecutiveRule, 'withinMs'>): number {
  return Math.max(rule.withinMs, CONSECUTIVE_LOOKBACK_MS);
}

/**
 * The run is the newest outcomes that matched, stopped by the first one that did not, counting those within
 * `withinMs` of the newest: N failures in a row inside a minute breach, and the alert stays breaching until
 * an outcome that does not match (a success) arrives, even when the model gets no traffic for a while.
 * No outcome in the lookback (an hour, or withinMs if longer) = no data; a run shorter than N = ok.
 */
export function evaluateConsecutive(rule: ConsecutiveRule, input: ConsecutiveInput, now: Date): Verdict[] {
  const threshold = rule.count;
  const since = now.getTime() - consecutiveLookbackMs(rule);
  const groups = input.groups.length > 0 ? input.groups : [{ group: null, outcomes: [] }];
  return groups.map((g) => {
    const recent = g.outcomes.filter((o) => o.at.getTime() >= since && o.at.getTime() <= now.getTime());
    if (recent.length === 0) {
      return {
        group: g.group,
        state: 'no_data',
        value: null,
        threshold,
        detail: `no ${rule.event} outcomes in the last ${fmtMs(now.getTime() - since)}`,
      };
    }
    // Sort defensively: the contract is newest first, but a run must never be counted out of order.
    recent.sort((a, b) => b.at.getTime() - a.at.getTime());
    const start = recent[0]!.at.getTime() - rule.withinMs;
    let run = 0;
    for (const o of recent) {
      if (!o.matched || o.at.getTime() < start) break;
      run++;
    }
    const breaching = run >= rule.count;
    return {
      group: g.group,
      state: breaching ? 'breaching' : 'ok',
      value: run,
      threshold,
      detail: `${run} consecutive ${rule.event} (need ${rule.count}) within ${fmtMs(rule.withinMs)}`,
    };
  });
}

/**
 * Baseline = plain mean of the usable buckets (value present, >= minSamples). Coverage below
 * minBaselineCoverage (default 0.5) of the expected buckets, or a baseline <= 0 (ratio undefined), is no data.
 * The threshold reported is the absolute value the current metric is compared with.
 */
export function evaluateChange(rule: ChangeRule, input: ChangeInput): Verdict[] {
  const expected = BASELINE_BUCKETS[rule.baseline];
  const minCoverage = rule.minBaselineCoverage ?? DEFAULT_MIN_BASELINE_COVERAGE;
  const groups =
    input.groups.length > 0
      ? input.groups
      : [{ group: null, current: { value: null, samples: 0 }, baseline: null }];
  return groups.map((g) => {
    const buckets = (g.baseline ?? []).slice(0, expected).filter((b) => usable(b, rule.minSamples));
    const coverage = buckets.length / expected;
    // Without a baseline there is no absolute threshold: report the rule's own ratio / factor instead.
    const relative = rule.direction === 'drop' ? rule.ratio : rule.factor;
    const noData = (value: number | null, detail: string): Verdict => ({
      group: g.group,
      state: 'no_data',
      value,
      threshold: relative,
      detail,
    });
    if (!usable(g.current, rule.minSamples)) {
      return noData(
        g.current.value,
        `current ${rule.metric}: ${g.current.samples} samples, ${rule.minSamples} required`,
      );
    }
    if (buckets.length === 0 || coverage < minCoverage) {
      return noData(
        g.current.value,
        `baseline ${rule.baseline}: ${buckets.length}/${expected} usable buckets`,
      );
    }
    const baseline = buckets.reduce((sum, b) => sum + (b.value ?? 0), 0) / buckets.length;
    if (!(baseline > 0))
      return noData(g.current.value, `baseline ${rule.baseline} is ${baseline}, change undefined`);
    const current = g.current.value;
    const threshold = rule.direction === 'drop' ? baseline * (1 - rule.ratio) : baseline * rule.factor;
    // Inclusive: exactly -20% (or exactly 2x) counts as the change the rule describes.
    const breaching = rule.direction === 'drop' ? current <= threshold : current >= threshold;
    const pct = ((current - baseline) / baseline) * 100;
    return {
      group: g.group,
      state: breaching ? 'breaching' : 'ok',
      value: current,
      threshold,
      detail: `${rule.metric} ${fmt(rule.metric, current)} vs ${rule.baseline} ${fmt(rule.metric, baseline)} (${pct >= 0 ? '+' : ''}${pct.toFixed(1)}%)`,
    };
  });
}

/** Fraction of the UTC day elapsed at `now`, in [0, 1). */
export function utcDayFraction(now: Date): number {
  const t = now.getTime();
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return (t - midnight) / DAY_MS;
}

/**
 * Projected spend = spent / max(elapsed fraction of the UTC day, minElapsedFraction), which is never
 * below what was spent; breach when it reaches budget * thresholdRatio. No budget, or no spend figure, is no data.
 */
export function evaluateBudget(rule: BudgetRule, input: BudgetInput, now: Date): Verdict {
  const budget = rule.dailyBudgetUsd ?? input.projectDailyBudgetUsd;
  if (budget === null || !(budget > 0)) {
    // No budget, no absolute threshold: report the ratio.
    return {
      group: null,
      state: 'no_data',
      value: input.spentUsd,
      threshold: rule.thresholdRatio,
      detail: 'no daily budget set',
    };
  }
  const threshold = budget * rule.thresholdRatio;
  if (input.spentUsd === null || !Number.isFinite(input.spentUsd)) {
    return { group: null, state: 'no_data', value: null, threshold, detail: 'no spend figure for today' };
  }
  const elapsed = Math.min(1, Math.max(utcDayFraction(now), rule.minElapsedFraction, Number.EPSILON));
  const projected = input.spentUsd / elapsed;
  const breaching = projected >= threshold;
  return {
    group: null,
    state: breaching ? 'breaching' : 'ok',
    value: projected,
    threshold,
    detail: `spent $${input.spentUsd.toFixed(2)} today, projected $${projected.toFixed(2)} vs budget $${budget.toFixed(2)} x ${rule.thresholdRatio}`,
  };
}

/**
 * Leading failed checks (newest first) per dependency; not_configured checks carry no evidence and are
 * skipped. A dependency the rule names but the input lacks is no data. Group = the dependency name.
 */
export function evaluateHealth(rule: HealthRule, input: HealthInput): Verdict[] {
  const wanted =
    rule.dependency === 'any'
      ? input.dependencies
      : input.dependencies.filter((d) => d.dependency === rule.dependency);
  const deps = wanted.length > 0 ? wanted : [{ dependency: rule.dependency, checks: [] as HealthCheck[] }];
  return deps.map((d) => healthVerdict(rule, d.dependency, d.checks));
}

function healthVerdict(rule: HealthRule, dependency: string, all: HealthCheck[]): Verdict {
  const threshold = rule.failures;
  const checks = all
    .filter((c) => c.state !== 'not_configured')
    .sort((a, b) => b.at.getTime() - a.at.getTime());
  if (checks.length === 0) {
    return { group: dependency, state: 'no_data', value: null, threshold, detail: `no ${dependency} checks` };
  }
  let run = 0;
  for (const c of checks) {
    if (c.state !== 'fail') break;
    run++;
  }
  const breaching = run >= rule.failures;
  return {
    group: dependency,
    state: breaching ? 'breaching' : 'ok',
    value: run,
    threshold,
    detail: `${dependency}: ${run} failed check${run === 1 ? '' : 's'} in a row (need ${rule.failures})`,
  };
}

function fmt(metric: Metric, v: number): string {
  switch (METRIC_DEFS[metric].unit) {
    case 'ratio':
      return `${+(v * 100).toPrecision(4)}%`;
    case 'ms':
      return `${Math.round(v)} ms`;
    default:
      return `${+v.toPrecision(6)}`;
  }
}

function fmtMs(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} m`;
  return `${ms / 1000} s`;
}
