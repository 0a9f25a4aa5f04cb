import type { AlertRuleRow } from '@/db/schema';
import type { Rule } from '../engine/types';

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

/** The definition alone, without the row's id and project (what the audit log and `diffRules` compare). */
export function definitionOf(rule: StoredRule): Rule {
  const copy: Partial<StoredRule> = { ...rule };
  delete copy.id;
  delete copy.projectId;
  return copy as Rule;
}
