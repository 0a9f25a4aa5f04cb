import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import { getDb, rawRows, type Db } from '@/db/client';
import type {
  BudgetRule,
  ChangeRule,
  ConsecutiveRule,
  HealthRule,
  Rule,
  ThresholdRule,
} from '../engine/types';
import { CONSECUTIVE_MATCH, GROUP_COLUMNS, metricWindows } from './inputs';
import { chooseBucketMs, maxPointsForWindow, pointTimes } from '../view/chart-range';
import { formatDuration } from '@/lib/format';
import { EVENT_LABELS } from '../rules/constants';
import { cumulativeDaily, failureRuns, projectedSpend, sumsPerPoint, type CheckPoint } from '../view/series';

/** One chart point at time `t` (epoch ms): the value as of t. */
export type MetricPoint = { t: number; value: number | null; samples?: number; projected?: number | null };
export type MetricSeries = {
  from: number;
  to: number;
  bucketMs: number;
  points: MetricPoint[];
  /** How the points were computed, shown under the chart. */
  method: string;
};

const iso = (ms: number) => new Date(ms).toISOString();
const HEALTH_LOOKBACK_MS = 3_600_000;

/**
 * The rule's metric between two times, for the alert chart, computed from the same SQL as the engine's input.
 * threshold / change: at each point, the metric over the rule's window ending there (what the cron saw);
 * consecutive: matching events per bucket; budget: spend so far in the UTC day and its projection;
 * health: failed checks in a row.
 */
export async function loadMetricSeries(
  projectId: string,
  rule: Rule,
  groupKey: string,
  from: Date,
  to: Date,
): Promise<MetricSeries> {
  const db = await getDb();
  switch (rule.kind) {
    case 'threshold':
    case 'change':
      return rollingSeries(db, projectId, rule, groupKey, from, to);
    case 'consecutive':
      return consecutiveSeries(db, projectId, rule, groupKey, from, to);
    case 'budget':
      return budgetSeries(db, projectId, rule, from, to);
    case 'health':
      return healthSeries(db, rule, groupKey, from, to);
  }
}

function grid(from: Date, to: Date, maxPoints?: number) {
  const bucketMs = chooseBucketMs(to.getTime() - from.getTime(), maxPoints);
  return { bucketMs, times: pointTimes(from, to, bucketMs), from: from.getTime(), to: to.getTime() };
}

async function rollingSeries(
  db: Db,
  projectId: string,
  rule: ThresholdRule | ChangeRule,
  groupKey: string,
  from: Date,
  to: Date,
): Promise<MetricSeries> {
  const aligned = grid(from, to, maxPointsForWindow(rule.windowMs));
  // A last point at the range end itself: while an alert fires, that is the value the cron sees now.
  const g =
    aligned.times.at(-1) === aligned.to ? aligned : { ...aligned, times: [...aligned.times, aligned.to] };
  const method = `Each point: the rule's metric over the ${formatDuration(rule.windowMs)} before it, as the cron evaluates it; a point every ${formatDuration(g.bucketMs)}.`;
  if (g.times.length === 0) return { ...g, points: [], method };
  const windows = g.times.map((t) => ({ from: new Date(t - rule.windowMs), to: new Date(t) }));
  const values = await metricWindows({ projectId }, rule, windows, {
    ...(rule.groupBy && groupKey !== '' ? { group: groupKey } : {}),
  });
  const points = g.times.map((t, i) => {
    const v = values[i]!.find((r) => !rule.groupBy || groupKey === '' || r.group === groupKey)?.value;
    return { t, value: v?.value ?? null, samples: v?.samples ?? 0 };
  });
  return { ...g, points, method };
}

/** Sums of `value` per bucket k = floor(epoch ms / bucketMs) over events in [fromMs, toMs). */
async function bucketSums(db: Db, bucketMs: number, filter: SQL, value: SQL, fromMs: number, toMs: number) {
  const rows = await rawRows<{ k: number | string; sum: number | string | null }>(
    db,
    sql`select floor(extract(epoch from e.ts) * 1000 / ${bucketMs}::float8)::bigint as k, ${value} as sum
        from events e
        where ${filter} and e.ts >= ${iso(fromMs)}::timestamptz and e.ts < ${iso(toMs)}::timestamptz
        group by 1`,
  );
  return rows.map((r) => ({ k: Number(r.k), sum: r.sum == null ? 0 : Number(r.sum) }));
}

async function consecutiveSeries(
  db: Db,
  projectId: string,
  rule: ConsecutiveRule,
  groupKey: string,
  from: Date,
  to: Date,
): Promise<MetricSeries> {
  const g = grid(from, to);
  const method = `Each point: ${EVENT_LABELS[rule.event]} in the ${formatDuration(g.bucketMs)} before it. The rule fires on ${rule.count} in a row.`;
  if (g.times.length === 0) return { ...g, points: [], method };
  const c = CONSECUTIVE_MATCH[rule.event];
  const filter = sql.join(
    [
      sql`e.project_id = ${projectId}`,
      sql`e.type = ${c.type}`,
      ...(rule.groupBy && groupKey !== '' ? [sql`${GROUP_COLUMNS[rule.groupBy]} = ${groupKey}`] : []),
    ],
    sql` and `,
  );
  const sums = await bucketSums(
    db,
    g.bucketMs,
    filter,
    sql`(count(*) filter (where ${c.matched}))::float8`,
    g.times[0]! - g.bucketMs,
    g.times.at(-1)!,
  );
  const counts = sumsPerPoint(sums, g.times, g.bucketMs);
  return { ...g, points: g.times.map((t, i) => ({ t, value: counts[i]! })), method };
}

async function budgetSeries(
  db: Db,
  projectId: string,
  rule: BudgetRule,
  from: Date,
  to: Date,
): Promise<MetricSeries> {
  const g = grid(from, to);
  const method = `Each point: AI spend since 00:00 UTC, and its projection to the end of the day (what the rule compares); a point every ${formatDuration(g.bucketMs)}.`;
  if (g.times.length === 0) return { ...g, points: [], method };
  const midnight = Math.floor(g.times[0]! / 86_400_000) * 86_400_000;
  const filter = sql`e.project_id = ${projectId} and e.type = 'ai.call'`;
  const sums = await bucketSums(
    db,
    g.bucketMs,
    filter,
    sql`coalesce(sum(e.cost_usd), 0)::float8`,
    midnight,
    g.times.at(-1)!,
  );
  const spent = cumulativeDaily(sums, g.times, g.bucketMs);
  const points = g.times.map((t, i) => ({
    t,
    value: spent[i]!,
    projected: projectedSpend(spent[i]!, t, rule.minElapsedFraction),
  }));
  return { ...g, points, method };
}

async function healthSeries(
  db: Db,
  rule: HealthRule,
  groupKey: string,
  from: Date,
  to: Date,
): Promise<MetricSeries> {
  const g = grid(from, to);
  const dependency = groupKey !== '' ? groupKey : rule.dependency === 'any' ? null : rule.dependency;
  const method = `Each point: failed ${dependency ?? 'dependency'} health checks in a row as of that time (not-configured checks skipped).`;
  if (g.times.length === 0 || !dependency) return { ...g, points: [], method };
  const rows = await rawRows<{ at_ms: number | string; state: CheckPoint['state'] }>(
    db,
    sql`select extract(epoch from h.checked_at) * 1000 as at_ms, h.state from health_checks h
        where h.dependency = ${dependency}
          and h.checked_at > ${iso(g.from - HEALTH_LOOKBACK_MS)}::timestamptz and h.checked_at <= ${iso(g.to)}::timestamptz
        order by h.checked_at`,
  );
  const runs = failureRuns(
    rows.map((r) => ({ at: Number(r.at_ms), state: r.state })),
    g.times,
  );
  return { ...g, points: g.times.map((t, i) => ({ t, value: runs[i]! })), method };
}
