import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, defaultRules } from './defaults';
import { evaluateRule } from '../engine/evaluate';
import { nextInstanceState } from '../engine/state-machine';
import type { Rule } from '../engine/types';

const now = new Date('2026-11-22T12:00:00Z');
const find = <K extends Rule['kind']>(key: string, kind: K) => {
  const r = DEFAULT_RULES.find((x) => x.key === key);
  if (!r || r.kind !== kind) throw new Error(`missing ${key}`);
  return r as Extract<Rule, { kind: K }>;
};

describe('default rules', () => {
  it('are the ten of DESIGN.md, on, then the operations templates, off, with unique stable keys', () => {
    expect(DEFAULT_RULES).toHaveLength(17);
    expect(new Set(DEFAULT_RULES.map((r) => r.key)).size).toBe(17);
    expect(Object.fromEntries(DEFAULT_RULES.map((r) => [r.key, [r.severity, r.enabled]]))).toEqual({
      'error-rate': ['P1', true],
      'p95-response-time': ['P2', true],
      'ai-consecutive-failures': ['P1', true],
      'cache-hit-rate': ['P3', true],
      'active-users-drop': ['P3', true],
      'api-availability': ['P1', true],
      'latency-vs-baseline': ['P2', true],
      'daily-spend': ['P2', true],
      'failed-logins': ['P1', true],
      'dependency-down': ['P1', true],
      'cpu-high': ['P2', false],
      'memory-high': ['P2', false],
      'disk-high': ['P1', false],
      'db-pool-high': ['P2', false],
      'db-query-latency': ['P2', false],
      'streaming-duration': ['P3', false],
      'quota-hits': ['P3', false],
    });
    for (const r of DEFAULT_RULES) expect(r.name.length && r.description.length).toBeTruthy();
    expect(DEFAULT_RULES.find((r) => r.key === 'failed-logins')?.category).toBe('security');
  });
  it("ship the operations documents' thresholds on metric events by name, per service", () => {
    expect(find('cpu-high', 'threshold')).toMatchObject({
      metric: 'metric_average',
      series: { name: 'cpu.utilization' },
      operator: '>',
      value: 90,
      windowMs: 300_000,
      groupBy: 'service',
    });
    expect(find('disk-high', 'threshold')).toMatchObject({ metric: 'metric_max', value: 95 });
    expect(find('db-query-latency', 'threshold')).toMatchObject({
      metric: 'metric_p95',
      series: { name: 'db.query.duration' },
      value: 500,
    });
    expect(find('streaming-duration', 'threshold')).toMatchObject({
      metric: 'p95_streaming_duration_ms',
      value: 30_000,
    });
    expect(find('quota-hits', 'threshold')).toMatchObject({
      metric: 'rate_limit_hits',
      value: 100,
      windowMs: 3_600_000,
    });
  });
  it('fire on the first breach except the one that names a duration', () => {
    expect(DEFAULT_RULES.filter((r) => r.forMs > 0).map((r) => [r.key, r.forMs])).toEqual([
      ['latency-vs-baseline', 600_000],
    ]);
  });
  it('encode the documented thresholds', () => {
    expect(find('error-rate', 'threshold')).toMatchObject({
      metric: 'error_rate',
      operator: '>',
      value: 0.01,
      windowMs: 300_000,
    });
    expect(find('p95-response-time', 'threshold')).toMatchObject({
      operator: '>',
      value: 2000,
      windowMs: 60_000,
    });
    expect(find('ai-consecutive-failures', 'consecutive')).toMatchObject({
      count: 3,
      withinMs: 60_000,
      groupBy: 'model',
    });
    expect(find('cache-hit-rate', 'threshold')).toMatchObject({
      operator: '<',
      value: 0.8,
      windowMs: 3_600_000,
    });
    expect(find('active-users-drop', 'change')).toMatchObject({
      baseline: 'previous_day',
      direction: 'drop',
      ratio: 0.2,
    });
    expect(find('api-availability', 'threshold')).toMatchObject({
      operator: '<',
      value: 0.999,
      windowMs: 300_000,
    });
    expect(find('latency-vs-baseline', 'change')).toMatchObject({
      baseline: '7d_average',
      direction: 'rise',
      factor: 2,
    });
    expect(find('daily-spend', 'budget')).toMatchObject({ thresholdRatio: 1.5, dailyBudgetUsd: null });
    expect(find('failed-logins', 'threshold')).toMatchObject({ operator: '>=', value: 5, windowMs: 300_000 });
    expect(find('dependency-down', 'health')).toMatchObject({ dependency: 'any', failures: 3 });
  });
  it('defaultRules() returns independent copies', () => {
    const a = defaultRules();
    a[0]!.enabled = false;
    expect(DEFAULT_RULES[0]?.enabled).toBe(true);
  });
  it('error rate fires on the first breaching evaluation', () => {
    const rule = find('error-rate', 'threshold');
    const [v] = evaluateRule(rule, { groups: [{ group: null, value: 0.02, samples: 500 }] }, now);
    expect(v?.state).toBe('breaching');
    expect(nextInstanceState(null, v!, rule.forMs, now).state).toBe('firing');
  });
});
