import { and, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { alertRules, type AlertRuleRow } from '@/db/schema';
import { DEFAULT_RULES } from './default-rules';
import type { Rule } from './engine/types';

/** An engine rule as stored: the definition with the row's id and project. */
export type StoredRule = Rule & { id: string; projectId: string };

/** Row values for a rule definition: the listing columns are copies of the definition's fields. */
export function ruleRow(projectId: string, rule: Rule) {
  return {
    projectId,
    key: rule.key,
    name: rule.name,
    description: rule.description,
    kind: rule.kind,
    severity: rule.severity,
    enabled: rule.enabled,
    definition: rule,
  };
}

/** The engine rule of a row. Columns an edit may change on their own (name, severity, enabled) win. */
export function toStoredRule(row: AlertRuleRow): StoredRule {
  return {
    ...row.definition,
    key: row.key,
    name: row.name,
    description: row.description,
    severity: row.severity,
    enabled: row.enabled,
    id: row.id,
    projectId: row.projectId,
  };
}

/**
 * Creates the ten default rules for a project. Idempotent: a rule whose key the project already has
 * (edited, disabled or not) is left alone. Answers how many rules were created.
 */
export async function seedDefaultRules(projectId: string): Promise<number> {
  const db = await getDb();
  const created = await db
    .insert(alertRules)
    .values(DEFAULT_RULES.map((rule) => ruleRow(projectId, rule)))
    .onConflictDoNothing({ target: [alertRules.projectId, alertRules.key] })
    .returning({ id: alertRules.id });
  return created.length;
}

/** Every enabled rule of every project, for the cron, ordered by project then key. */
export async function listEnabledRules(): Promise<StoredRule[]> {
  const db = await getDb();
  const rows = await db
    .select()
    .from(alertRules)
    .where(eq(alertRules.enabled, true))
    .orderBy(alertRules.projectId, alertRules.key);
  return rows.map(toStoredRule);
}

/** One project's enabled rules, e.g. for the threshold lines of its charts. */
export async function listProjectRules(projectId: string): Promise<StoredRule[]> {
  const db = await getDb();
  const rows = await db
    .select()
    .from(alertRules)
    .where(and(eq(alertRules.projectId, projectId), eq(alertRules.enabled, true)))
    .orderBy(alertRules.key);
  return rows.map(toStoredRule);
}
