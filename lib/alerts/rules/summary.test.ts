import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES } from './defaults';
import type { Rule } from '../engine/types';
import { formatFor, formatMetricValue, summarizeRule } from './summary';

const byKey = (key: string) => DEFAULT_RULES.find((r) => r.key === key)!;

describe('summarizeRule', () => {
  it('describes each default rule in one line', () => {
    expect(Object.fromEntries(DEFAULT_RULES.map((r) => [r.key, summarizeRule(r)]))).toEqual({
      'error-rate': 'error rate > 1% over 5 min',
      'p95-response-time': 'p95 time to first response > 2 s over 1 min',
      'ai-consecutive-failures': '3 consecutive failed AI calls within 1 min, per model',
      'cache-hit-rate': 'cache hit rate < 80% over 1 h',
      'active-users-drop': 'active users −20% vs previous day over 1 d',
      'api-availability': 'availability < 99.9% over 5 min',
      'latency-vs-baseline': 'p95 time to first response 2× vs 7-day average over 10 min',
      'daily-spend': 'spend ≥ 150% of daily budget',
      'failed-logins': 'failed logins ≥ 5 over 5 min',
      'dependency-down': 'any dependency fails 3 checks in a row',
      'cpu-high': 'metric average of cpu.utilization > 90 over 5 min, per service',
      'memory-high': 'metric average of memory.utilization > 90 over 5 min, per service',
      'disk-high': 'metric maximum of disk.utilization > 95 over 5 min, per service',
      'db-pool-high': 'metric maximum of db.pool.utilization > 90 over 5 min, per service',
      'db-query-latency': 'metric p95 of db.query.duration > 500 over 5 min, per service',
      'streaming-duration': 'p95 streaming duration > 30 s over 5 min',
      'quota-hits': 'rate-limit hits > 100 over 1 h',
    });
  });

  it('names a fixed budget, a single dependency and a grouping', () => {
    const budget = { ...byKey('daily-spend'), dailyBudgetUsd: 1250 } as Rule;
    expect(summarizeRule(budget)).toBe('spend ≥ 150% of $1,250 daily budget');
    const health = { ...byKey('dependency-down'), dependency: 'database', failures: 1 } as Rule;
    expect(summarizeRule(health)).toBe('database fails 1 check');
    const grouped = { ...byKey('error-rate'), value: 0.055, groupBy: 'route' } as Rule;
    expect(summarizeRule(grouped)).toBe('error rate > 5.5% over 5 min, per route');
    const labelled = {
      ...byKey('db-pool-high'),
      series: { name: 'db.pool.utilization', labels: { pool: 'main' } },
    } as Rule;
    expect(summarizeRule(labelled)).toBe(
      'metric maximum of db.pool.utilization {pool=main} > 90 over 5 min, per service',
    );
  });
});

describe('formatting', () => {
  it('formats `for` and metric values in the units of the editor', () => {
    expect(formatFor(0)).toBe('at once');
    expect(formatFor(600_000)).toBe('after 10 min');
    expect(formatFor(90_000)).toBe('after 1 min 30 s');
    expect(formatMetricValue('p95_response_ms', 450)).toBe('450 ms');
    expect(formatMetricValue('p95_response_ms', 1500)).toBe('1.5 s');
    expect(formatMetricValue('availability', 1)).toBe('100%');
    expect(formatMetricValue('request_count', 12000)).toBe('12,000');
  });
});
