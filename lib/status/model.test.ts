import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES } from '@/lib/alerts/rules/defaults';
import type { Rule } from '@/lib/alerts/engine/types';
import {
  appStatus,
  appThresholds,
  buildStatusPage,
  DEFAULT_APP_THRESHOLDS,
  dependencyState,
  openIncidents,
  overallStatus,
  resolvedIncidents,
  severityWord,
  type AppMetrics,
  type StatusInputs,
} from './model';

const now = new Date('2026-05-10T12:00:00.000Z');
const ago = (ms: number) => new Date(now.getTime() - ms);
const MIN = 60_000;
const traffic = (over: Partial<AppMetrics> = {}): AppMetrics => ({
  errorRate: 0,
  requests: 100,
  p95ResponseMs: 800,
  responses: 100,
  ...over,
});

describe('dependencyState', () => {
  it('reads the latest check: ok operational, fail outage, not configured left off', () => {
    expect(dependencyState({ dependency: 'database', state: 'ok', checkedAt: ago(MIN) }, now)).toBe(
      'operational',
    );
    expect(dependencyState({ dependency: 'cache', state: 'fail', checkedAt: ago(MIN) }, now)).toBe('outage');
    expect(
      dependencyState({ dependency: 'ai', state: 'not_configured', checkedAt: ago(MIN) }, now),
    ).toBeNull();
    expect(
      dependencyState({ dependency: 'ai', state: 'not_configured', checkedAt: ago(60 * MIN) }, now),
    ).toBeNull();
  });

  it('is unknown when never checked or not checked for 10 minutes', () => {
    expect(dependencyState(null, now)).toBe('unknown');
    expect(dependencyState({ dependency: 'auth', state: 'ok', checkedAt: ago(10 * MIN) }, now)).toBe(
      'operational',
    );
    expect(dependencyState({ dependency: 'auth', state: 'ok', checkedAt: ago(10 * MIN + 1) }, now)).toBe(
      'unknown',
    );
    expect(dependencyState({ dependency: 'auth', state: 'fail', checkedAt: ago(11 * MIN) }, now)).toBe(
      'unknown',
    );
  });
});

describe('appStatus', () => {
  const t = DEFAULT_APP_THRESHOLDS;
  it('is operational within the thresholds and degraded above either', () => {
    expect(appStatus(traffic(), t)).toEqual({ state: 'operational' });
    expect(appStatus(traffic({ errorRate: 0.01 }), t).state).toBe('operational');
    expect(appStatus(traffic({ errorRate: 0.02 }), t).state).toBe('degraded');
    expect(appStatus(traffic({ p95ResponseMs: 2500 }), t).state).toBe('degraded');
    expect(appStatus(traffic({ p95ResponseMs: 2500 }), { ...t, p95ResponseMs: 3000 }).state).toBe(
      'operational',
    );
  });

  it('is an outage when half the requests fail', () => {
    expect(appStatus(traffic({ errorRate: 0.5 }), t).state).toBe('outage');
  });

  it('does not judge a figure with fewer than 10 samples, and is unknown with nothing to judge', () => {
    const few = appStatus(traffic({ errorRate: 1, requests: 9, p95ResponseMs: 9000, responses: 9 }), t);
    expect(few).toEqual({ state: 'unknown' });
    const none = appStatus({ errorRate: null, requests: 0, p95ResponseMs: null, responses: 0 }, t);
    expect(none.state).toBe('unknown');
    expect(appStatus(traffic({ errorRate: 0.2, responses: 0, p95ResponseMs: null }), t)).toEqual({
      state: 'degraded',
    });
  });
});

describe('appThresholds', () => {
  it('takes the enabled, ungrouped threshold rules of the project, else 1% and 2 s', () => {
    expect(appThresholds(DEFAULT_RULES)).toEqual({ errorRate: 0.01, p95ResponseMs: 2000 });
    expect(appThresholds([])).toEqual(DEFAULT_APP_THRESHOLDS);
    const errorRule = DEFAULT_RULES.find((r) => r.key === 'error-rate')! as Extract<
      Rule,
      { kind: 'threshold' }
    >;
    expect(appThresholds([{ ...errorRule, value: 0.05 }]).errorRate).toBe(0.05);
    expect(appThresholds([{ ...errorRule, value: 0.05, enabled: false }]).errorRate).toBe(0.01);
    expect(appThresholds([{ ...errorRule, value: 0.05, groupBy: 'route' }]).errorRate).toBe(0.01);
  });
});

describe('overallStatus', () => {
  const deps = (database: string, cache = 'operational') =>
    [
      { dependency: 'database', state: database },
      { dependency: 'cache', state: cache },
    ] as Parameters<typeof overallStatus>[0]['dependencies'];

  it('is all operational when every part is', () => {
    expect(overallStatus({ dependencies: deps('operational'), app: 'operational', openIncidents: 0 })).toBe(
      'operational',
    );
  });

  it('ignores unknown parts while something is known', () => {
    expect(
      overallStatus({ dependencies: deps('operational', 'unknown'), app: 'unknown', openIncidents: 0 }),
    ).toBe('operational');
  });

  it('is degraded on another dependency outage, a degraded chat app or an open incident', () => {
    expect(
      overallStatus({ dependencies: deps('operational', 'outage'), app: 'operational', openIncidents: 0 }),
    ).toBe('degraded');
    expect(overallStatus({ dependencies: deps('operational'), app: 'degraded', openIncidents: 0 })).toBe(
      'degraded',
    );
    expect(overallStatus({ dependencies: deps('operational'), app: 'operational', openIncidents: 1 })).toBe(
      'degraded',
    );
  });

  it('is a major outage when the database or the chat app is down', () => {
    expect(overallStatus({ dependencies: deps('outage'), app: 'operational', openIncidents: 0 })).toBe(
      'major',
    );
    expect(overallStatus({ dependencies: deps('operational'), app: 'outage', openIncidents: 0 })).toBe(
      'major',
    );
  });

  it('is unknown when nothing is known at all', () => {
    expect(
      overallStatus({ dependencies: deps('unknown', 'unknown'), app: 'unknown', openIncidents: 0 }),
    ).toBe('unknown');
    expect(overallStatus({ dependencies: [], app: 'unknown', openIncidents: 0 })).toBe('unknown');
    expect(
      overallStatus({ dependencies: deps('unknown', 'unknown'), app: 'unknown', openIncidents: 2 }),
    ).toBe('degraded');
  });
});

describe('incidents', () => {
  it('names severities in plain words', () => {
    expect(['P1', 'P2', 'P3', 'P4'].map((s) => severityWord(s as 'P1'))).toEqual([
      'Critical',
      'High',
      'Medium',
      'Low',
    ]);
  });

  it('shows one open incident per kind, titled by its category, since the earliest, at the worst severity', () => {
    const open = openIncidents([
      { ruleId: 'a', category: 'reliability', severity: 'P2', since: ago(5 * MIN) },
      { ruleId: 'a', category: 'reliability', severity: 'P2', since: ago(20 * MIN) },
      { ruleId: 'c', category: 'reliability', severity: 'P1', since: ago(2 * MIN) },
      { ruleId: 'b', category: 'performance', severity: 'P3', since: ago(10 * MIN) },
    ]);
    expect(open).toEqual([
      { title: 'Increased errors', severity: 'Critical', since: ago(20 * MIN).toISOString() },
      { title: 'Slower responses', severity: 'Medium', since: ago(10 * MIN).toISOString() },
    ]);
  });

  it('merges overlapping resolved spans of one kind, keeps separate ones, newest end first', () => {
    const r = (
      category: 'reliability' | 'dependency',
      start: number | null,
      end: number,
      severity: 'P2' | 'P3' = 'P3',
    ) => ({
      ruleId: `${category}-${start}`,
      category,
      severity,
      startedAt: start === null ? null : ago(start * MIN),
      resolvedAt: ago(end * MIN),
    });
    const resolved = resolvedIncidents([
      r('reliability', 60, 40),
      r('reliability', 50, 30, 'P2'),
      r('reliability', 20, 10),
      r('dependency', null, 100),
    ]);
    expect(resolved).toEqual([
      {
        title: 'Increased errors',
        severity: 'Medium',
        startedAt: ago(20 * MIN).toISOString(),
        resolvedAt: ago(10 * MIN).toISOString(),
      },
      {
        title: 'Increased errors',
        severity: 'High',
        startedAt: ago(60 * MIN).toISOString(),
        resolvedAt: ago(30 * MIN).toISOString(),
      },
      {
        title: 'A dependency is down',
        severity: 'Medium',
        startedAt: ago(100 * MIN).toISOString(),
        resolvedAt: ago(100 * MIN).toISOString(),
      },
    ]);
    expect(resolvedIncidents([r('reliability', 60, 40), r('reliability', 20, 10)], 1)).toHaveLength(1);
  });
});

describe('buildStatusPage', () => {
  const inputs: StatusInputs = {
    project: { slug: 'shop', name: 'Shop' },
    latest: [
      { dependency: 'database', state: 'ok', checkedAt: ago(MIN) },
      { dependency: 'cache', state: 'fail', checkedAt: ago(MIN) },
      { dependency: 'ai', state: 'not_configured', checkedAt: ago(MIN) },
      null,
    ],
    dayCounts: [
      { dependency: 'database', day: '2026-05-10', ok: 10, fail: 0 },
      { dependency: 'cache', day: '2026-05-10', ok: 5, fail: 5 },
      { dependency: 'ai', day: '2026-05-09', ok: 3, fail: 0 },
    ],
    metrics: traffic(),
    thresholds: DEFAULT_APP_THRESHOLDS,
    firing: [],
    resolved: [],
  };

  it('lists configured dependencies with their bars, leaves not configured ones off, and derives the banner', () => {
    const page = buildStatusPage(inputs, now);
    expect(page.dependencies.map((d) => [d.dependency, d.label, d.state])).toEqual([
      ['database', 'Database', 'operational'],
      ['cache', 'Cache', 'outage'],
      ['auth', 'Sign-in', 'unknown'],
    ]);
    expect(page.dependencies.every((d) => d.days.length === 90)).toBe(true);
    expect(page.dependencies[1]!.days.at(-1)).toEqual({ day: '2026-05-10', tone: 'down' });
    expect(page.dependencies[2]!.days.at(-1)).toEqual({ day: '2026-05-10', tone: 'none' });
    expect(page.overall).toBe('degraded');
    expect(page.app.state).toBe('operational');
    expect(JSON.parse(JSON.stringify(page))).toEqual(page);
  });

  it('carries no internal detail: no ids, figures, check counts, thresholds or rule names', () => {
    const page = buildStatusPage(
      {
        ...inputs,
        metrics: traffic({ errorRate: 0.123, p95ResponseMs: 4321 }),
        firing: [{ ruleId: 'rule-uuid-1', category: 'reliability', severity: 'P1', since: ago(MIN) }],
        resolved: [
          {
            ruleId: 'rule-uuid-2',
            category: 'performance',
            severity: 'P2',
            startedAt: ago(9 * MIN),
            resolvedAt: ago(5 * MIN),
          },
        ],
      },
      now,
    );
    const json = JSON.stringify(page);
    expect(json).not.toContain('rule-uuid');
    expect(json).not.toMatch(/"ok"|"fail"|threshold|ruleId|group|errorRate|p95|uptime/i);
    // Dates and days are the only numbers a visitor gets.
    const undated = json.replace(/\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?/g, 'D');
    expect(undated.match(/.{0,30}\d.{0,30}/)?.[0]).toBeUndefined();
    expect(page.open).toHaveLength(1);
    expect(page.resolved).toHaveLength(1);
  });
});
