'use server';

import { revalidatePath } from 'next/cache';
import type { ModelPrice } from '@/db/schema';
import { validatedAction } from '@/lib/actions/validated-action';
import { recordAudit } from '@/lib/audit/record';
import { actorOf, requireAdminTo } from '@/lib/auth/viewer';
import { createApiKey } from '@/lib/settings/create-api-key';
import { createProject } from '@/lib/settings/create-project';
import { deleteModelPrice } from '@/lib/settings/delete-model-price';
import { revokeApiKey } from '@/lib/settings/revoke-api-key';
import {
  createApiKeySchema,
  createProjectSchema,
  deleteModelPriceSchema,
  modelPriceSchema,
  revokeApiKeySchema,
  setDailyBudgetSchema,
  setStatusPageSchema,
} from '@/lib/settings/schema';
import { setDailyBudget } from '@/lib/settings/set-daily-budget';
import { setStatusPage } from '@/lib/settings/set-status-page';
import { upsertModelPrice } from '@/lib/settings/upsert-model-price';

const pricesOf = (p: ModelPrice) => ({
  input: p.inputPerMTok,
  output: p.outputPerMTok,
  cacheRead: p.cacheReadPerMTok,
  cacheWrite: p.cacheWritePerMTok,
});

export const createProjectAction = validatedAction(createProjectSchema, async (input) => {
  const viewer = await requireAdminTo('create projects');
  const project = await createProject(input);
  await recordAudit({
    projectId: project.id,
    actor: actorOf(viewer),
    action: 'project.create',
    target: project.slug,
    details: { name: project.name },
  });
  revalidatePath('/settings');
  return { ok: `Created project "${project.name}".`, slug: project.slug };
});

export const createApiKeyAction = validatedAction(createApiKeySchema, async ({ projectId, ...input }) => {
  const viewer = await requireAdminTo('create API keys');
  const created = await createApiKey(projectId, input);
  await recordAudit({
    projectId,
    actor: actorOf(viewer),
    action: 'api_key.create',
    target: created.name,
    details: { keyId: created.id, scopes: created.scopes },
  });
  revalidatePath('/settings');
  return { ok: `Created key "${created.name}".`, name: created.name, key: created.key };
});

export const revokeApiKeyAction = validatedAction(revokeApiKeySchema, async ({ projectId, keyId }) => {
  const viewer = await requireAdminTo('revoke API keys');
  const revoked = await revokeApiKey(projectId, keyId);
  await recordAudit({
    projectId,
    actor: actorOf(viewer),
    action: 'api_key.revoke',
    target: revoked.name,
    details: { keyId: revoked.id },
  });
  revalidatePath('/settings');
  return { ok: `Revoked key "${revoked.name}".` };
});

export const upsertModelPriceAction = validatedAction(modelPriceSchema, async ({ projectId, ...input }) => {
  const viewer = await requireAdminTo('change model prices');
  const { price, previous } = await upsertModelPrice(projectId, input);
  await recordAudit({
    projectId,
    actor: actorOf(viewer),
    action: 'model_price.upsert',
    target: price.model,
    details: { ...pricesOf(price), ...(previous ? { previous: pricesOf(previous) } : {}) },
  });
  revalidatePath('/settings');
  return { ok: `${previous ? 'Updated' : 'Added'} the price of "${price.model}".` };
});

export const deleteModelPriceAction = validatedAction(
  deleteModelPriceSchema,
  async ({ projectId, model }) => {
    const viewer = await requireAdminTo('delete model prices');
    const deleted = await deleteModelPrice(projectId, model);
    await recordAudit({
      projectId,
      actor: actorOf(viewer),
      action: 'model_price.delete',
      target: deleted.model,
      details: pricesOf(deleted),
    });
    revalidatePath('/settings');
    return { ok: `Deleted the price override of "${deleted.model}".` };
  },
);

export const setStatusPageAction = validatedAction(setStatusPageSchema, async ({ projectId, enabled }) => {
  const viewer = await requireAdminTo('turn status pages on or off');
  const result = await setStatusPage(projectId, enabled);
  if (result.changed) {
    await recordAudit({
      projectId,
      actor: actorOf(viewer),
      action: enabled ? 'status_page.enabled' : 'status_page.disabled',
      target: result.slug,
    });
  }
  revalidatePath('/settings');
  const what = `The public status page of "${result.name}"`;
  if (!result.changed) return { ok: `${what} already was ${enabled ? 'on' : 'off'}.` };
  return { ok: `${what} is now ${enabled ? 'on' : 'off'}.` };
});

export const setDailyBudgetAction = validatedAction(
  setDailyBudgetSchema,
  async ({ projectId, dailyBudgetUsd }) => {
    const viewer = await requireAdminTo('set daily budgets');
    const result = await setDailyBudget(projectId, dailyBudgetUsd ?? null);
    if (result.before !== result.after) {
      await recordAudit({
        projectId,
        actor: actorOf(viewer),
        action: 'daily_budget.set',
        target: result.slug,
        details: { before: result.before, after: result.after },
      });
    }
    revalidatePath('/settings');
    return {
      ok:
        result.after === null
          ? `"${result.name}" has no daily budget now.`
          : `The daily budget of "${result.name}" is now $${result.after}.`,
    };
  },
);
