import 'server-only';
import { and, eq, inArray } from 'drizzle-orm';
import { getDb, type Db } from '@/db/client';
import { alertInstances, alertRules, type AlertRuleRow } from '@/db/schema';
import { defaultRank } from './defaults';
import { toStoredRule, type StoredRule } from './stored';

/** Reads of alert rules. `db` parameters take a transaction, for reads a write must make under its lock. */

export type ListRulesOptions = { enabledOnly?: boolean };

/**
 * The rules of one project, or of every project for the cron (`projectId` null), enabled or all: by project,
 * then the defaults in their shipped order, then custom rules oldest first, as the rules page lists them.
 */
export async function listRules(
  projectId: string | null,
  { enabledOnly = false }: ListRulesOptions = {},
): Promise<StoredRule[]> {
  const db = await getDb();
  const rows = await db
    .select()
    .from(alertRules)
    .where(
      and(
        projectId === null ? undefined : eq(alertRules.projectId, projectId),
        enabledOnly ? eq(alertRules.enabled, true) : undefined,
      ),
    );
  return rows.sort(byListOrder).map(toStoredRule);
}

function byListOrder(a: AlertRuleRow, b: AlertRuleRow): number {
  return (
    a.projectId.localeCompare(b.projectId) ||
    defaultRank(a.key) - defaultRank(b.key) ||
    a.createdAt.getTime() - b.createdAt.getTime() ||
    a.key.localeCompare(b.key)
  );
}

export async function getRule(projectId: string, ruleId: string): Promise<StoredRule | null> {
  const row = await findRuleRow(await getDb(), projectId, ruleId);
  return row ? toStoredRule(row) : null;
}

/** Rules by id, whatever their project: the cron's last look at rules disabled while they alerted. */
export async function getRulesByIds(ruleIds: readonly string[]): Promise<StoredRule[]> {
  if (ruleIds.length === 0) return [];
  const db = await getDb();
  const rows = await db
    .select()
    .from(alertRules)
    .where(inArray(alertRules.id, [...ruleIds]));
  return rows.map(toStoredRule);
}

export async function findRuleRow(db: Db, projectId: string, ruleId: string): Promise<AlertRuleRow | null> {
  const [row] = await db
    .select()
    .from(alertRules)
    .where(and(eq(alertRules.projectId, projectId), eq(alertRules.id, ruleId)))
    .limit(1);
  return row ?? null;
}

/** The name of a project's rule, or null when it has none by that id. */
export async function getRuleName(projectId: string, ruleId: string): Promise<string | null> {
  return (await findRuleRow(await getDb(), projectId, ruleId))?.name ?? null;
}

/** The keys a project's rules use, for picking a new one. */
export async function listRuleKeys(projectId: string): Promise<Set<string>> {
  const db = await getDb();
  const rows = await db
    .select({ key: alertRules.key })
    .from(alertRules)
    .where(eq(alertRules.projectId, projectId));
  return new Set(rows.map((r) => r.key));
}

/** Whether a rule has an alert firing (in any group). */
export async function hasFiringAlert(db: Db, projectId: string, ruleId: string): Promise<boolean> {
  const [firing] = await db
    .select({ groupKey: alertInstances.groupKey })
    .from(alertInstances)
    .where(
      and(
        eq(alertInstances.projectId, projectId),
        eq(alertInstances.ruleId, ruleId),
        eq(alertInstances.state, 'firing'),
      ),
    )
    .limit(1);
  return firing !== undefined;
}
