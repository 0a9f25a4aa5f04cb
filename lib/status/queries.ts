import 'server-only';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { getDb, rawRows, type Db } from '@/db/client';
import { alertInstances, alertRules, projects } from '@/db/schema';
import { readTotals } from '@/lib/metrics/queries/figures';
import { NO_FILTERS } from '@/lib/metrics/range';
import { listRules } from '@/lib/alerts/rules/queries';
import type { Severity } from '@/lib/alerts/engine/types';
import { CHECK_NAMES, type CheckName, type ProbeState } from '@/lib/health/status';
import { SLUG_PATTERN } from '@/lib/settings/slug';
import {
  APP_WINDOW_MS,
  appThresholds,
  buildStatusPage,
  PUBLIC_CATEGORIES,
  PUBLIC_SEVERITIES,
  RESOLVED_LOOKBACK_MS,
  type AppMetrics,
  type FiringRow,
  type LatestCheck,
  type PublicCategory,
  type ResolvedRow,
  type StatusPage,
} from './model';
import { firstDayStart, UPTIME_DAYS, type DayCount } from './uptime';

/**
 * Every read of the public status page. Only projects whose status page is enabled are ever answered;
 * an unknown slug and a disabled one answer the same null.
 */

export type PublicProject = { slug: string; name: string };

/** Projects with an enabled status page, oldest first: what /status lists. */
export async function listPublicStatusProjects(): Promise<PublicProject[]> {
  const db = await getDb();
  return db
    .select({ slug: projects.slug, name: projects.name })
    .from(projects)
    .where(eq(projects.statusPageEnabled, true))
    .orderBy(asc(projects.createdAt), asc(projects.slug));
}

/** Whether a project's status page is on, for Settings; null when the project does not exist. */
export async function getStatusPageEnabled(projectId: string): Promise<boolean | null> {
  return (await getStatusPageSettings(projectId))?.enabled ?? null;
}

/** A project's status page switches (on, and whether other sites may frame it); null when it does not exist. */
export async function getStatusPageSettings(
  projectId: string,
): Promise<{ enabled: boolean; framable: boolean } | null> {
  const db = await getDb();
  const [row] = await db
    .select({ enabled: projects.statusPageEnabled, framable: projects.statusPageFramable })
    .from(projects)
    .where(eq(projects.id, projectId));
  return row ?? null;
}

const PAGE_TTL_MS = 10_000;
type CachedPage = { page: StatusPage; expires: number };
// Anonymous traffic cannot make the database compute a page more than once per project per 10 s (per
// process). Whether the page is on is checked on every request: turning it off takes effect at once.
const pageCache = ((globalThis as unknown as Record<symbol, Map<string, CachedPage> | undefined>)[
  Symbol.for('chatwatch.statusPageCache')
] ??= new Map<string, CachedPage>());

/**
 * The public status of `slug` (its figures cached for 10 s); null when there is no such project, its page is
 * off, or `slug` cannot be a project slug at all (control characters, stray encodings, any length).
 */
export async function getPublicStatus(slug: string, now = new Date()): Promise<StatusPage | null> {
  if (!SLUG_PATTERN.test(slug)) return null;
  const db = await getDb();
  const [project] = await db
    .select({ id: projects.id, slug: projects.slug, name: projects.name })
    .from(projects)
    .where(and(eq(projects.slug, slug), eq(projects.statusPageEnabled, true)));
  if (!project) return null;
  const hit = pageCache.get(project.id);
  if (hit && hit.expires > now.getTime()) return hit.page;
  const page = await computeStatusPage(db, project, now);
  if (pageCache.size > 1000) pageCache.clear();
  pageCache.set(project.id, { page, expires: now.getTime() + PAGE_TTL_MS });
  return page;
}

async function computeStatusPage(
  db: Db,
  project: { id: string; slug: string; name: string },
  now: Date,
): Promise<StatusPage> {
  const [latest, dayCounts, metrics, rules, firing, resolved] = await Promise.all([
    latestChecks(db, now),
    cachedDayCounts(db, now),
    appMetrics(db, project.id, now),
    listRules(project.id, { enabledOnly: true }),
    firingIncidents(db, project.id),
    resolvedIncidents(db, project.id, now),
  ]);
  return buildStatusPage(
    {
      project: { slug: project.slug, name: project.name },
      latest,
      dayCounts,
      metrics,
      thresholds: appThresholds(rules),
      firing,
      resolved,
    },
    now,
  );
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The latest check of each dependency at or before `now`: one index probe per dependency. */
export async function latestChecks(db: Db, now: Date): Promise<LatestCheck[]> {
  const names = sql.join(
    CHECK_NAMES.map((name) => sql`(${name})`),
    sql`, `,
  );
  const rows = await rawRows<{
    dependency: CheckName;
    state: ProbeState | null;
    checked_at: string | Date | null;
  }>(
    db,
    sql`select d.dependency, h.state, h.checked_at
        from (values ${names}) as d(dependency)
        left join lateral (
          select state, checked_at from health_checks
          where dependency = d.dependency and checked_at <= ${now.toISOString()}::timestamptz
          order by checked_at desc limit 1
        ) h on true`,
  );
  return rows.map((r) =>
    r.state === null || r.checked_at === null
      ? null
      : { dependency: r.dependency, state: r.state, checkedAt: new Date(r.checked_at) },
  );
}

/**
 * ok and fail checks per dependency per UTC day over the UPTIME_DAYS days ending at `now`, counted in SQL:
 * at most 4 x 90 rows whatever the check rate.
 */
export async function dailyCheckCounts(db: Db, now: Date): Promise<DayCount[]> {
  const rows = await rawRows<{
    dependency: CheckName;
    day: string;
    ok: number | string;
    fail: number | string;
  }>(
    db,
    // Grouped by date, formatted once per group: to_char on every row costs more than the scan.
    sql`select dependency, to_char(day, 'YYYY-MM-DD') as day, ok, fail from (
          select dependency,
                 (checked_at at time zone 'UTC')::date as day,
                 count(*) filter (where state = 'ok') as ok,
                 count(*) filter (where state = 'fail') as fail
          from health_checks
          where checked_at >= ${firstDayStart(now, UPTIME_DAYS).toISOString()}::timestamptz
            and checked_at <= ${now.toISOString()}::timestamptz
            and state in ('ok', 'fail')
          group by 1, 2
        ) d`,
  );
  return rows.map((r) => ({ dependency: r.dependency, day: r.day, ok: Number(r.ok), fail: Number(r.fail) }));
}

/**
 * Health checks are installation-wide, so every project's page shares one 90-day aggregate. It is kept for
 * the minute it was computed in: an anonymous visitor reloading the page cannot make the database re-scan
 * three months of checks on every request.
 */
const DAY_COUNTS_TTL_MS = 60_000;
let dayCountsCache: { minute: number; value: Promise<DayCount[]> } | null = null;

function cachedDayCounts(db: Db, now: Date): Promise<DayCount[]> {
  const minute = Math.floor(now.getTime() / DAY_COUNTS_TTL_MS);
  if (dayCountsCache?.minute === minute) return dayCountsCache.value;
  const value = dailyCheckCounts(db, now);
  const entry = { minute, value };
  dayCountsCache = entry;
  // A failed read is not kept: the next request tries again.
  value.catch(() => {
    if (dayCountsCache === entry) dayCountsCache = null;
  });
  return value;
}

/** Forgets the cached 90-day aggregate (tests that write checks and read them back in the same minute). */
export function clearStatusCache(): void {
  dayCountsCache = null;
  pageCache.clear();
}

/**
 * Error rate and p95 time to first response of the chat app over the last APP_WINDOW_MS, read from the
 * metric catalog as the alert rules and the dashboards read them.
 */
export async function appMetrics(db: Db, projectId: string, now: Date): Promise<AppMetrics> {
  const f = await readTotals(
    { projectId },
    { from: new Date(now.getTime() - APP_WINDOW_MS), to: now },
    NO_FILTERS,
    ['error_rate', 'p95_first_response_ms'],
    { db },
  );
  return {
    errorRate: f.error_rate.value,
    requests: f.error_rate.samples,
    p95ResponseMs: f.p95_first_response_ms.value,
    responses: f.p95_first_response_ms.samples,
  };
}

/** Firing instances of the project's enabled public rules, with the rule's category and severity (no group, no value). */
export async function firingIncidents(db: Db, projectId: string): Promise<FiringRow[]> {
  return db
    .select({
      ruleId: alertInstances.ruleId,
      category: sql<PublicCategory>`${alertRules.definition}->>'category'`,
      severity: alertRules.severity,
      since: alertInstances.since,
    })
    .from(alertInstances)
    .innerJoin(
      alertRules,
      and(eq(alertRules.projectId, alertInstances.projectId), eq(alertRules.id, alertInstances.ruleId)),
    )
    .where(
      and(
        eq(alertInstances.projectId, projectId),
        eq(alertInstances.state, 'firing'),
        eq(alertRules.enabled, true),
        inArray(alertRules.severity, [...PUBLIC_SEVERITIES]),
        inArray(sql`${alertRules.definition}->>'category'`, [...PUBLIC_CATEGORIES]),
      ),
    );
}

/** Transitions to resolved within RESOLVED_LOOKBACK_MS, each with the latest firing of its instance before it. */
export async function resolvedIncidents(db: Db, projectId: string, now: Date): Promise<ResolvedRow[]> {
  const to = now.getTime();
  const rows = await rawRows<{
    rule_id: string;
    category: PublicCategory;
    severity: Severity;
    resolved_at: string | Date;
    started_at: string | Date | null;
  }>(
    db,
    sql`select t.rule_id, r.definition->>'category' as category, r.severity, t.at as resolved_at,
               (select max(f.at) from alert_transitions f
                 where f.project_id = t.project_id and f.rule_id = t.rule_id and f.group_key = t.group_key
                   and f.to_state = 'firing' and f.at <= t.at) as started_at
        from alert_transitions t
        join alert_rules r on r.project_id = t.project_id and r.id = t.rule_id
        where t.project_id = ${projectId} and t.to_state = 'resolved' and r.enabled
          and r.severity in ${sql.raw(`(${PUBLIC_SEVERITIES.map((s) => `'${s}'`).join(', ')})`)}
          and r.definition->>'category' in ${sql.raw(`(${PUBLIC_CATEGORIES.map((c) => `'${c}'`).join(', ')})`)}
          and t.at > ${iso(to - RESOLVED_LOOKBACK_MS)}::timestamptz and t.at <= ${iso(to)}::timestamptz
        order by t.at desc
        limit 500`,
  );
  return rows.map((r) => ({
    ruleId: r.rule_id,
    category: r.category,
    severity: r.severity,
    resolvedAt: new Date(r.resolved_at),
    startedAt: r.started_at === null ? null : new Date(r.started_at),
  }));
}
