import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import { getDb, rawRows, type Db } from '@/db/client';
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
  MetricSample,
  Rule,
  RuleInput,
  ThresholdInput,
  ThresholdRule,
} from '../engine/types';
import { consecutiveLookbackMs } from '../engine/evaluate';
import { DEPENDENCIES } from '../engine/types';

/**
 * The engine's input for one rule of one project, each from one SQL statement over events (filtered by
 * project_id, type and a ts range, so the (project_id, type, ts) index serves it), health_checks or projects.
 *
 * Windows are (now - windowMs, now]. Rates are fractions; `samples` is the number of events the value
 * was computed from. A grouped rule gets one group per model / route / service seen in the window.
 */
export async function loadRuleInput<R extends Rule>(
  projectId: string,
  rule: R,
  now: Date,
): Promise<RuleInput<R>> {
  const db = await getDb();
  // RuleInput<R> pairs each rule kind with its input; the casts only restate that pairing.
  switch (rule.kind) {
    case 'threshold':
      return (await loadThreshold(db, projectId, rule, now)) as RuleInput<R>;
    case 'consecutive':
      return (await loadConsecutive(db, projectId, rule, now)) as RuleInput<R>;
    case 'change':
      return (await loadChange(db, projectId, rule, now)) as RuleInput<R>;
    case 'budget':
      return (await loadBudget(db, projectId, rule, now)) as RuleInput<R>;
    case 'health':
      return (await loadHealth(db, rule, now)) as RuleInput<R>;
  }
  throw new Error(`unknown rule kind ${(rule as { kind: string }).kind}`);
}

const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

type MetricSql = { type: string | null; where: SQL | null; value: SQL; samples: SQL };

/** How each metric is computed over the events of a window. */
export function metricSql(metric: Metric): MetricSql {
  switch (metric) {
    case 'error_rate':
      return {
        type: 'http.request',
        where: null,
        value: sql`(count(*) filter (where e.http_status >= 500))::float8 / nullif(count(*), 0)`,
        samples: sql`count(*)::float8`,
      };
    case 'availability':
      return {
        type: 'http.request',
        where: null,
        value: sql`(count(*) filter (where e.http_status < 500))::float8 / nullif(count(*), 0)`,
        samples: sql`count(*)::float8`,
      };
    case 'p95_response_ms':
      return {
        type: 'response.sent',
        where: sql`e.duration_ms is not null`,
        value: sql`(percentile_cont(0.95) within group (order by e.duration_ms))::float8`,
        samples: sql`count(*)::float8`,
      };
    case 'cache_hit_rate':
      // Lookups only (operation get) that say whether they hit.
      return {
        type: 'cache',
        where: sql`e.operation = 'get' and e.hit is not null`,
        value: sql`(count(*) filter (where e.hit))::float8 / nullif(count(*), 0)`,
        samples: sql`count(*)::float8`,
      };
    case 'ai_error_rate':
      return {
        type: 'ai.call',
        where: null,
        value: sql`(count(*) filter (where e.status = 'error'))::float8 / nullif(count(*), 0)`,
        samples: sql`count(*)::float8`,
      };
    case 'failed_logins':
      // A count: no attempt at all is 0 failures, a real value.
      return {
        type: 'auth.attempt',
        where: null,
        value: sql`(count(*) filter (where e.outcome = 'failure'))::float8`,
        samples: sql`count(*)::float8`,
      };
    case 'active_users':
      return {
        type: null,
        where: sql`e.user_id is not null`,
        value: sql`count(distinct e.user_id)::float8`,
        samples: sql`count(*)::float8`,
      };
    case 'request_count':
      return {
        type: 'http.request',
        where: null,
        value: sql`count(*)::float8`,
        samples: sql`count(*)::float8`,
      };
  }
}

/** The events column each grouping reads. */
export const GROUP_COLUMNS: Record<GroupBy, SQL> = {
  model: sql`e.model`,
  route: sql`e.route`,
  service: sql`e.service`,
};

/** Filters on e for one metric: project, type, extra condition and non-null group column. */
function eventFilter(projectId: string, m: MetricSql, groupBy: GroupBy | undefined): SQL {
  const parts: SQL[] = [sql`e.project_id = ${projectId}`];
  if (m.type) parts.push(sql`e.type = ${m.type}`);
  if (m.where) parts.push(m.where);
  if (groupBy) parts.push(sql`${GROUP_COLUMNS[groupBy]} is not null`);
  return sql.join(parts, sql` and `);
}

type SampleRow = { grp: string | null; value: number | string | null; samples: number | string | null };
const sample = (r: SampleRow): MetricSample => ({
  value: r.value === null ? null : Number(r.value),
  samples: r.samples === null ? 0 : Number(r.samples),
});

async function loadThreshold(
  db: Db,
  projectId: string,
  rule: ThresholdRule,
  now: Date,
): Promise<ThresholdInput> {
  const m = metricSql(rule.metric);
  const to = now.getTime();
  const group = rule.groupBy ? GROUP_COLUMNS[rule.groupBy] : sql`null::text`;
  const rows = await rawRows<SampleRow>(
    db,
    sql`select ${group} as grp, ${m.value} as value, ${m.samples} as samples
        from events e
        where ${eventFilter(projectId, m, rule.groupBy)}
          and e.ts > ${iso(to - rule.windowMs)}::timestamptz and e.ts <= ${iso(to)}::timestamptz
        ${rule.groupBy ? sql`group by 1 order by 1` : sql``}`,
  );
  return { groups: rows.map((r) => ({ group: rule.groupBy ? r.grp : null, ...sample(r) })) };
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

async function loadChange(db: Db, projectId: string, rule: ChangeRule, now: Date): Promise<ChangeInput> {
  const m = metricSql(rule.metric);
  const to = now.getTime();
  const offsets = [0, ...baselineOffsetsMs(rule.baseline)];
  const buckets = sql.join(
    offsets.map(
      (o, i) => sql`(${i}::int, ${iso(to - o - rule.windowMs)}::timestamptz, ${iso(to - o)}::timestamptz)`,
    ),
    sql`, `,
  );
  const oldest = to - offsets[offsets.length - 1]! - rule.windowMs;
  const group = rule.groupBy ? GROUP_COLUMNS[rule.groupBy] : sql`null::text`;
  const rows = await rawRows<SampleRow & { bucket: number }>(
    db,
    sql`with b(bucket, t0, t1) as (values ${buckets})
        select b.bucket, ${group} as grp, ${m.value} as value, ${m.samples} as samples
        from b join events e on e.ts > b.t0 and e.ts <= b.t1
        where ${eventFilter(projectId, m, rule.groupBy)}
          and e.ts > ${iso(oldest)}::timestamptz and e.ts <= ${iso(to)}::timestamptz
        group by 1, 2 order by 2, 1`,
  );
  const groups = new Map<string | null, ChangeInput['groups'][number]>();
  if (!rule.groupBy) groups.set(null, { group: null, current: { value: null, samples: 0 }, baseline: null });
  for (const r of rows) {
    const key = rule.groupBy ? r.grp : null;
    let g = groups.get(key);
    if (!g) {
      g = { group: key, current: { value: null, samples: 0 }, baseline: null };
      groups.set(key, g);
    }
    if (Number(r.bucket) === 0) g.current = sample(r);
    else (g.baseline ??= []).push(sample(r));
  }
  return { groups: [...groups.values()] };
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

/** Spend of the current UTC day (midnight to now) and the project's daily budget, in one statement. */
async function loadBudget(db: Db, projectId: string, _rule: BudgetRule, now: Date): Promise<BudgetInput> {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const rows = await rawRows<{ spent: number | string | null; budget: number | string | null }>(
    db,
    sql`select
          (select coalesce(sum(e.cost_usd), 0)::float8 from events e
            where e.project_id = ${projectId} and e.type = 'ai.call'
              and e.ts >= ${iso(midnight)}::timestamptz and e.ts <= ${iso(now.getTime())}::timestamptz) as spent,
          (select p.daily_budget_usd::float8 from projects p where p.id = ${projectId}) as budget`,
  );
  const r = rows[0];
  return {
    spentUsd: r?.spent == null ? null : Number(r.spent),
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
