import 'server-only';
import { and, asc, desc, eq, gt, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import { getDb, rawRows, type Db } from '@/db/client';
import {
  alertInstances,
  alertRules,
  alertTransitions,
  notificationDeliveries,
  projects,
  silences,
  type AlertInstanceRow,
  type SilenceRow,
} from '@/db/schema';
import type { DigestItem } from '../channels';
import { utcDayBounds } from '../engine/schedule';

/**
 * Reads of the cron run, across projects (the run filters on its own projects). `db` parameters take the
 * transaction of a write that must read under its lock.
 */

export type ProjectInfo = { id: string; slug: string; name: string };

export async function listProjects(): Promise<ProjectInfo[]> {
  const db = await getDb();
  return db.select({ id: projects.id, slug: projects.slug, name: projects.name }).from(projects);
}

export async function listAllInstances(): Promise<AlertInstanceRow[]> {
  const db = await getDb();
  return db.select().from(alertInstances);
}

export async function listSilencesInForce(now: Date): Promise<SilenceRow[]> {
  const db = await getDb();
  return db.select().from(silences).where(gt(silences.endsAt, now));
}

/** One project's instances, read inside the transaction that holds the project's advisory lock. */
export async function listProjectInstances(db: Db, projectId: string): Promise<AlertInstanceRow[]> {
  return db.select().from(alertInstances).where(eq(alertInstances.projectId, projectId));
}

/** The channels that were to be told an alert was firing (firing and repeat deliveries of its firing). */
export async function channelsToldOfFiring(
  db: Db,
  projectId: string,
  ruleId: string,
  groupKey: string,
  firingAt: Date,
): Promise<Set<string>> {
  const told = await db
    .selectDistinct({ channel: notificationDeliveries.channel })
    .from(notificationDeliveries)
    .innerJoin(
      alertTransitions,
      and(
        eq(alertTransitions.projectId, notificationDeliveries.projectId),
        eq(alertTransitions.id, notificationDeliveries.transitionId),
      ),
    )
    .where(
      and(
        eq(alertTransitions.projectId, projectId),
        eq(alertTransitions.ruleId, ruleId),
        eq(alertTransitions.groupKey, groupKey),
        eq(alertTransitions.toState, 'firing'),
        eq(alertTransitions.at, firingAt),
        inArray(notificationDeliveries.kind, ['firing', 'repeat']),
      ),
    );
  return new Set(told.map((t) => t.channel));
}

export type FiringRow = {
  project_id: string;
  rule_id: string;
  group_key: string;
  since: Date | string;
  transition_id: number | string;
  deliveries: number | string;
  max_seq: number | string;
};

/**
 * Alerts firing, unacknowledged, with the transition they fired with and how many of its notifications
 * exist: what the repeat step decides on. One statement for every project.
 */
export async function listFiringToRepeat(now: Date): Promise<FiringRow[]> {
  const db = await getDb();
  return rawRows<FiringRow>(
    db,
    sql`select i.project_id, i.rule_id, i.group_key, i.since, t.id as transition_id,
          count(d.id) as deliveries, coalesce(max(d.seq), -1) as max_seq
        from alert_instances i
        join alert_transitions t on t.project_id = i.project_id and t.rule_id = i.rule_id
          and t.group_key = i.group_key and t.to_state = 'firing' and t.at = i.since
        left join notification_deliveries d on d.project_id = t.project_id and d.transition_id = t.id
        where i.state = 'firing' and i.acknowledged_at is null and i.since <= ${now.toISOString()}
        group by i.project_id, i.rule_id, i.group_key, i.since, t.id`,
  );
}

/** Projects whose digest of `day` is already queued. */
export async function projectsWithDigestQueued(day: string): Promise<Set<string>> {
  const db = await getDb();
  const rows = await db
    .selectDistinct({ projectId: notificationDeliveries.projectId })
    .from(notificationDeliveries)
    .where(and(isNotNull(notificationDeliveries.digestDay), eq(notificationDeliveries.digestDay, day)));
  return new Set(rows.map((r) => r.projectId));
}

export type DueDelivery = Awaited<ReturnType<typeof listDueDeliveries>>[number];

/** Deliveries due now (new ones and retries), oldest first, with what their notification needs. */
export async function listDueDeliveries(now: Date, only: readonly string[] | null, limit: number) {
  const db = await getDb();
  return db
    .select({
      projectId: notificationDeliveries.projectId,
      id: notificationDeliveries.id,
      kind: notificationDeliveries.kind,
      digestDay: notificationDeliveries.digestDay,
      channel: notificationDeliveries.channel,
      attempt: notificationDeliveries.attempt,
      createdAt: notificationDeliveries.createdAt,
      ruleId: alertTransitions.ruleId,
      groupKey: alertTransitions.groupKey,
      at: alertTransitions.at,
      value: alertTransitions.value,
      threshold: alertTransitions.threshold,
      ruleKey: alertRules.key,
      ruleName: alertRules.name,
      severity: alertRules.severity,
      definition: alertRules.definition,
      projectSlug: projects.slug,
      projectName: projects.name,
    })
    .from(notificationDeliveries)
    .leftJoin(
      alertTransitions,
      and(
        eq(alertTransitions.projectId, notificationDeliveries.projectId),
        eq(alertTransitions.id, notificationDeliveries.transitionId),
      ),
    )
    .leftJoin(
      alertRules,
      and(eq(alertRules.projectId, alertTransitions.projectId), eq(alertRules.id, alertTransitions.ruleId)),
    )
    .innerJoin(projects, eq(projects.id, notificationDeliveries.projectId))
    .where(
      and(
        eq(notificationDeliveries.status, 'pending'),
        lte(notificationDeliveries.nextAttemptAt, now),
        only ? inArray(notificationDeliveries.projectId, [...only]) : undefined,
      ),
    )
    .orderBy(asc(notificationDeliveries.nextAttemptAt), asc(notificationDeliveries.id))
    .limit(limit);
}

/** When the alert a resolved transition ends started firing. */
export async function firingStart(
  projectId: string,
  ruleId: string,
  groupKey: string,
  at: Date,
): Promise<Date | null> {
  const db = await getDb();
  const [last] = await db
    .select({ at: alertTransitions.at })
    .from(alertTransitions)
    .where(
      and(
        eq(alertTransitions.projectId, projectId),
        eq(alertTransitions.ruleId, ruleId),
        eq(alertTransitions.groupKey, groupKey),
        eq(alertTransitions.toState, 'firing'),
        lte(alertTransitions.at, at),
      ),
    )
    .orderBy(desc(alertTransitions.at))
    .limit(1);
  return last?.at ?? null;
}

type DigestRow = {
  project_id: string;
  key: string;
  name: string;
  severity: DigestItem['severity'];
  group_key: string;
  at: string | Date;
  resolved_at: string | Date | null;
};

/** How far back an alert may have started and still be active on a digest's day. */
const DIGEST_LOOKBACK_MS = 30 * 86_400_000;

/**
 * The alerts active during a UTC day, per project: fired that day, or fired before and not yet resolved
 * when it began. `resolvedAt` is null when the alert was still firing at the end of the day.
 */
export async function digestItems(day: string, projectId?: string): Promise<Map<string, DigestItem[]>> {
  const db = await getDb();
  const { start, end } = utcDayBounds(day);
  const rows = await rawRows<DigestRow>(
    db,
    sql`select t.project_id, r.key, r.name, r.severity, t.group_key, t.at,
          (select min(x.at) from alert_transitions x
            where x.project_id = t.project_id and x.rule_id = t.rule_id and x.group_key = t.group_key
              and x.to_state = 'resolved' and x.at > t.at) as resolved_at
        from alert_transitions t
        join alert_rules r on r.project_id = t.project_id and r.id = t.rule_id
        where t.to_state = 'firing' and t.at < ${end.toISOString()}
          and t.at >= ${new Date(start.getTime() - DIGEST_LOOKBACK_MS).toISOString()}
          ${projectId ? sql`and t.project_id = ${projectId}` : sql``}
        order by t.at, r.key, t.group_key`,
  );
  const out = new Map<string, DigestItem[]>();
  for (const r of rows) {
    const resolvedAt = r.resolved_at === null ? null : new Date(r.resolved_at);
    if (resolvedAt !== null && resolvedAt < start) continue;
    const item: DigestItem = {
      ruleKey: r.key,
      ruleName: r.name,
      severity: r.severity,
      group: r.group_key === '' ? null : r.group_key,
      startedAt: new Date(r.at).toISOString(),
      resolvedAt: resolvedAt === null || resolvedAt >= end ? null : resolvedAt.toISOString(),
    };
    const list = out.get(r.project_id);
    if (list) list.push(item);
    else out.set(r.project_id, [item]);
  }
  return out;
}
