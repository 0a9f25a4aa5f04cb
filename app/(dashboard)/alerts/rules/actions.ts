'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { projectAction } from '@/lib/actions/project-action';
import type { ActionOk } from '@/lib/actions/validated-action';
import { createRule, deleteRule, resetRule, setRuleEnabled, updateRule } from '@/lib/alerts/rules/admin';
import {
  createRuleSchema,
  ruleRefSchema,
  setRuleEnabledSchema,
  updateRuleSchema,
} from '@/lib/alerts/rules/schema';
import type { Member } from '@/lib/auth/viewer';

const RULES_PATH = '/alerts/rules';

/** Back to the list, which names the saved rule. */
function backToList(member: Member, ruleId: string): never {
  const query = new URLSearchParams({ project: member.projectSlug, saved: ruleId });
  redirect(`${RULES_PATH}?${query.toString()}`);
}

export const createRuleAction = projectAction(
  'admin',
  'add alert rules',
  createRuleSchema,
  async ({ fields }, member): Promise<ActionOk> => {
    const created = await createRule(member, member.projectId, fields);
    revalidatePath(RULES_PATH);
    return backToList(member, created.id);
  },
);

export const updateRuleAction = projectAction(
  'admin',
  'edit alert rules',
  updateRuleSchema,
  async ({ ruleId, fields }, member): Promise<ActionOk> => {
    await updateRule(member, member.projectId, ruleId, fields);
    revalidatePath(RULES_PATH);
    return backToList(member, ruleId);
  },
);

export const setRuleEnabledAction = projectAction(
  'admin',
  'enable or disable alert rules',
  setRuleEnabledSchema,
  async ({ ruleId, enabled }, member) => {
    const { rule } = await setRuleEnabled(member, member.projectId, ruleId, enabled);
    revalidatePath(RULES_PATH);
    return { ok: `${enabled ? 'Enabled' : 'Disabled'} “${rule.name}”.` };
  },
);

export const resetRuleAction = projectAction(
  'admin',
  'reset alert rules',
  ruleRefSchema,
  async ({ ruleId }, member) => {
    const { rule, changed } = await resetRule(member, member.projectId, ruleId);
    revalidatePath(RULES_PATH);
    return {
      ok: changed ? `Reset “${rule.name}” to default.` : `“${rule.name}” already is as shipped.`,
    };
  },
);

export const deleteRuleAction = projectAction(
  'admin',
  'delete alert rules',
  ruleRefSchema,
  async ({ ruleId }, member) => {
    const deleted = await deleteRule(member, member.projectId, ruleId);
    revalidatePath(RULES_PATH);
    return { ok: `Deleted “${deleted.name}”.` };
  },
);
