'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { projectAction } from '@/lib/actions/project-action';
import type { ActionOk } from '@/lib/actions/validated-action';
import { createChannel, deleteChannel, setChannelEnabled, updateChannel } from '@/lib/alerts/channels/admin';
import {
  channelRefSchema,
  createChannelSchema,
  setChannelEnabledSchema,
  testChannelSchema,
  updateChannelSchema,
} from '@/lib/alerts/channels/schema';
import { sendTestNotification, type TestOutcome } from '@/lib/alerts/channels/send-test';

const CHANNELS_PATH = '/alerts/channels';

export const createChannelAction = projectAction(
  'admin',
  'add notification channels',
  createChannelSchema,
  async ({ form }, member): Promise<ActionOk> => {
    const created = await createChannel(member, member.projectId, form);
    revalidatePath(CHANNELS_PATH);
    return { ok: `Added channel “${created.name}”.` };
  },
);

export const updateChannelAction = projectAction(
  'admin',
  'edit notification channels',
  updateChannelSchema,
  async ({ channelId, form }, member): Promise<ActionOk> => {
    await updateChannel(member, member.projectId, channelId, form);
    revalidatePath(CHANNELS_PATH);
    const query = new URLSearchParams({ project: member.projectSlug, saved: channelId });
    redirect(`${CHANNELS_PATH}?${query.toString()}`);
  },
);

export const setChannelEnabledAction = projectAction(
  'admin',
  'enable or disable notification channels',
  setChannelEnabledSchema,
  async ({ channelId, enabled }, member) => {
    const { channel } = await setChannelEnabled(member, member.projectId, channelId, enabled);
    revalidatePath(CHANNELS_PATH);
    return { ok: `${enabled ? 'Enabled' : 'Disabled'} “${channel.name}”.` };
  },
);

export const deleteChannelAction = projectAction(
  'admin',
  'delete notification channels',
  channelRefSchema,
  async ({ channelId }, member) => {
    const deleted = await deleteChannel(member, member.projectId, channelId);
    revalidatePath(CHANNELS_PATH);
    return { ok: `Deleted channel “${deleted.name}”.` };
  },
);

/** The outcome of a delivery is data, not a form error: a failed test still answers `ok` with `test.ok` false. */
export const testChannelAction = projectAction(
  'admin',
  'send test notifications',
  testChannelSchema,
  async ({ channelId }, member) => {
    const test: TestOutcome = await sendTestNotification(member, member.projectId, channelId);
    return { ok: describeOutcome(test), test };
  },
);

function describeOutcome(t: TestOutcome): string {
  if (t.ok)
    return `Delivered to “${t.channelName}”${t.status !== undefined ? ` (status ${t.status})` : ''} in ${t.durationMs} ms.`;
  return `Not delivered to “${t.channelName}”: ${t.error ?? 'no answer'}`;
}
