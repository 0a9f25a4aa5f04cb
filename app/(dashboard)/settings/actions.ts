'use server';

import { revalidatePath } from 'next/cache';
import type { ModelPrice } from '@/db/schema';
import { creatorAction, projectAction } from '@/lib/actions/project-action';
import { recordAudit } from '@/lib/audit/record';
import { actorOf } from '@/lib/auth/viewer';
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
  setStatusFramingSchema,
  setStatusPageSchema,
} from '@/lib/settings/schema';
import { setDailyBudget } from '@/lib/settings/set-daily-budget';
import { setStatusPage, setStatusPageFramable } from '@/lib/settings/set-status-page';
import { forgetStatusFraming } from '@/lib/status/framing';
import { upsertModelPrice } from '@/lib/settings/upsert-model-price';

const pricesOf = (p: ModelPrice) => ({
  input: p.inputPerMTok,
  output: p.outputPerMTok,
  cacheRead: p.cacheReadPerMTok,
  cacheWrite: p.cacheWritePerMTok,
});

export const createProjectAction = creatorAction(createProjectSchema, async (input, viewer) => {
  // An organization admin's project joins their (known) organization; an installation admin's joins the
  // active organization, known or not: that is how an installation admin lets a new organization in.
  const project = await createProject({
    ...input,
    orgId: viewer.installRole === 'admin' ? viewer.activeOrgId : viewer.orgId,
  });
  await recordAudit({
    projectId: project.id,
    actor: actorOf(viewer),
    action: 'project.create',
    target: project.slug,
    details: { name: project.name, ...(project.orgId ? { orgId: project.orgId } : {}) },
  });
  revalidatePath('/settings');
  return { ok: `Created project "${project.name}".`, slug: project.slug };
});

export const createApiKeyAction = projectAction(
  'admin',
  'create API keys',
  createApiKeySchema,
  async (input, viewer) => {
    const { projectId } = viewer;
    const created = await createApiKey(projectId, input);
    await recordAudit({
      projectId,
      actor: actorOf(viewer),
      action: 'api_key.create',
      target: created.name,
      details: {
        keyId: created.id,
        scopes: created.scopes,
        kind: created.kind,
        ...(created.kind === 'browser' ? { allowedOrigins: created.allowedOrigins } : {}),
      },
    });
    revalidatePath('/settings');
    return { ok: `Created key "${created.name}".`, name: created.name, key: created.key, kind: created.kind };
  },
);

export const revokeApiKeyAction = projectAction(
  'admin',
  'revoke API keys',
  revokeApiKeySchema,
  async ({ keyId }, viewer) => {
    const { projectId } = viewer;
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
  },
);

export const upsertModelPriceAction = projectAction(
  'admin',
  'change model prices',
  modelPriceSchema,
  async (input, viewer) => {
    const { projectId } = viewer;
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
  },
);

export const deleteModelPriceAction = projectAction(
  'admin',
  'delete model prices',
  deleteModelPriceSchema,
  async ({ model }, viewer) => {
    const { projectId } = viewer;
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

export const setStatusPageAction = projectAction(
  'admin',
  'turn status pages on or off',
  setStatusPageSchema,
  async ({ enabled }, viewer) => {
    const { projectId } = viewer;
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
  },
);

export const setDailyBudgetAction = projectAction(
  'admin',
  'set daily budgets',
  setDailyBudgetSchema,
  async ({ dailyBudgetUsd }, viewer) => {
    const { projectId } = viewer;
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

export const setStatusFramingAction = projectAction(
  'admin',
  'let other sites embed the status page',
  setStatusFramingSchema,
  async ({ framable }, viewer) => {
    const result = await setStatusPageFramable(viewer.projectId, framable);
    if (result.changed) {
      forgetStatusFraming();
      await recordAudit({
        projectId: viewer.projectId,
        actor: actorOf(viewer),
        action: framable ? 'status_page.framing_allowed' : 'status_page.framing_refused',
        target: result.slug,
      });
    }
    revalidatePath('/settings');
    return {
      ok: framable
        ? `Other sites may now embed the status page of "${result.name}" (in this server within 15 s).`
        : `Other sites may no longer embed the status page of "${result.name}".`,
    };
  },
);
