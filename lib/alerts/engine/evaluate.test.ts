import { describe, expect, it } from 'vitest';
import { evaluateRule, utcDayFraction } from './evaluate';
import type { BudgetRule, ChangeRule, ConsecutiveRule, HealthRule, ThresholdRule } from './types';

const base = {
  key: 'k',
  name: 'n',
  description: 'd',
  severity: 'P1',
  category: 'reliability',
  enabled: true,
  forMs: 0,
} as const;
const now = new Date('2026-11-22T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

describe('threshold', () => {
  const rule: ThresholdRule = {
    ...base,
    kind: 'threshold',
    metric: 'error_rate',
    operator: '>',
    value: 0.01,
    windowMs: 300_000,
    minSamples: 20,
  };
  const one = (value: number | null, samples = 100) =>
    evaluateRule(rule, { groups: [{ group: null, value, samples }] }, now);

  it('exactly at the threshold: > is ok, >= breaches', () => {
    expect(one(0.01)[0]?.state).toBe('ok');
    expect(
      evaluateRule(
        { ...rule, operator: '>=' },
        { groups: [{ group: null, value: 0.01, samples: 100 }] },
        now,
      )[0]?.state,
    ).toBe('breaching');
  });
  it('just above breaches, with value and threshold', () => {
    expect(one(0.0101)[0]).toMatchObject({ state: 'breaching', value: 0.0101, threshold: 0.01, group: null });
  });
  it('< and <= at the edge', () => {
    const lt: ThresholdRule = { ...rule, metric: 'availability', operator: '<', value: 0.999 };
    expect(evaluateRule(lt, { groups: [{ group: null, value: 0.999, samples: 100 }] }, now)[0]?.state).toBe(
      'ok',
    );
    expect(
      evaluateRule(
        { ...lt, operator: '<=' },
        { groups: [{ group: null, value: 0.999, samples: 100 }] },
        now,
      )[0]?.state,
    ).toBe('breaching');
    expect(evaluateRule(lt, { groups: [{ group: null, value: 0.998, samples: 100 }] }, now)[0]?.state).toBe(
      'breaching',
    );
  });
  it('too few samples is no data, even when the value would breach', () => {
    expect(one(0.5, 19)[0]).toMatchObject({ state: 'no_data', value: 0.5 });
    expect(one(0.5, 20)[0]?.state).toBe('breaching');
  });
  it('null value, NaN, or no groups at all is no data, never ok', () => {
    expect(one(null)[0]?.state).toBe('no_data');
    expect(one(NaN)[0]?.state).toBe('no_data');
    expect(evaluateRule(rule, { groups: [] }, now)).toEqual([
      expect.objectContaining({ group: null, state: 'no_data' }),
    ]);
  });
  it('one verdict per group', () => {
    const grouped: ThresholdRule = { ...rule, groupBy: 'model' };
    const v = evaluateRule(
      grouped,
      {
        groups: [
          { group: 'a', value: 0.5, samples: 50 },
          { group: 'b', value: 0, samples: 50 },
          { group: 'c', value: 0.5, samples: 1 },
        ],
      },
      now,
    );
    expect(v.map((x) => [x.group, x.state])).toEqual([
      ['a', 'breaching'],
      ['b', 'ok'],
      ['c', 'no_data'],
    ]);
  });
  it('minSamples 0 evaluates counts like failed logins (0 is ok, 5 breaches >= 5)', () => {
    const logins: ThresholdRule = {
      ...rule,
      metric: 'failed_logins',
      operator: '>=',
      value: 5,
      minSamples: 0,
    };
    expect(evaluateRule(logins, { groups: [{ group: null, value: 0, samples: 0 }] }, now)[0]?.state).toBe(
      'ok',
    );
    expect(evaluateRule(logins, { groups: [{ group: null, value: 4, samples: 4 }] }, now)[0]?.state).toBe(
      'ok',
    );
    expect(evaluateRule(logins, { groups: [{ group: null, value: 5, samples: 5 }] }, now)[0]?.state).toBe(
      'breaching',
    );
  });
});

describe('consecutive', () => {
  const rule: ConsecutiveRule = {
    ...base,
    kind: 'consecutive',
    event: 'ai_call_failed',
    count: 3,
    withinMs: 60_000,
    groupBy: 'model',
  };
  const run = (outcomes: [number, boolean][], group: string | null = 'claude') =>
    evaluateRule(
      rule,
      { groups: [{ group, outcomes: outcomes.map(([ms, matched]) => ({ at: ago(ms), matched })) }] },
      now,
    );

  it('three failures in a row within the minute breach', () => {
    expect(
      run([
        [1000, true],
        [2000, true],
        [3000, true],
      ])[0],
    ).toMatchObject({ group: 'claude', state: 'breaching', value: 3, threshold: 3 });
  });
  it('a run broken by a success does not breach', () => {
    expect(
      run([
        [1000, true],
        [2000, true],
        [3000, false],
        [4000, true],
      ])[0],
    ).toMatchObject({ state: 'ok', value: 2 });
    expect(
      run([
        [1000, false],
        [2000, true],
        [3000, true],
        [4000, true],
      ])[0],
    ).toMatchObject({ state: 'ok', value: 0 });
  });
  it('counts the failures within withinMs of the newest one', () => {
    expect(
      run([
        [1000, true],
        [2000, true],
        [62_000, true],
      ])[0],
    ).toMatchObject({ state: 'ok', value: 2 });
    expect(
      run([
        [1000, true],
        [2000, true],
        [61_000, true],
      ])[0]?.state,
    ).toBe('breaching');
  });
  it('a streak stays breaching without traffic until a success ends it', () => {
    const streak: [number, boolean][] = [
      [40 * 60_000, true],
      [40 * 60_000 + 1000, true],
      [40 * 60_000 + 2000, true],
    ];
    expect(run(streak)[0]).toMatchObject({ state: 'breaching', value: 3 });
    expect(run([[10 * 60_000, false], ...streak])[0]).toMatchObject({ state: 'ok', value: 0 });
  });
  it('outcomes given out of order are counted newest first', () => {
    expect(
      run([
        [3000, true],
        [1000, false],
        [2000, true],
      ])[0],
    ).toMatchObject({ state: 'ok', value: 0 });
  });
  it('no outcomes in the last hour is no data', () => {
    expect(run([])[0]?.state).toBe('no_data');
    expect(run([[3_600_001, true]])[0]?.state).toBe('no_data');
    expect(run([[3_600_000, true]])[0]).toMatchObject({ state: 'ok', value: 1 });
    expect(evaluateRule(rule, { groups: [] }, now)[0]?.state).toBe('no_data');
  });
  it('groups per model independently', () => {
    const v = evaluateRule(
      rule,
      {
        groups: [
          { group: 'a', outcomes: [1, 2, 3].map((s) => ({ at: ago(s * 1000), matched: true })) },
          { group: 'b', outcomes: [{ at: ago(1000), matched: true }] },
        ],
      },
      now,
    );
    expect(v.map((x) => x.state)).toEqual(['breaching', 'ok']);
  });
});

describe('change', () => {
  const drop: ChangeRule = {
    ...base,
    kind: 'change',
    metric: 'active_users',
    baseline: 'previous_day',
    direction: 'drop',
    ratio: 0.2,
    windowMs: 86_400_000,
    minSamples: 1,
  };
  const rise: ChangeRule = {
    ...base,
    kind: 'change',
    metric: 'p95_response_ms',
    baseline: '7d_average',
    direction: 'rise',
    factor: 2,
    windowMs: 600_000,
    minSamples: 10,
  };
  const s = (value: number | null, samples = 100) => ({ value, samples });

  it('a drop of exactly 20% breaches, 19% does not', () => {
    expect(
      evaluateRule(drop, { groups: [{ group: null, current: s(80), baseline: [s(100)] }] }, now)[0],
    ).toMatchObject({ state: 'breaching', value: 80, threshold: 80 });
    expect(
      evaluateRule(drop, { groups: [{ group: null, current: s(81), baseline: [s(100)] }] }, now)[0]?.state,
    ).toBe('ok');
  });
  it('a rise to exactly 2x the 7-day average breaches', () => {
    const week = [100, 100, 100, 100, 100, 100, 100].map((v) => s(v));
    expect(
      evaluateRule(rise, { groups: [{ group: null, current: s(200), baseline: week }] }, now)[0],
    ).toMatchObject({ state: 'breaching', threshold: 200 });
    expect(
      evaluateRule(rise, { groups: [{ group: null, current: s(199), baseline: week }] }, now)[0]?.state,
    ).toBe('ok');
  });
  it('missing baseline is no data', () => {
    expect(
      evaluateRule(drop, { groups: [{ group: null, current: s(10), baseline: null }] }, now)[0]?.state,
    ).toBe('no_data');
    expect(
      evaluateRule(drop, { groups: [{ group: null, current: s(10), baseline: [] }] }, now)[0]?.state,
    ).toBe('no_data');
    expect(
      evaluateRule(drop, { groups: [{ group: null, current: s(10), baseline: [s(null)] }] }, now)[0]?.state,
    ).toBe('no_data');
  });
  it('a baseline with gaps averages the usable buckets when coverage suffices', () => {
    // 4 of 7 days usable (one null, one with too few samples, one absent): mean of 100,100,300,300 = 200.
    const gappy = [s(100), s(null), s(100), s(300, 3), s(300), s(300)];
    const v = evaluateRule(rise, { groups: [{ group: null, current: s(400), baseline: gappy }] }, now)[0];
    expect(v).toMatchObject({ state: 'breaching', threshold: 400 });
  });
  it('a baseline with too many gaps is no data', () => {
    const sparse = [s(100), s(null), s(null), s(100, 1), s(100)];
    expect(
      evaluateRule(rise, { groups: [{ group: null, current: s(1000), baseline: sparse }] }, now)[0]?.state,
    ).toBe('no_data');
    expect(
      evaluateRule(
        { ...rise, minBaselineCoverage: 2 / 7 },
        { groups: [{ group: null, current: s(1000), baseline: sparse }] },
        now,
      )[0]?.state,
    ).toBe('breaching');
  });
  it('too few current samples, or a zero baseline, is no data', () => {
    expect(
      evaluateRule(
        rise,
        { groups: [{ group: null, current: s(1000, 9), baseline: Array(7).fill(s(100)) }] },
        now,
      )[0]?.state,
    ).toBe('no_data');
    expect(
      evaluateRule(drop, { groups: [{ group: null, current: s(0), baseline: [s(0)] }] }, now)[0]?.state,
    ).toBe('no_data');
  });
});

describe('budget', () => {
  const rule: BudgetRule = {
    ...base,
    kind: 'budget',
    dailyBudgetUsd: null,
    thresholdRatio: 1.5,
    minElapsedFraction: 1 / 24,
  };
  const at = (iso: string) => new Date(iso);

  it('uses the project budget unless the rule sets one; no budget is no data', () => {
    expect(evaluateRule(rule, { spentUsd: 10, projectDailyBudgetUsd: null }, now)[0]?.state).toBe('no_data');
    expect(evaluateRule(rule, { spentUsd: 10, projectDailyBudgetUsd: 0 }, now)[0]?.state).toBe('no_data');
    expect(evaluateRule(rule, { spentUsd: null, projectDailyBudgetUsd: 100 }, now)[0]?.state).toBe('no_data');
    expect(
      evaluateRule({ ...rule, dailyBudgetUsd: 10 }, { spentUsd: 8, projectDailyBudgetUsd: 100 }, now)[0],
    ).toMatchObject({ state: 'breaching', threshold: 15 });
  });
  it('projects spend over the UTC day: at noon $75 of $100 projects to $150, exactly the threshold', () => {
    expect(evaluateRule(rule, { spentUsd: 75, projectDailyBudgetUsd: 100 }, now)[0]).toMatchObject({
      state: 'breaching',
      value: 150,
      threshold: 150,
    });
    expect(evaluateRule(rule, { spentUsd: 74.99, projectDailyBudgetUsd: 100 }, now)[0]?.state).toBe('ok');
  });
  it('00:00:30 UTC: the tiny elapsed fraction is clamped so a few cents do not fire', () => {
    const t = at('2026-11-22T00:00:30Z');
    expect(utcDayFraction(t)).toBeCloseTo(30 / 86_400, 10);
    // Unclamped, $0.50 would project to $1440. Clamped to 1 h: $12.
    expect(evaluateRule(rule, { spentUsd: 0.5, projectDailyBudgetUsd: 100 }, t)[0]).toMatchObject({
      state: 'ok',
      value: 12,
    });
    // Real overspend still fires right after midnight.
    expect(evaluateRule(rule, { spentUsd: 7, projectDailyBudgetUsd: 100 }, t)[0]?.state).toBe('breaching');
    expect(
      evaluateRule(rule, { spentUsd: 0, projectDailyBudgetUsd: 100 }, at('2026-11-22T00:00:00Z'))[0],
    ).toMatchObject({ state: 'ok', value: 0 });
  });
  it('23:59 UTC: projection is about what was spent', () => {
    const t = at('2026-11-22T23:59:00Z');
    // elapsed = 1439/1440: $149.90 projects to $150.004 (breach), $149.85 to $149.954 (ok).
    expect(evaluateRule(rule, { spentUsd: 149.9, projectDailyBudgetUsd: 100 }, t)[0]?.state).toBe(
      'breaching',
    );
    expect(evaluateRule(rule, { spentUsd: 149.85, projectDailyBudgetUsd: 100 }, t)[0]?.state).toBe('ok');
    expect(evaluateRule(rule, { spentUsd: 150, projectDailyBudgetUsd: 100 }, t)[0]?.state).toBe('breaching');
    // The next minute is a new UTC day: the day's spend restarts and the fraction is clamped again.
    expect(utcDayFraction(at('2026-11-23T00:00:00Z'))).toBe(0);
    expect(utcDayFraction(at('2026-11-22T23:59:59.999Z'))).toBeLessThan(1);
  });
});

describe('health', () => {
  const rule: HealthRule = { ...base, kind: 'health', dependency: 'any', failures: 3 };
  const checks = (...states: ('ok' | 'fail' | 'not_configured')[]) =>
    states.map((state, i) => ({ at: ago(i * 60_000), state }));

  it('three failures in a row breach, per dependency', () => {
    const v = evaluateRule(
      rule,
      {
        dependencies: [
          { dependency: 'database', checks: checks('fail', 'fail', 'fail') },
          { dependency: 'ai', checks: checks('ok', 'fail', 'fail', 'fail') },
        ],
      },
      now,
    );
    expect(v).toEqual([
      expect.objectContaining({ group: 'database', state: 'breaching', value: 3, threshold: 3 }),
      expect.objectContaining({ group: 'ai', state: 'ok', value: 0 }),
    ]);
  });
  it('a run broken by one ok does not breach', () => {
    expect(
      evaluateRule(
        rule,
        { dependencies: [{ dependency: 'cache', checks: checks('fail', 'fail', 'ok', 'fail') }] },
        now,
      )[0],
    ).toMatchObject({ state: 'ok', value: 2 });
  });
  it('not_configured checks are skipped; none at all is no data', () => {
    expect(
      evaluateRule(
        rule,
        { dependencies: [{ dependency: 'auth', checks: checks('fail', 'not_configured', 'fail', 'fail') }] },
        now,
      )[0]?.state,
    ).toBe('breaching');
    expect(
      evaluateRule(rule, { dependencies: [{ dependency: 'auth', checks: checks('not_configured') }] }, now)[0]
        ?.state,
    ).toBe('no_data');
    expect(evaluateRule(rule, { dependencies: [] }, now)[0]?.state).toBe('no_data');
  });
  it('a rule for one dependency ignores the others', () => {
    const db: HealthRule = { ...rule, dependency: 'database' };
    const v = evaluateRule(
      db,
      { dependencies: [{ dependency: 'ai', checks: checks('fail', 'fail', 'fail') }] },
      now,
    );
    expect(v).toEqual([expect.objectContaining({ group: 'database', state: 'no_data' })]);
  });
});
