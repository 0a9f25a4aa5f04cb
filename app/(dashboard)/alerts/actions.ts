'use server';

import { revalidatePath } from 'next/cache';
import { acknowledgeAlert } from '@/lib/alerts/acknowledge';
import { acknowledgeSchema, createSilenceSchema, endSilenceSchema, silenceEnd } from '@/lib/alerts/schema';
import { createSilence, endSilence } from '@/lib/alerts/silences';
import { validatedAction } from '@/lib/actions/validated-action';
import { getViewer, requireAdminTo, type Viewer } from '@/lib/auth/viewer';
import { AppError } from '@/lib/http/errors';

async function signedIn(): Promise<Viewer> {
  const viewer = await getViewer();
  if (!viewer) throw new AppError('unauthorized', 'Your session has ended; sign in again.');
  return viewer;
}

export const acknowledgeAlertAction = validatedAction(
  acknowledgeSchema,
  async ({ projectId, ruleId, groupKey }) => {
    const viewer = await signedIn();
    const ack = await acknowledgeAlert(projectId, ruleId, groupKey, viewer);
    revalidatePath('/alerts');
    return { ok: `Acknowledged "${ack.ruleName}": repeat notifications stop until it fires again.` };
  },
);

export const createSilenceAction = validatedAction(
  createSilenceSchema,
  async ({ projectId, until, ...input }) => {
    const viewer = await requireAdminTo('create silences');
    const now = new Date();
    const { silence, scope } = await createSilence(
      projectId,
      { ...input, endsAt: silenceEnd(until, now) },
      viewer,
      now,
    );
    revalidatePath('/alerts');
    return {
      ok: `Silenced ${scope} until ${silence.endsAt.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    };
  },
);

export const endSilenceAction = validatedAction(endSilenceSchema, async ({ projectId, silenceId }) => {
  const viewer = await requireAdminTo('end silences');
  const { scope } = await endSilence(projectId, silenceId, viewer);
  revalidatePath('/alerts');
  return { ok: `Ended the silence of ${scope}.` };
});
