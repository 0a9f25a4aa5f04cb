import 'server-only';
import { and, desc, eq, gt } from 'drizzle-orm';
import { getDb } from '@/db/client';
import {
  alertInstances,
  alertTransitions,
  silences,
  type AlertInstanceRow,
  type AlertTransitionRow,
  type SilenceRow,
} from '@/db/schema';

/** Key of an instance in the map `loadInstances` answers: rule id and group key ('' when ungrouped). */
export const instanceKey = (ruleId: string, groupKey: string | null) => `${ruleId}\u0000${groupKey ?? ''}`;

/** Every alert instance of a project, keyed by instanceKey (one read per project per cron run). */
export async function loadInstances(projectId: string): Promise<Map<string, AlertInstanceRow>> {
  const db = await getDb();
  const rows = await db.select().from(alertInstances).where(eq(alertInstances.projectId, projectId));
  return new Map(rows.map((r) => [instanceKey(r.ruleId, r.groupKey), r]));
}

/** Silences of a project still in force at `now`. */
export async function activeSilences(projectId: string, now: Date): Promise<SilenceRow[]> {
  const db = await getDb();
  return db
    .select()
    .from(silences)
    .where(and(eq(silences.projectId, projectId), gt(silences.endsAt, now)));
}

/** Whether a silence covers an instance: null rule = every rule, null group key = every group. */
export function isSilenced(
  active: readonly SilenceRow[],
  ruleId: string,
  groupKey: string | null,
  now: Date,
): boolean {
  return active.some(
    (s) =>
      s.endsAt.getTime() > now.getTime() &&
      (s.ruleId === null || s.ruleId === ruleId) &&
      (s.groupKey === null || s.groupKey === (groupKey ?? '')),
  );
}

/** A project's latest transitions, newest first. */
export async function recentTransitions(projectId: string, limit = 50): Promise<AlertTransitionRow[]> {
  const db = await getDb();
  return db
    .select()
    .from(alertTransitions)
    .where(eq(alertTransitions.projectId, projectId))
    .orderBy(desc(alertTransitions.at), desc(alertTransitions.id))
    .limit(limit);
}
