import 'server-only';
import { getDb } from '@/db/client';
import { alertRules } from '@/db/schema';
import { DEFAULT_RULES } from './defaults';
import { ruleRow } from './stored';

/**
 * Creates the ten default rules for a project. Idempotent: a rule whose key the project already has
 * (edited, disabled or not) is left alone. Answers how many rules were created. Kept apart from the rule
 * admin verbs so startup, project creation and scripts seed without loading the request-scoped auth code.
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
