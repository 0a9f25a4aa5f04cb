import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES } from '../rules/defaults';
import type { Rule } from '../engine/types';
import {
  alertHref,
  conditionSummary,
  formatAlertThreshold,
  formatAlertValue,
  groupLabel,
  ruleMetricLabel,
  ruleUnit,
} from './format';

const rule = (key: string): Rule => {
  const found = DEFAULT_RULES.find((r) => r.key === key);
  if (!found) throw new Error(`no default rule ${key}`);
  return found;
};

describe('alert formatting', () => {
  it('gives every default rule a unit: rates in %, latency in ms, spend in USD, runs as counts', () => {
    expect(Object.fromEntries(DEFAULT_RULES.map((r) => [r.key, ruleUnit(r)]))).toEqual({
      'error-rate': 'percent',
      'p95-response-time': 'ms',
      'ai-consecutive-failures': 'count',
      'cache-hit-rate': 'percent',
      'active-users-drop': 'count',
      'api-availability': 'percent',
      'latency-vs-baseline': 'ms',
      'daily-spend': 'usd',
      'failed-logins': 'count',
      'dependency-down': 'count',
      'cpu-high': 'count',
      'memory-high': 'count',
      'disk-high': 'count',
      'db-pool-high': 'count',
      'db-query-latency': 'count',
      'streaming-duration': 'ms',
      'quota-hits': 'count',
    });
  });

  it('formats values and thresholds per metric', () => {
    expect([
      formatAlertValue(rule('error-rate'), 10 / 30),
      formatAlertThreshold(rule('error-rate'), 0.01),
    ]).toEqual(['33.3%', '> 1.00%']);
    expect([
      formatAlertValue(rule('api-availability'), 0.95),
      formatAlertThreshold(rule('api-availability'), 0.999),
    ]).toEqual(['95.0%', '< 99.9%']);
    expect([
      formatAlertValue(rule('p95-response-time'), 2400),
      formatAlertThreshold(rule('p95-response-time'), 2000),
    ]).toEqual(['2.40 s', '> 2.00 s']);
    expect([
      formatAlertValue(rule('ai-consecutive-failures'), 4),
      formatAlertThreshold(rule('ai-consecutive-failures'), 3),
    ]).toEqual(['4 in a row', '≥ 3 in a row']);
    expect([
      formatAlertValue(rule('daily-spend'), 182.5),
      formatAlertThreshold(rule('daily-spend'), 150),
    ]).toEqual(['$183 projected', '≥ $150']);
    expect(formatAlertThreshold(rule('failed-logins'), 5)).toBe('≥ 5');
    expect(formatAlertValue(rule('error-rate'), null)).toBe('no data');
  });

  it('shows a change threshold with its baseline, and the bare ratio when there is no baseline', () => {
    expect(formatAlertThreshold(rule('active-users-drop'), 412, 'firing')).toBe(
      '≤ 412 (−20% vs the previous day)',
    );
    expect(formatAlertThreshold(rule('active-users-drop'), 0.2, 'no_data')).toBe('−20% vs the previous day');
    expect(formatAlertThreshold(rule('latency-vs-baseline'), 900, 'pending')).toBe(
      '≥ 900 ms (2× its 7-day average)',
    );
    expect(formatAlertThreshold(rule('daily-spend'), 1.5, 'no_data')).toBe('150% of the daily budget');
  });

  it('adds how many events a rule needs and when it fires to the rule summary', () => {
    expect(conditionSummary(rule('error-rate'))).toBe(
      'error rate > 1% over 5 min · at least 20 events · fires on the first breach',
    );
    expect(conditionSummary(rule('latency-vs-baseline'))).toBe(
      'p95 time to first response 2× vs 7-day average over 10 min · at least 10 events · fires after 10 min in breach',
    );
    expect(conditionSummary(rule('dependency-down'))).toBe(
      'any dependency fails 3 checks in a row · fires on the first breach',
    );
  });

  it('labels groups and metrics', () => {
    expect(groupLabel(rule('ai-consecutive-failures'), 'claude-sonnet-4-5')).toBe('model claude-sonnet-4-5');
    expect(groupLabel(rule('dependency-down'), 'database')).toBe('dependency database');
    expect(groupLabel(rule('error-rate'), '')).toBeNull();
    expect(groupLabel(null, 'x')).toBe('x');
    expect(ruleMetricLabel(rule('cache-hit-rate'))).toBe('cache hit rate');
    expect(ruleMetricLabel(rule('dependency-down'))).toBe('failed checks in a row');
  });

  it('links to the detail of an alert the way notifications do', () => {
    expect(alertHref('shop', 'r-1', '')).toBe('/alerts?project=shop&rule=r-1');
    expect(alertHref('shop', 'r-1', '/api/chat')).toBe('/alerts?project=shop&rule=r-1&group=%2Fapi%2Fchat');
  });
});
