import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES } from './defaults';
import type { Rule } from '../engine/types';
import {
  createRuleSchema,
  customRuleKey,
  diffRules,
  ruleFormSchema,
  ruleFormValues,
  ruleTemplates,
  setRuleEnabledSchema,
  toRule,
} from './schema';

const projectId = '5b0c1c2e-8d6f-4c1a-9a57-0d7f3f3b6a11';
const threshold = {
  kind: 'threshold',
  name: 'Errors',
  severity: 'P1',
  metric: 'error_rate',
  operator: '>',
  value: '1',
  windowAmount: '5',
  windowUnit: 'm',
  minSamples: '20',
};
const firstMessage = (input: Record<string, unknown>) => {
  const result = ruleFormSchema.safeParse(input);
  return result.success ? null : result.error.issues[0]?.message;
};
const defaultRule = (key: string) => DEFAULT_RULES.find((r) => r.key === key)!;

describe('ruleFormSchema', () => {
  it('converts percent to fractions and durations to milliseconds', () => {
    expect(ruleFormSchema.parse({ ...threshold, value: '5', forAmount: '2', forUnit: 'm' })).toEqual({
      kind: 'threshold',
      name: 'Errors',
      description: '',
      severity: 'P1',
      category: 'reliability',
      forMs: 120_000,
      metric: 'error_rate',
      operator: '>',
      value: 0.05,
      windowMs: 300_000,
      minSamples: 20,
    });
    expect(ruleFormSchema.parse({ ...threshold, value: '99.9', metric: 'availability' })).toMatchObject({
      value: 0.999,
    });
    expect(ruleFormSchema.parse({ ...threshold, value: '7' })).toMatchObject({ value: 0.07 });
  });

  it('takes the series a named metric watches: a name, and labels as key=value pairs', () => {
    const cpu = { ...threshold, metric: 'metric_average', value: '90' };
    expect(firstMessage(cpu)).toBe(
      'metric average needs the name of the series it watches (cpu.utilization, LCP).',
    );
    expect(ruleFormSchema.parse({ ...cpu, seriesName: ' cpu.utilization ' })).toMatchObject({
      metric: 'metric_average',
      series: { name: 'cpu.utilization' },
      value: 90,
    });
    expect(
      ruleFormSchema.parse({
        ...cpu,
        seriesName: 'db.pool.utilization',
        seriesLabels: 'pool = main, region=eu',
      }),
    ).toMatchObject({ series: { name: 'db.pool.utilization', labels: { pool: 'main', region: 'eu' } } });
    expect(firstMessage({ ...cpu, seriesName: 'cpu', seriesLabels: 'pool' })).toBe(
      'Labels are key=value pairs separated by commas (pool=main, region=eu).',
    );
    expect(firstMessage({ ...cpu, seriesName: 'cpu utilization' })).toBe(
      'The metric name has no spaces (cpu.utilization).',
    );
    // Postgres text cannot hold NUL: refused in the form, never a failed save.
    expect(firstMessage({ ...cpu, seriesName: 'cpu\u0000x' })).toBe(
      'The metric name cannot contain a NUL character (\\u0000); remove it.',
    );
    expect(firstMessage({ ...cpu, seriesName: 'cpu', seriesLabels: 'a=\u0000' })).toBe(
      'The labels cannot contain a NUL character (\\u0000); remove it.',
    );
    expect(firstMessage({ ...threshold, name: 'Err\u0000ors' })).toBe(
      'The name cannot contain a NUL character (\\u0000); remove it.',
    );
    // A metric that needs no name ignores one.
    expect(ruleFormSchema.parse({ ...threshold, seriesName: 'cpu' })).not.toHaveProperty('series');
    // A change rule compares metrics that need no name.
    expect(
      firstMessage({
        kind: 'change',
        name: 'CPU',
        severity: 'P3',
        metric: 'metric_average',
        baseline: 'previous_day',
        direction: 'rise',
        riseFactor: '2',
        windowAmount: '1',
        windowUnit: 'h',
        minSamples: '0',
      }),
    ).toMatch(/^A change rule compares a metric that needs no name/);
    // The editor shows a stored series back as it was typed.
    expect(ruleFormValues(defaultRule('cpu-high'))).toMatchObject({
      seriesName: 'cpu.utilization',
      seriesLabels: '',
    });
    const labelled = toRule(
      ruleFormSchema.parse({ ...cpu, seriesName: 'db.pool', seriesLabels: 'pool=main' }),
      'custom-pool',
      true,
    );
    expect(ruleFormValues(labelled)).toMatchObject({ seriesName: 'db.pool', seriesLabels: 'pool=main' });
  });

  it('keeps latency in milliseconds and counts as they are', () => {
    expect(ruleFormSchema.parse({ ...threshold, metric: 'p95_response_ms', value: '2000' })).toMatchObject({
      value: 2000,
    });
    expect(ruleFormSchema.parse({ ...threshold, metric: 'failed_logins', value: '5' })).toMatchObject({
      value: 5,
    });
  });

  it('accepts 0% and 100%, and refuses what lies outside', () => {
    expect(ruleFormSchema.parse({ ...threshold, value: '0' })).toMatchObject({ value: 0 });
    expect(ruleFormSchema.parse({ ...threshold, value: '100' })).toMatchObject({ value: 1 });
    expect(firstMessage({ ...threshold, value: '100.5' })).toBe('Threshold must be between 0% and 100%.');
    expect(firstMessage({ ...threshold, value: '-1' })).toBe('Threshold must be between 0% and 100%.');
    expect(firstMessage({ ...threshold, metric: 'failed_logins', value: '-1' })).toBe(
      'Threshold cannot be negative.',
    );
    expect(firstMessage({ ...threshold, metric: 'p95_response_ms', value: '700000' })).toMatch(
      /^Threshold must be between 0 and 600000 ms/,
    );
  });

  it('names the field when a value is not a number or carries its unit', () => {
    expect(firstMessage({ ...threshold, value: '5%' })).toBe('Threshold: enter a number.');
    expect(firstMessage({ ...threshold, value: '' })).toBe('Threshold: enter a number.');
    expect(firstMessage({ ...threshold, windowAmount: '5m' })).toBe('Window: enter a number (a duration).');
    expect(firstMessage({ ...threshold, windowUnit: 'weeks' })).toBe(
      'Window unit must be seconds, minutes, hours or days.',
    );
    expect(firstMessage({ ...threshold, minSamples: '2.5' })).toBe('Minimum samples must be a whole number.');
  });

  it('keeps windows between 1 minute and 7 days, and `for` at most 7 days', () => {
    expect(ruleFormSchema.parse({ ...threshold, windowAmount: '60', windowUnit: 's' })).toMatchObject({
      windowMs: 60_000,
    });
    expect(ruleFormSchema.parse({ ...threshold, windowAmount: '7', windowUnit: 'd' })).toMatchObject({
      windowMs: 7 * 86_400_000,
    });
    expect(firstMessage({ ...threshold, windowAmount: '59', windowUnit: 's' })).toBe(
      'Window must be between 1 minute and 7 days.',
    );
    expect(firstMessage({ ...threshold, windowAmount: '169', windowUnit: 'h' })).toBe(
      'Window must be between 1 minute and 7 days.',
    );
    expect(firstMessage({ ...threshold, forAmount: '8', forUnit: 'd' })).toBe(
      'For must be at most 7 days (0 fires on the first breach).',
    );
    expect(ruleFormSchema.parse({ ...threshold, forAmount: '' })).toMatchObject({ forMs: 0 });
  });

  it('stores a repeat interval other than the 4 h default, 0 for never, between 5 minutes and 7 days', () => {
    expect(ruleFormSchema.parse({ ...threshold, repeatAmount: '30', repeatUnit: 'm' })).toMatchObject({
      repeatIntervalMs: 1_800_000,
    });
    expect(ruleFormSchema.parse({ ...threshold, repeatAmount: '0' })).toMatchObject({ repeatIntervalMs: 0 });
    expect(ruleFormSchema.parse({ ...threshold, repeatAmount: '4', repeatUnit: 'h' })).not.toHaveProperty(
      'repeatIntervalMs',
    );
    expect(ruleFormSchema.parse({ ...threshold, repeatAmount: '' })).not.toHaveProperty('repeatIntervalMs');
    expect(firstMessage({ ...threshold, repeatAmount: '1', repeatUnit: 'm' })).toBe(
      'Repeat every must be between 5 minutes and 7 days, or 0 for never.',
    );
    const rule = { ...defaultRule('error-rate'), repeatIntervalMs: 3_600_000 };
    expect(ruleFormValues(rule)).toMatchObject({ repeatAmount: '1', repeatUnit: 'h' });
    expect(ruleFormValues(defaultRule('error-rate'))).toMatchObject({ repeatAmount: '4', repeatUnit: 'h' });
  });

  it('asks for a known kind and severity', () => {
    expect(firstMessage({ ...threshold, kind: 'anomaly' })).toBe(
      'Pick a rule kind: threshold, consecutive, change, budget, health.',
    );
    expect(firstMessage({ ...threshold, severity: 'P5' })).toBe('Severity must be one of P1, P2, P3, P4.');
    expect(firstMessage({ ...threshold, name: '  ' })).toBe('Name the rule.');
  });

  it('validates consecutive counts and their grouping', () => {
    const consecutive = {
      kind: 'consecutive',
      name: 'AI',
      severity: 'P1',
      event: 'ai_call_failed',
      count: '3',
      withinAmount: '1',
      withinUnit: 'm',
      groupBy: 'model',
    };
    expect(ruleFormSchema.parse(consecutive)).toMatchObject({ count: 3, withinMs: 60_000, groupBy: 'model' });
    expect(ruleFormSchema.parse({ ...consecutive, groupBy: '' })).not.toHaveProperty('groupBy');
    expect(firstMessage({ ...consecutive, count: '0' })).toBe('Count must be at least 1.');
    expect(firstMessage({ ...consecutive, groupBy: 'route' })).toBe(
      'Consecutive failures can only be grouped by model, or not at all.',
    );
  });

  it('takes a drop in percent or a rise as a factor', () => {
    const change = {
      kind: 'change',
      name: 'Users',
      severity: 'P3',
      metric: 'active_users',
      baseline: 'previous_day',
      direction: 'drop',
      dropPercent: '20',
      riseFactor: '',
      windowAmount: '1',
      windowUnit: 'd',
      minSamples: '1',
    };
    expect(ruleFormSchema.parse(change)).toMatchObject({
      direction: 'drop',
      ratio: 0.2,
      windowMs: 86_400_000,
    });
    expect(ruleFormSchema.parse({ ...change, direction: 'rise', riseFactor: '2' })).toMatchObject({
      direction: 'rise',
      factor: 2,
    });
    expect(firstMessage({ ...change, dropPercent: '0' })).toMatch(
      /^Drop must be more than 0% and at most 100%/,
    );
    expect(firstMessage({ ...change, dropPercent: '101' })).toMatch(/^Drop must be more than 0%/);
    expect(firstMessage({ ...change, direction: 'rise', riseFactor: '1' })).toMatch(
      /^Rise must be more than 1×/,
    );
  });

  it('reads a blank budget as the project budget and the threshold as percent of it', () => {
    const budget = {
      kind: 'budget',
      name: 'Spend',
      severity: 'P2',
      dailyBudgetUsd: '',
      thresholdPercent: '150',
    };
    expect(ruleFormSchema.parse(budget)).toMatchObject({
      dailyBudgetUsd: null,
      thresholdRatio: 1.5,
      category: 'cost',
    });
    expect(ruleFormSchema.parse({ ...budget, dailyBudgetUsd: '25.5' })).toMatchObject({
      dailyBudgetUsd: 25.5,
    });
    expect(firstMessage({ ...budget, dailyBudgetUsd: '0' })).toMatch(/^Daily budget must be more than \$0/);
    expect(firstMessage({ ...budget, thresholdPercent: '0' })).toMatch(
      /^Alert at must be between 1% and 1000%/,
    );
    expect(firstMessage({ ...budget, dailyBudgetUsd: '$20' })).toBe(
      'Daily budget: enter a number (USD), or leave it blank.',
    );
  });

  it('validates health rules', () => {
    const health = { kind: 'health', name: 'Deps', severity: 'P1', dependency: 'any', failures: '3' };
    expect(ruleFormSchema.parse(health)).toMatchObject({ dependency: 'any', failures: 3 });
    expect(firstMessage({ ...health, failures: '0' })).toBe('Failed checks in a row must be at least 1.');
    expect(firstMessage({ ...health, dependency: 'redis' })).toBe(
      'Dependency must be any, or one of database, cache, ai, auth.',
    );
  });

  it('adds the project and rule ids of the actions', () => {
    expect(createRuleSchema.parse({ projectId, ...threshold })).toEqual({
      projectId,
      fields: ruleFormSchema.parse(threshold),
    });
    expect(createRuleSchema.safeParse({ ...threshold }).error?.issues[0]?.message).toBe(
      'Pick the project first.',
    );
    expect(setRuleEnabledSchema.parse({ projectId, ruleId: projectId, enabled: 'false' }).enabled).toBe(
      false,
    );
  });
});

describe('ruleFormValues and toRule', () => {
  it('round-trip every default rule through the editor unchanged', () => {
    for (const rule of DEFAULT_RULES) {
      const fields = ruleFormSchema.parse(ruleFormValues(rule));
      expect(toRule(fields, rule.key, rule.enabled, rule)).toEqual(rule);
    }
  });

  it('shows fractions as percent and durations in their largest whole unit', () => {
    expect(ruleFormValues(defaultRule('api-availability'))).toMatchObject({
      value: '99.9',
      windowAmount: '5',
      windowUnit: 'm',
      forAmount: '0',
    });
    expect(ruleFormValues(defaultRule('latency-vs-baseline'))).toMatchObject({
      forAmount: '10',
      forUnit: 'm',
    });
    expect(ruleFormValues(defaultRule('daily-spend'))).toMatchObject({
      thresholdPercent: '150',
      dailyBudgetUsd: '',
    });
  });

  it('drops a grouping the editor removed and keeps hidden fields of the same kind', () => {
    const previous: Rule = { ...defaultRule('active-users-drop'), groupBy: 'service' } as Rule;
    const withCoverage = { ...previous, minBaselineCoverage: 0.8 } as Rule;
    const fields = ruleFormSchema.parse({ ...ruleFormValues(previous), groupBy: '' });
    const rule = toRule(fields, previous.key, true, withCoverage);
    expect(rule).not.toHaveProperty('groupBy');
    expect(rule).toMatchObject({ minBaselineCoverage: 0.8 });
    const budget = toRule(ruleFormSchema.parse(ruleFormValues(defaultRule('daily-spend'))), 'custom-x', true);
    expect(budget).toMatchObject({ minElapsedFraction: 1 / 24 });
  });
});

describe('ruleTemplates', () => {
  it('offers a valid starting point for every kind once named', () => {
    for (const [kind, values] of Object.entries(ruleTemplates())) {
      expect(values).toMatchObject({ kind, name: '' });
      expect(ruleFormSchema.safeParse(values).success).toBe(false);
      expect(ruleFormSchema.parse({ ...values, name: 'Mine' })).toMatchObject({ kind, name: 'Mine' });
    }
  });
});

describe('customRuleKey', () => {
  it('slugs the name and avoids taken keys', () => {
    expect(customRuleKey('Checkout errors (EU)', new Set())).toBe('custom-checkout-errors-eu');
    expect(customRuleKey('x', new Set(['custom-x', 'custom-x-2']))).toBe('custom-x-3');
    expect(customRuleKey('日本', new Set())).toBe('custom-rule');
  });
});

describe('diffRules', () => {
  it('lists only the fields that changed, old and new', () => {
    const before = defaultRule('error-rate');
    const after = { ...before, value: 0.05, groupBy: 'route' } as Rule;
    expect(diffRules(before, after)).toEqual({
      before: { value: 0.01, groupBy: null },
      after: { value: 0.05, groupBy: 'route' },
    });
    expect(diffRules(before, structuredClone(before))).toEqual({ before: {}, after: {} });
  });
});
