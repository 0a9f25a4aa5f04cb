'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { validatedAction, type ActionOk } from '@/lib/actions/validated-action';
import { createChannel, deleteChannel, setChannelEnabled, updateChannel } from '@/lib/alerts/channel-admin';
import {
  channelRefSchema,
  createChannelSchema,
  setChannelEnabledSchema,
  testChannelSchema,
  updateChannelSchema,
} from '@/lib/alerts/channel-schema';
import { sendTestNotification, type TestOutcome } from '@/lib/alerts/send-test';
import { getViewer } from '@/lib/auth/viewer';
import { getProjectById } from '@/lib/projects/queries';

const CHANNELS_PATH = '/alerts/channels';

export const createChannelAction = validatedAction(
  createChannelSchema,
  async ({ projectId, form }): Promise<ActionOk> => {
    const created = await createChannel(await getViewer(), projectId, form);
    revalidatePath(CHANNELS_PATH);
    return { ok: `Added channel “${created.name}”.` };
  },
);

export const updateChannelAction = validatedAction(
  updateChannelSchema,
  async ({ projectId, channelId, form }): Promise<ActionOk> => {
    await updateChannel(await getViewer(), projectId, channelId, form);
    revalidatePath(CHANNELS_PATH);
    const project = await getProjectById(projectId);
    const query = new URLSearchParams({ ...(project ? { project: project.slug } : {}), saved: channelId });
    redirect(`${CHANNELS_PATH}?${query.toString()}`);
  },
);

export const setChannelEnabledAction = validatedAction(
  setChannelEnabledSchema,
  async ({ projectId, channelId, enabled }) => {
    const { channel } = await setChannelEnabled(await getViewer(), projectId, channelId, enabled);
    revalidatePath(CHANNELS_PATH);
    return { ok: `${enabled ? 'Enabled' : 'Disabled'} “${channel.name}”.` };
  },
);

export const deleteChannelAction = validatedAction(channelRefSchema, async ({ projectId, channelId }) => {
  const deleted = await deleteChannel(await getViewer(), projectId, channelId);
  revalidatePath(CHANNELS_PATH);
  return { ok: `Deleted channel “${deleted.name}”.` };
});

/** The outcome of a delivery is data, not a form error: a failed test still answers `ok` with `test.ok` false. */
export const testChannelAction = validatedAction(testChannelSchema, async ({ projectId, channelId }) => {
  const test: TestOutcome = await sendTestNotification(await getViewer(), projectId, channelId);
  return { ok: describeOutcome(test), test };
});

function describeOutcome(t: TestOutcome): string {
  if (t.ok)
    return `Delivered to “${t.channelName}”${t.status !== undefined ? ` (status ${t.status})` : ''} in ${t.durationMs} ms.`;
  return `Not delivered to “${t.channelName}”: ${t.error ?? 'no answer'}`;
}
