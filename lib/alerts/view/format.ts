/**
 * How an alert reads in the UI: units, values against thresholds, the rule's condition in words and the
 * group label. Pure. Rates are fractions (0.01 = 1%), durations milliseconds, money USD (engine units).
 */
import { formatDuration, formatValue, type Unit } from '@/lib/format';
import type { InstanceState, Metric, Rule } from '../engine/types';
import { EVENT_LABELS, METRIC_LABELS, METRIC_UNITS, OPERATOR_SYMBOLS } from '../rules/constants';
import { summarizeRule } from '../rules/summary';

const BASELINES = {
  previous_day: 'the previous day',
  same_hour_last_week: 'the same hour last week',
  '7d_average': 'its 7-day average',
} as const;

const metricUnit = (metric: Metric): Unit => METRIC_UNITS[metric];

/** The unit of a rule's value and threshold. */
export function ruleUnit(rule: Rule): Unit {
  switch (rule.kind) {
    case 'threshold':
    case 'change':
      return metricUnit(rule.metric);
    case 'budget':
      return 'usd';
    case 'consecutive':
    case 'health':
      return 'count';
  }
}

/** What the chart's y axis shows, e.g. "error rate" or "failed AI calls per bucket". */
export function ruleMetricLabel(rule: Rule): string {
  switch (rule.kind) {
    case 'threshold':
    case 'change':
      return METRIC_LABELS[rule.metric];
    case 'consecutive':
      return EVENT_LABELS[rule.event];
    case 'budget':
      return 'spend today';
    case 'health':
      return 'failed checks in a row';
  }
}

/** "33.3%", "2.40 s", "4 in a row", "$182.50 projected"; "no data" for null. */
export function formatAlertValue(rule: Rule, value: number | null): string {
  const text = formatValue(value, ruleUnit(rule));
  if (value === null) return text;
  if (rule.kind === 'consecutive' || rule.kind === 'health') return `${text} in a row`;
  if (rule.kind === 'budget') return `${text} projected`;
  return text;
}

/**
 * The condition the value is compared with: "> 1.00%", "≤ 412 (−20% vs the previous day)". A change rule
 * without a baseline, or a budget rule without a budget, reports its relative ratio instead (engine choice).
 */
export function formatAlertThreshold(rule: Rule, threshold: number | null, state?: InstanceState): string {
  if (threshold === null) return 'n/a';
  const fmt = (v: number) => formatValue(v, ruleUnit(rule));
  switch (rule.kind) {
    case 'threshold':
      return `${OPERATOR_SYMBOLS[rule.operator]} ${fmt(threshold)}`;
    case 'consecutive':
      return `≥ ${formatValue(threshold, 'count')} in a row`;
    case 'health':
      return `≥ ${formatValue(threshold, 'count')} in a row`;
    case 'change': {
      const relative =
        rule.direction === 'drop'
          ? `−${Math.round(rule.ratio * 100)}% vs ${BASELINES[rule.baseline]}`
          : `${rule.factor}× ${BASELINES[rule.baseline]}`;
      if (state === 'no_data') return relative;
      return `${rule.direction === 'drop' ? '≤' : '≥'} ${fmt(threshold)} (${relative})`;
    }
    case 'budget':
      if (state === 'no_data' && threshold === rule.thresholdRatio)
        return `${Math.round(rule.thresholdRatio * 100)}% of the daily budget`;
      return `≥ ${fmt(threshold)}`;
  }
}

/**
 * The rule in one line, as the Rules tab words it, plus when it fires and how many events it needs:
 * "error rate > 1% over 5 min · at least 20 events · fires on the first breach".
 */
export function conditionSummary(rule: Rule): string {
  const parts = [summarizeRule(rule)];
  if ((rule.kind === 'threshold' || rule.kind === 'change') && rule.minSamples > 0)
    parts.push(`at least ${rule.minSamples} events`);
  parts.push(
    rule.forMs > 0 ? `fires after ${formatDuration(rule.forMs)} in breach` : 'fires on the first breach',
  );
  return parts.join(' · ');
}

/** "route /api/chat", "model claude-sonnet-4-5", "dependency database"; null for an ungrouped alert. */
export function groupLabel(rule: Rule | null, groupKey: string): string | null {
  if (groupKey === '') return null;
  if (!rule) return groupKey;
  if (rule.kind === 'health') return `dependency ${groupKey}`;
  if ((rule.kind === 'threshold' || rule.kind === 'change' || rule.kind === 'consecutive') && rule.groupBy)
    return `${rule.groupBy} ${groupKey}`;
  return groupKey;
}

/** The detail URL of an alert, the one notifications link to. */
export function alertHref(projectSlug: string, ruleId: string, groupKey: string): string {
  const params = new URLSearchParams({ project: projectSlug, rule: ruleId });
  if (groupKey) params.set('group', groupKey);
  return `/alerts?${params.toString()}`;
}
