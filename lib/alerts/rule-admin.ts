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
import { DEFAULT_RULES } from './default-rules';
import type { Rule } from './engine/types';
import { customRuleKey, diffRules, hasChanges, toRule, type RuleFields } from './rule-schema';
import { ruleRow, toStoredRule, type StoredRule } from './rules';

/** A rule as the rules page lists it. Rules hold no secrets, so the whole definition may go to the client. */
export type AdminRule = { id: string; isDefault: boolean; rule: Rule; updatedAt: Date };

export type RuleAuditAction =
  | 'alert_rule.created'
  | 'alert_rule.updated'
  | 'alert_rule.enabled'
  | 'alert_rule.disabled'
  | 'alert_rule.deleted'
  | 'alert_rule.reset';

const DEFAULT_ORDER = new Map(DEFAULT_RULES.map((r, i) => [r.key, i]));
export const isDefaultKey = (key: string) => DEFAULT_ORDER.has(key);

function definitionOf(row: AlertRuleRow): Rule {
  const rule: Partial<StoredRule> = toStoredRule(row);
  delete rule.id;
  delete rule.projectId;
  return rule as Rule;
}

function toAdminRule(row: AlertRuleRow): AdminRule {
  return { id: row.id, isDefault: isDefaultKey(row.key), rule: definitionOf(row), updatedAt: row.updatedAt };
}

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

/** Every rule of a project, enabled or not: the defaults in their usual order, then custom rules, oldest first. */
export async function listRules(projectId: string): Promise<AdminRule[]> {
  const db = await getDb();
  const rows = await db.select().from(alertRules).where(eq(alertRules.projectId, projectId));
  const rank = (r: AlertRuleRow) => DEFAULT_ORDER.get(r.key) ?? DEFAULT_ORDER.size;
  return rows
    .sort(
      (a, b) =>
        rank(a) - rank(b) || a.createdAt.getTime() - b.createdAt.getTime() || a.key.localeCompare(b.key),
    )
    .map(toAdminRule);
}

export async function getRule(projectId: string, ruleId: string): Promise<AdminRule | null> {
  const db = await getDb();
  const row = await findRow(db, projectId, ruleId);
  return row ? toAdminRule(row) : null;
}

async function findRow(db: Db, projectId: string, ruleId: string): Promise<AlertRuleRow | null> {
  const [row] = await db
    .select()
    .from(alertRules)
    .where(and(eq(alertRules.projectId, projectId), eq(alertRules.id, ruleId)))
    .limit(1);
  return row ?? null;
}

async function requireRow(db: Db, projectId: string, ruleId: string): Promise<AlertRuleRow> {
  const row = await findRow(db, projectId, ruleId);
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
): Promise<AdminRule> {
  assertAdmin(viewer, projectId, 'add alert rules');
  const db = await getDb();
  await requireProject(db, projectId);
  // Two admins adding the same name at once: the unique key refuses one, which then takes the next suffix.
  for (let attempt = 0; attempt < 5; attempt++) {
    const taken = await db
      .select({ key: alertRules.key })
      .from(alertRules)
      .where(eq(alertRules.projectId, projectId));
    const rule = toRule(fields, customRuleKey(fields.name, new Set(taken.map((t) => t.key))), true);
    const created = await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(alertRules)
        .values(ruleRow(projectId, rule))
        .onConflictDoNothing({ target: [alertRules.projectId, alertRules.key] })
        .returning();
      if (row) await audit(tx, viewer, projectId, 'alert_rule.created', rule, { after: rule });
      return row;
    });
    if (created) return toAdminRule(created);
  }
  throw new AppError('unavailable', 'Could not pick a unique key for this rule; try again.');
}

/** Saves edited fields; the key, the kind and the enabled flag stay. `changed` is false when nothing differed. */
export async function updateRule(
  viewer: Member | null,
  projectId: string,
  ruleId: string,
  fields: RuleFields,
): Promise<{ rule: AdminRule; changed: boolean }> {
  assertAdmin(viewer, projectId, 'edit alert rules');
  const db = await getDb();
  return db.transaction(async (tx) => {
    const row = await requireRow(tx, projectId, ruleId);
    if (row.kind !== fields.kind)
      throw new AppError(
        'bad_request',
        `This is a ${row.kind} rule; its kind cannot change. Add a new rule instead.`,
      );
    const before = definitionOf(row);
    const after = toRule(fields, row.key, row.enabled, before);
    const change = diffRules(before, after);
    if (!hasChanges(change)) return { rule: toAdminRule(row), changed: false };
    await save(tx, projectId, ruleId, after);
    await audit(tx, viewer, projectId, 'alert_rule.updated', after, change);
    return { rule: { ...toAdminRule(row), rule: after }, changed: true };
  });
}

export async function setRuleEnabled(
  viewer: Member | null,
  projectId: string,
  ruleId: string,
  enabled: boolean,
): Promise<{ rule: AdminRule; changed: boolean }> {
  assertAdmin(viewer, projectId, `${enabled ? 'enable' : 'disable'} alert rules`);
  const db = await getDb();
  return db.transaction(async (tx) => {
    const row = await requireRow(tx, projectId, ruleId);
    const before = definitionOf(row);
    if (before.enabled === enabled) return { rule: toAdminRule(row), changed: false };
    const after = { ...before, enabled };
    await save(tx, projectId, ruleId, after);
    await audit(tx, viewer, projectId, enabled ? 'alert_rule.enabled' : 'alert_rule.disabled', after, {
      before: { enabled: before.enabled },
      after: { enabled },
    });
    return { rule: { ...toAdminRule(row), rule: after }, changed: true };
  });
}

/** Puts a default rule back as shipped; whether it is enabled stays as it is. */
export async function resetRule(
  viewer: Member | null,
  projectId: string,
  ruleId: string,
): Promise<{ rule: AdminRule; changed: boolean }> {
  assertAdmin(viewer, projectId, 'reset alert rules');
  const db = await getDb();
  return db.transaction(async (tx) => {
    const row = await requireRow(tx, projectId, ruleId);
    const shipped = DEFAULT_RULES.find((r) => r.key === row.key);
    if (!shipped)
      throw new AppError('bad_request', 'Only default rules can be reset; edit or delete a custom rule.');
    const before = definitionOf(row);
    const after: Rule = { ...structuredClone(shipped), enabled: row.enabled };
    const change = diffRules(before, after);
    if (!hasChanges(change)) return { rule: toAdminRule(row), changed: false };
    await save(tx, projectId, ruleId, after);
    await audit(tx, viewer, projectId, 'alert_rule.reset', after, change);
    return { rule: { ...toAdminRule(row), rule: after }, changed: true };
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
    const [firing] = await tx
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
    // Deleting it now would leave its pages (PagerDuty incidents included) open for good.
    if (firing)
      throw new AppError(
        'conflict',
        'This rule has an alert firing: disable the rule first (the next cron run resolves the alert and tells its channels), then delete it.',
      );
    const before = definitionOf(row);
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
