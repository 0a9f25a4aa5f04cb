/** One-line, human descriptions of alert rules for lists and audit views. Pure. */
import { formatDuration } from '@/lib/format';
import type { Metric, Rule, Series } from '../engine/types';
import {
  BASELINE_LABELS,
  DEPENDENCY_LABELS,
  EVENT_LABELS,
  METRIC_LABELS,
  METRIC_UNITS,
  OPERATOR_SYMBOLS,
} from './constants';
import { toPercent } from './units';

/** When a breach fires, from the rule's `for` duration: 0 fires on the first breaching evaluation. */
export function formatFor(ms: number): string {
  return ms <= 0 ? 'at once' : `after ${formatDuration(ms)}`;
}

/** A metric's threshold in the unit it is entered in: "1%", "2 s", "450 ms", "5". */
export function formatMetricValue(metric: Metric, value: number): string {
  switch (METRIC_UNITS[metric]) {
    case 'percent':
      return `${toPercent(value)}%`;
    case 'ms':
      return value >= 1000 ? `${Number((value / 1000).toFixed(3))} s` : `${value} ms`;
    case 'count':
      return value.toLocaleString('en-US', { maximumFractionDigits: 2 });
  }
}

function usd(amount: number): string {
  return `$${amount.toLocaleString('en-US', { maximumFractionDigits: 2 })}`;
}

const per = (groupBy: string | undefined) => (groupBy ? `, per ${groupBy}` : '');

/** " of cpu.utilization {host=a}" for a named metric's series. */
function ofSeries(series: Series | undefined): string {
  if (!series) return '';
  const labels = Object.entries(series.labels ?? {}).map(([k, v]) => `${k}=${v}`);
  return ` of ${series.name}${labels.length > 0 ? ` {${labels.join(', ')}}` : ''}`;
}

/**
 * "error rate > 1% over 5 min", "3 consecutive failed AI calls within 1 min, per model",
 * "active users −20% vs previous day over 1 d", "spend ≥ 150% of daily budget",
 * "any dependency fails 3 checks in a row".
 */
export function summarizeRule(rule: Rule): string {
  switch (rule.kind) {
    case 'threshold':
      return (
        `${METRIC_LABELS[rule.metric]}${ofSeries(rule.series)} ${OPERATOR_SYMBOLS[rule.operator]} ` +
        `${formatMetricValue(rule.metric, rule.value)} over ${formatDuration(rule.windowMs)}${per(rule.groupBy)}`
      );
    case 'consecutive':
      return `${rule.count} consecutive ${EVENT_LABELS[rule.event]} within ${formatDuration(rule.withinMs)}${per(rule.groupBy)}`;
    case 'change': {
      const change = rule.direction === 'drop' ? `−${toPercent(rule.ratio)}%` : `${rule.factor}×`;
      return (
        `${METRIC_LABELS[rule.metric]} ${change} vs ${BASELINE_LABELS[rule.baseline]} ` +
        `over ${formatDuration(rule.windowMs)}${per(rule.groupBy)}`
      );
    }
    case 'budget': {
      const budget =
        rule.dailyBudgetUsd === null ? 'daily budget' : `${usd(rule.dailyBudgetUsd)} daily budget`;
      return `spend ≥ ${toPercent(rule.thresholdRatio)}% of ${budget}`;
    }
    case 'health': {
      const checks = rule.failures === 1 ? '1 check' : `${rule.failures} checks in a row`;
      return `${DEPENDENCY_LABELS[rule.dependency]} fails ${checks}`;
    }
  }
}
