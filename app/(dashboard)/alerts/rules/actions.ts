'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { validatedAction, type ActionOk } from '@/lib/actions/validated-action';
import { createRule, deleteRule, resetRule, setRuleEnabled, updateRule } from '@/lib/alerts/rule-admin';
import {
  createRuleSchema,
  ruleRefSchema,
  setRuleEnabledSchema,
  updateRuleSchema,
} from '@/lib/alerts/rule-schema';
import { getViewer } from '@/lib/auth/viewer';
import { getProjectById } from '@/lib/projects/queries';

const RULES_PATH = '/alerts/rules';

/** Back to the list, which names the saved rule. */
async function backToList(projectId: string, ruleId: string): Promise<never> {
  const project = await getProjectById(projectId);
  const query = new URLSearchParams({ ...(project ? { project: project.slug } : {}), saved: ruleId });
  redirect(`${RULES_PATH}?${query.toString()}`);
}

export const createRuleAction = validatedAction(
  createRuleSchema,
  async ({ projectId, fields }): Promise<ActionOk> => {
    const created = await createRule(await getViewer(), projectId, fields);
    revalidatePath(RULES_PATH);
    return backToList(projectId, created.id);
  },
);

export const updateRuleAction = validatedAction(
  updateRuleSchema,
  async ({ projectId, ruleId, fields }): Promise<ActionOk> => {
    await updateRule(await getViewer(), projectId, ruleId, fields);
    revalidatePath(RULES_PATH);
    return backToList(projectId, ruleId);
  },
);

export const setRuleEnabledAction = validatedAction(
  setRuleEnabledSchema,
  async ({ projectId, ruleId, enabled }) => {
    const { rule } = await setRuleEnabled(await getViewer(), projectId, ruleId, enabled);
    revalidatePath(RULES_PATH);
    return { ok: `${enabled ? 'Enabled' : 'Disabled'} “${rule.rule.name}”.` };
  },
);

export const resetRuleAction = validatedAction(ruleRefSchema, async ({ projectId, ruleId }) => {
  const { rule, changed } = await resetRule(await getViewer(), projectId, ruleId);
  revalidatePath(RULES_PATH);
  return {
    ok: changed ? `Reset “${rule.rule.name}” to default.` : `“${rule.rule.name}” already is as shipped.`,
  };
});

export const deleteRuleAction = validatedAction(ruleRefSchema, async ({ projectId, ruleId }) => {
  const deleted = await deleteRule(await getViewer(), projectId, ruleId);
  revalidatePath(RULES_PATH);
  return { ok: `Deleted “${deleted.name}”.` };
});
