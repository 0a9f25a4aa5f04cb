'use server';

import { revalidatePath } from 'next/cache';
import { acknowledgeAlert } from '@/lib/alerts/view/acknowledge';
import {
  acknowledgeSchema,
  createSilenceSchema,
  endSilenceSchema,
  silenceEnd,
} from '@/lib/alerts/view/schema';
import { createSilence, endSilence } from '@/lib/alerts/view/silences';
import { projectAction } from '@/lib/actions/project-action';

export const acknowledgeAlertAction = projectAction(
  'viewer',
  'acknowledge alerts',
  acknowledgeSchema,
  async ({ ruleId, groupKey }, member) => {
    const ack = await acknowledgeAlert(member.projectId, ruleId, groupKey, member);
    revalidatePath('/alerts');
    return { ok: `Acknowledged "${ack.ruleName}": repeat notifications stop until it fires again.` };
  },
);

export const createSilenceAction = projectAction(
  'admin',
  'create silences',
  createSilenceSchema,
  async ({ until, ...input }, member) => {
    const now = new Date();
    const { silence, scope } = await createSilence(
      member.projectId,
      { ...input, endsAt: silenceEnd(until, now) },
      member,
      now,
    );
    revalidatePath('/alerts');
    return {
      ok: `Silenced ${scope} until ${silence.endsAt.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    };
  },
);

export const endSilenceAction = projectAction(
  'admin',
  'end silences',
  endSilenceSchema,
  async ({ silenceId }, member) => {
    const { scope } = await endSilence(member.projectId, silenceId, member);
    revalidatePath('/alerts');
    return { ok: `Ended the silence of ${scope}.` };
  },
);
