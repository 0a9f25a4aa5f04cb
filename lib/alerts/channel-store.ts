import 'server-only';
import { asc, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { notificationChannels, type NotificationChannelRow } from '@/db/schema';
import type { ConfiguredChannel } from './channels-from-env';

/** Prefix of the channel id stored on deliveries for a channel configured in the settings UI. */
export const DB_CHANNEL_PREFIX = 'db:';

/** The routing channel of a stored row: id `db:<uuid>`, its own severities and `send resolved`. */
export function toConfiguredChannel(row: NotificationChannelRow): ConfiguredChannel {
  return {
    id: `${DB_CHANNEL_PREFIX}${row.id}`,
    name: row.name,
    kind: row.type,
    severities: [...row.severities],
    sendResolved: row.sendResolved,
    config: row.config,
  };
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

/** Every channel of one project (enabled or not), oldest first, for the settings UI. */
export async function listProjectChannels(projectId: string): Promise<NotificationChannelRow[]> {
  const db = await getDb();
  return db
    .select()
    .from(notificationChannels)
    .where(eq(notificationChannels.projectId, projectId))
    .orderBy(asc(notificationChannels.createdAt));
}
