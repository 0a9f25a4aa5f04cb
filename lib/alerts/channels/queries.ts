import 'server-only';
import { and, asc, eq } from 'drizzle-orm';
import { getDb, type Db } from '@/db/client';
import { notificationChannels, type NotificationChannelRow } from '@/db/schema';
import type { ChannelKind, Severity } from '../engine/types';
import { channelsFromEnv, toConfiguredChannel, type ConfiguredChannel } from './configured';
import { channelFormValues, channelView, type ChannelView } from './schema';

/** Reads of notification channels: the settings UI's (secrets never leave as-is) and the cron's. */

/** A channel as the UI may show it: its config only as a `ChannelView`, never its secrets. */
export type AdminChannel = {
  /** `env:<type>` for a channel from the environment, else the stored row's id. */
  id: string;
  source: 'env' | 'settings';
  name: string;
  type: ChannelKind;
  view: ChannelView;
  severities: Severity[];
  sendResolved: boolean;
  enabled: boolean;
  /** Non-secret fields that refill the edit form. */
  formValues: Record<string, string>;
  /** Whether a webhook has a signing secret (kept when the field is left blank). */
  hasSecret: boolean;
};

export function toAdminChannel(row: NotificationChannelRow): AdminChannel {
  return {
    id: row.id,
    source: 'settings',
    name: row.name,
    type: row.type,
    view: channelView(row.config),
    severities: [...row.severities],
    sendResolved: row.sendResolved,
    enabled: row.enabled,
    formValues: channelFormValues(row.config),
    hasSecret: row.config.type === 'webhook' && Boolean(row.config.secret),
  };
}

/** The channels configured in the environment, read-only, for every project. */
export function listEnvChannels(): AdminChannel[] {
  return channelsFromEnv().map((c) => ({
    id: c.id,
    source: 'env',
    name: c.name,
    type: c.kind,
    view: channelView(c.config),
    severities: [...(c.severities ?? [])],
    sendResolved: c.sendResolved ?? true,
    enabled: true,
    formValues: {},
    hasSecret: c.config.type === 'webhook' && Boolean(c.config.secret),
  }));
}

/** Every channel of one project (enabled or not), oldest first, for the settings UI. */
export async function listChannels(projectId: string): Promise<AdminChannel[]> {
  const db = await getDb();
  const rows = await db
    .select()
    .from(notificationChannels)
    .where(eq(notificationChannels.projectId, projectId))
    .orderBy(asc(notificationChannels.createdAt));
  return rows.map(toAdminChannel);
}

export async function getChannel(projectId: string, channelId: string): Promise<AdminChannel | null> {
  const db = await getDb();
  const row = await findChannelRow(db, projectId, channelId);
  return row ? toAdminChannel(row) : null;
}

export async function findChannelRow(
  db: Db,
  projectId: string,
  channelId: string,
): Promise<NotificationChannelRow | null> {
  const [row] = await db
    .select()
    .from(notificationChannels)
    .where(and(eq(notificationChannels.projectId, projectId), eq(notificationChannels.id, channelId)))
    .limit(1);
  return row ?? null;
}

/** Enabled channels of every project, keyed by project id (one read per cron run). */
export async function loadEnabledChannelsByProject(): Promise<Map<string, ConfiguredChannel[]>> {
  const db = await getDb();
  const rows = await db
    .select()
    .from(notificationChannels)
    .where(eq(notificationChannels.enabled, true))
    .orderBy(asc(notificationChannels.projectId), asc(notificationChannels.createdAt));
  const out = new Map<string, ConfiguredChannel[]>();
  for (const row of rows) {
    const list = out.get(row.projectId);
    if (list) list.push(toConfiguredChannel(row));
    else out.set(row.projectId, [toConfiguredChannel(row)]);
  }
  return out;
}
