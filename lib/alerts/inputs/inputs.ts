import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import { getDb, rawRows, type Db } from '@/db/client';
import { metricDef, valueOf } from '@/lib/metrics/catalog';
import { readFiguresAt, readTotals } from '@/lib/metrics/queries/figures';
import { NO_FILTERS } from '@/lib/metrics/range';
import type { Dimension } from '@/lib/metrics/rollups/shape';
import type { Scope } from '@/lib/metrics/types';
import type {
  Baseline,
  BudgetInput,
  BudgetRule,
  ChangeInput,
  ChangeRule,
  ConsecutiveEvent,
  ConsecutiveInput,
  ConsecutiveRule,
  Dependency,
  GroupBy,
  HealthCheck,
  HealthInput,
  HealthRule,
  Metric,
  Series,
  MetricSample,
  Rule,
  RuleInput,
  ThresholdInput,
  ThresholdRule,
} from '../engine/types';
import { consecutiveLookbackMs } from '../engine/evaluate';
import { DEPENDENCIES } from '../engine/types';

/**
 * The engine's input for one rule of a project: its metric as the dashboards read it (lib/metrics), or
 * events, health checks and the project's budget. `scope` is one object per project for a whole cron run,
 * so the reads of all its rules share one tail bound (lib/metrics/rollups/read.ts).
 *
 * Windows are (now - windowMs, now]. Rates are fractions; `samples` is the number of events the value
 * was computed from. A grouped rule gets one group per model / route / service seen in the window.
 */
export async function loadRuleInput<R extends Rule>(scope: Scope, rule: R, now: Date): Promise<RuleInput<R>> {
  const db = await getDb();
  // RuleInput<R> pairs each rule kind with its input; the casts only restate that pairing.
  switch (rule.kind) {
    case 'threshold':
      return (await loadThreshold(scope, rule, now)) as RuleInput<R>;
    case 'consecutive':
      return (await loadConsecutive(db, scope.projectId, rule, now)) as RuleInput<R>;
    case 'change':
      return (await loadChange(scope, rule, now)) as RuleInput<R>;
    case 'budget':
      return (await loadBudget(db, scope, rule, now)) as RuleInput<R>;
    case 'health':
      return (await loadHealth(db, rule, now)) as RuleInput<R>;
  }
  throw new Error(`unknown rule kind ${(rule as { kind: string }).kind}`);
}

const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** The dimension of the catalog each grouping reads. */
export const GROUP_DIMENSIONS: Record<GroupBy, Dimension> = {
  model: 'model',
  route: 'path',
  service: 'service',
};

/** The events column each grouping reads (consecutive rules read raw events). */
export const GROUP_COLUMNS: Record<GroupBy, SQL> = {
  model: sql`e.model`,
  route: sql`e.route`,
  service: sql`e.service`,
};

/**
 * A rule's metric over windows [to - windowMs, to), exactly as the dashboards read it (lib/metrics/catalog):
 * per group when the rule is grouped (a group with no value of the dimension is left out).
 */
export async function metricWindows(
  scope: Scope,
  rule: { metric: Metric; groupBy?: GroupBy | undefined; series?: Series | undefined },
  windows: readonly { from: Date; to: Date }[],
  where: { group?: string } = {},
): Promise<{ group: string | null; value: MetricSample }[][]> {
  const { metric, groupBy, series } = rule;
  const dim = groupBy ? GROUP_DIMENSIONS[groupBy] : null;
  const rows = await readFiguresAt(scope, windows, NO_FILTERS, [metric], {
    groupBy: dim ? [dim] : [],
    where: {
      ...(dim && where.group !== undefined ? { [dim]: where.group } : {}),
      ...(series ? { name: series.name } : {}),
    },
    ...(series?.labels ? { labels: series.labels } : {}),
  });
  return rows.map((window) => {
    // Ungrouped, a window without an event of the metric's type still has its figure, as the dashboards'
    // totals do: 0 for a count (no login attempt is 0 failed logins, which resolves that alert), else null.
    if (dim === null && window.length === 0) return [{ group: null, value: emptyFigure(metric) }];
    return window
      .filter((r) => dim === null || (r.key[dim] ?? '') !== '')
      .map((r) => ({ group: dim ? r.key[dim]! : null, value: r.values[metric] }))
      .sort((x, y) => (x.group ?? '').localeCompare(y.group ?? ''));
  });
}

/** A metric's figure over no events (readTotals' empty value). */
function emptyFigure(metric: Metric): MetricSample {
  return metricDef(metric).type === null ? { value: 0, samples: 0 } : valueOf(metric, []);
}

async function loadThreshold(scope: Scope, rule: ThresholdRule, now: Date): Promise<ThresholdInput> {
  const [rows] = await metricWindows(scope, rule, [
    { from: new Date(now.getTime() - rule.windowMs), to: now },
  ]);
  return { groups: rows!.map((r) => ({ group: r.group, ...r.value })) };
}

/** Baseline windows: the current window shifted back by one day (x1 or x7) or one week. */
export function baselineOffsetsMs(baseline: Baseline): number[] {
  switch (baseline) {
    case 'previous_day':
      return [DAY_MS];
    case 'same_hour_last_week':
      return [7 * DAY_MS];
    case '7d_average':
      return [1, 2, 3, 4, 5, 6, 7].map((d) => d * DAY_MS);
  }
}

async function loadChange(scope: Scope, rule: ChangeRule, now: Date): Promise<ChangeInput> {
  const to = now.getTime();
  const offsets = [0, ...baselineOffsetsMs(rule.baseline)];
  const windows = offsets.map((o) => ({ from: new Date(to - o - rule.windowMs), to: new Date(to - o) }));
  const [current, ...baselines] = await metricWindows(scope, rule, windows);
  const groups = new Map<string | null, ChangeInput['groups'][number]>();
  if (!rule.groupBy) groups.set(null, { group: null, current: { value: null, samples: 0 }, baseline: null });
  const groupOf = (key: string | null) => {
    let g = groups.get(key);
    if (!g) {
      g = { group: key, current: { value: null, samples: 0 }, baseline: null };
      groups.set(key, g);
    }
    return g;
  };
  for (const r of current!) groupOf(r.group).current = r.value;
  for (const window of baselines) {
    for (const r of window) (groupOf(r.group).baseline ??= []).push(r.value);
  }
  return { groups: [...groups.values()].sort((x, y) => (x.group ?? '').localeCompare(y.group ?? '')) };
}

/** What each consecutive event matches: the event type, the matching condition and its group column. */
export const CONSECUTIVE_MATCH: Record<ConsecutiveEvent, { type: string; matched: SQL }> = {
  ai_call_failed: { type: 'ai.call', matched: sql`e.status = 'error'` },
  request_failed: { type: 'http.request', matched: sql`e.http_status >= 500` },
  login_failed: { type: 'auth.attempt', matched: sql`e.outcome = 'failure'` },
};

/** Outcomes kept per group: only the leading run matters, and it is reported up to this length. */
const MAX_OUTCOMES = 100;

async function loadConsecutive(
  db: Db,
  projectId: string,
  rule: ConsecutiveRule,
  now: Date,
): Promise<ConsecutiveInput> {
  const c = CONSECUTIVE_MATCH[rule.event];
  const to = now.getTime();
  const group = rule.groupBy ? GROUP_COLUMNS[rule.groupBy] : sql`null::text`;
  const rows = await rawRows<{ grp: string | null; at_ms: number | string; matched: boolean }>(
    db,
    sql`select grp, at_ms, matched from (
          select ${group} as grp, extract(epoch from e.ts)::float8 * 1000 as at_ms, coalesce(${c.matched}, false) as matched,
                 row_number() over (partition by ${group} order by e.ts desc) as rn
          from events e
          where e.project_id = ${projectId} and e.type = ${c.type}
            ${rule.groupBy ? sql`and ${group} is not null` : sql``}
            and e.ts >= ${iso(to - consecutiveLookbackMs(rule))}::timestamptz and e.ts <= ${iso(to)}::timestamptz
        ) x where rn <= ${MAX_OUTCOMES} order by grp, at_ms desc`,
  );
  const groups = new Map<string | null, ConsecutiveInput['groups'][number]>();
  for (const r of rows) {
    const key = rule.groupBy ? r.grp : null;
    let g = groups.get(key);
    if (!g) {
      g = { group: key, outcomes: [] };
      groups.set(key, g);
    }
    g.outcomes.push({ at: new Date(Number(r.at_ms)), matched: r.matched === true });
  }
  return { groups: [...groups.values()] };
}

/** Spend of the current UTC day (midnight to now), as the AI page counts cost, and the project's daily budget. */
async function loadBudget(db: Db, scope: Scope, _rule: BudgetRule, now: Date): Promise<BudgetInput> {
  const midnight = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const [spent, rows] = await Promise.all([
    readTotals(scope, { from: midnight, to: now }, NO_FILTERS, ['ai_cost_usd']),
    rawRows<{ budget: number | string | null }>(
      db,
      sql`select p.daily_budget_usd::float8 as budget from projects p where p.id = ${scope.projectId}`,
    ),
  ]);
  const r = rows[0];
  return {
    spentUsd: spent.ai_cost_usd.value ?? 0,
    projectDailyBudgetUsd: r?.budget == null ? null : Number(r.budget),
  };
}

/** Health checks are installation-wide: the last HEALTH_CHECKS per dependency within HEALTH_LOOKBACK_MS. */
const HEALTH_CHECKS = 20;
const HEALTH_LOOKBACK_MS = DAY_MS;

async function loadHealth(db: Db, rule: HealthRule, now: Date): Promise<HealthInput> {
  const to = now.getTime();
  const limit = Math.max(HEALTH_CHECKS, rule.failures * 2);
  const rows = await rawRows<{ dependency: string; at_ms: number | string; state: HealthCheck['state'] }>(
    db,
    sql`select dependency, at_ms, state from (
          select h.dependency, extract(epoch from h.checked_at)::float8 * 1000 as at_ms, h.state,
                 row_number() over (partition by h.dependency order by h.checked_at desc) as rn
          from health_checks h
          where h.checked_at > ${iso(to - HEALTH_LOOKBACK_MS)}::timestamptz and h.checked_at <= ${iso(to)}::timestamptz
            ${rule.dependency === 'any' ? sql`` : sql`and h.dependency = ${rule.dependency}`}
        ) x where rn <= ${limit} order by dependency, at_ms desc`,
  );
  const deps = new Map<Dependency, HealthCheck[]>();
  for (const r of rows) {
    if (!(DEPENDENCIES as readonly string[]).includes(r.dependency)) continue;
    const dep = r.dependency as Dependency;
    const checks = deps.get(dep) ?? [];
    checks.push({ at: new Date(Number(r.at_ms)), state: r.state });
    deps.set(dep, checks);
  }
  return { dependencies: [...deps.entries()].map(([dependency, checks]) => ({ dependency, checks })) };
}
