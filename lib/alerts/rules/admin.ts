import 'server-only';
import { and, eq, inArray } from 'drizzle-orm';
import { getDb, type Db } from '@/db/client';
import {
  alertInstances,
  alertRules,
  alertTransitions,
  auditLog,
  notificationDeliveries,
  silences,
  type AlertRuleRow,
} from '@/db/schema';
import { actorOf, assertAdmin, type Member } from '@/lib/auth/viewer';
import { AppError } from '@/lib/http/errors';
import { requireProject } from '@/lib/settings/require-project';
import type { Rule } from '../engine/types';
import { DEFAULT_RULES, isDefaultKey } from './defaults';
import { findRuleRow, hasFiringAlert, listRuleKeys } from './queries';
import { customRuleKey, diffRules, hasChanges, toRule, type RuleFields } from './schema';
import { definitionOf, ruleRow, toStoredRule, type StoredRule } from './stored';

/** The writes of alert rules: seeding the defaults, and what admins do on the rules page (audited). */

export type RuleAuditAction =
  | 'alert_rule.created'
  | 'alert_rule.updated'
  | 'alert_rule.enabled'
  | 'alert_rule.disabled'
  | 'alert_rule.deleted'
  | 'alert_rule.reset';

const withRow = (row: AlertRuleRow, rule: Rule): StoredRule => ({
  ...rule,
  id: row.id,
  projectId: row.projectId,
});

async function audit(
  db: Db,
  viewer: Member,
  projectId: string,
  action: RuleAuditAction,
  rule: Rule,
  details: Record<string, unknown>,
) {
  await db.insert(auditLog).values({
    projectId,
    actor: actorOf(viewer),
    action,
    target: rule.key,
    details: { name: rule.name, ...details },
  });
}

async function requireRow(db: Db, projectId: string, ruleId: string): Promise<AlertRuleRow> {
  const row = await findRuleRow(db, projectId, ruleId);
  if (!row)
    throw new AppError(
      'not_found',
      'This project has no such rule; it may have been deleted. Reload the page.',
    );
  return row;
}

async function save(db: Db, projectId: string, ruleId: string, rule: Rule) {
  await db
    .update(alertRules)
    .set({ ...ruleRow(projectId, rule), updatedAt: new Date() })
    .where(and(eq(alertRules.projectId, projectId), eq(alertRules.id, ruleId)));
}

/** Adds a custom rule (enabled) under a fresh `custom-<slug>` key. */
export async function createRule(
  viewer: Member | null,
  projectId: string,
  fields: RuleFields,
): Promise<StoredRule> {
  assertAdmin(viewer, projectId, 'add alert rules');
  const db = await getDb();
  await requireProject(db, projectId);
  // Two admins adding the same name at once: the unique key refuses one, which then takes the next suffix.
  for (let attempt = 0; attempt < 5; attempt++) {
    const rule = toRule(fields, customRuleKey(fields.name, await listRuleKeys(projectId)), true);
    const created = await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(alertRules)
        .values(ruleRow(projectId, rule))
        .onConflictDoNothing({ target: [alertRules.projectId, alertRules.key] })
        .returning();
      if (row) await audit(tx, viewer, projectId, 'alert_rule.created', rule, { after: rule });
      return row;
    });
    if (created) return toStoredRule(created);
  }
  throw new AppError('unavailable', 'Could not pick a unique key for this rule; try again.');
}

/** Saves edited fields; the key, the kind and the enabled flag stay. `changed` is false when nothing differed. */
export async function updateRule(
  viewer: Member | null,
  projectId: string,
  ruleId: string,
  fields: RuleFields,
): Promise<{ rule: StoredRule; changed: boolean }> {
  assertAdmin(viewer, projectId, 'edit alert rules');
  const db = await getDb();
  return db.transaction(async (tx) => {
    const row = await requireRow(tx, projectId, ruleId);
    if (row.kind !== fields.kind)
      throw new AppError(
        'bad_request',
        `This is a ${row.kind} rule; its kind cannot change. Add a new rule instead.`,
      );
    const before = definitionOf(toStoredRule(row));
    const after = toRule(fields, row.key, row.enabled, before);
    const change = diffRules(before, after);
    if (!hasChanges(change)) return { rule: toStoredRule(row), changed: false };
    await save(tx, projectId, ruleId, after);
    await audit(tx, viewer, projectId, 'alert_rule.updated', after, change);
    return { rule: withRow(row, after), changed: true };
  });
}

export async function setRuleEnabled(
  viewer: Member | null,
  projectId: string,
  ruleId: string,
  enabled: boolean,
): Promise<{ rule: StoredRule; changed: boolean }> {
  assertAdmin(viewer, projectId, `${enabled ? 'enable' : 'disable'} alert rules`);
  const db = await getDb();
  return db.transaction(async (tx) => {
    const row = await requireRow(tx, projectId, ruleId);
    const before = definitionOf(toStoredRule(row));
    if (before.enabled === enabled) return { rule: toStoredRule(row), changed: false };
    const after = { ...before, enabled };
    await save(tx, projectId, ruleId, after);
    await audit(tx, viewer, projectId, enabled ? 'alert_rule.enabled' : 'alert_rule.disabled', after, {
      before: { enabled: before.enabled },
      after: { enabled },
    });
    return { rule: withRow(row, after), changed: true };
  });
}

/** Puts a default rule back as shipped; whether it is enabled stays as it is. */
export async function resetRule(
  viewer: Member | null,
  projectId: string,
  ruleId: string,
): Promise<{ rule: StoredRule; changed: boolean }> {
  assertAdmin(viewer, projectId, 'reset alert rules');
  const db = await getDb();
  return db.transaction(async (tx) => {
    const row = await requireRow(tx, projectId, ruleId);
    const shipped = DEFAULT_RULES.find((r) => r.key === row.key);
    if (!shipped)
      throw new AppError('bad_request', 'Only default rules can be reset; edit or delete a custom rule.');
    const before = definitionOf(toStoredRule(row));
    const after: Rule = { ...structuredClone(shipped), enabled: row.enabled };
    const change = diffRules(before, after);
    if (!hasChanges(change)) return { rule: toStoredRule(row), changed: false };
    await save(tx, projectId, ruleId, after);
    await audit(tx, viewer, projectId, 'alert_rule.reset', after, change);
    return { rule: withRow(row, after), changed: true };
  });
}

/**
 * Deletes a custom rule with its alert instances and the silences naming it. Its transitions and sent
 * deliveries stay as history; deliveries still pending can never be sent without the rule, so they are
 * marked failed.
 */
export async function deleteRule(viewer: Member | null, projectId: string, ruleId: string): Promise<Rule> {
  assertAdmin(viewer, projectId, 'delete alert rules');
  const db = await getDb();
  return db.transaction(async (tx) => {
    const row = await requireRow(tx, projectId, ruleId);
    if (isDefaultKey(row.key))
      throw new AppError(
        'bad_request',
        'Default rules cannot be deleted; disable it, or reset it to default.',
      );
    // Deleting it now would leave its pages (PagerDuty incidents included) open for good.
    if (await hasFiringAlert(tx, projectId, ruleId))
      throw new AppError(
        'conflict',
        'This rule has an alert firing: disable the rule first (the next cron run resolves the alert and tells its channels), then delete it.',
      );
    const before = definitionOf(toStoredRule(row));
    await tx.delete(alertRules).where(and(eq(alertRules.projectId, projectId), eq(alertRules.id, ruleId)));
    const instances = await tx
      .delete(alertInstances)
      .where(and(eq(alertInstances.projectId, projectId), eq(alertInstances.ruleId, ruleId)))
      .returning({ groupKey: alertInstances.groupKey });
    await tx.delete(silences).where(and(eq(silences.projectId, projectId), eq(silences.ruleId, ruleId)));
    await tx
      .update(notificationDeliveries)
      .set({ status: 'failed', nextAttemptAt: null, lastError: 'rule deleted before delivery' })
      .where(
        and(
          eq(notificationDeliveries.projectId, projectId),
          eq(notificationDeliveries.status, 'pending'),
          inArray(
            notificationDeliveries.transitionId,
            tx
              .select({ id: alertTransitions.id })
              .from(alertTransitions)
              .where(and(eq(alertTransitions.projectId, projectId), eq(alertTransitions.ruleId, ruleId))),
          ),
        ),
      );
    await audit(tx, viewer, projectId, 'alert_rule.deleted', before, {
      before,
      instancesDeleted: instances.length,
    });
    return before;
  });
}
