import 'server-only';
import { and, eq } from 'drizzle-orm';
import { getDb, type Db } from '@/db/client';
import { auditLog, notificationChannels, type NotificationChannelRow } from '@/db/schema';
import { actorOf, assertAdmin, type Member } from '@/lib/auth/viewer';
import { AppError } from '@/lib/http/errors';
import { requireProject } from '@/lib/settings/require-project';
import type { ChannelConfig } from './index';
import { channelUrlProblem } from './policy';
import { findChannelRow, toAdminChannel, type AdminChannel } from './queries';
import { buildChannelConfig, changedSecrets, channelUrls, channelView, type ChannelForm } from './schema';

export type ChannelAuditAction = 'channel.created' | 'channel.updated' | 'channel.deleted' | 'channel.tested';

/** What the audit log keeps of a channel: no secret, only what `channelView` shows. */
function auditView(
  row: Pick<NotificationChannelRow, 'name' | 'type' | 'config' | 'severities' | 'sendResolved' | 'enabled'>,
) {
  const view = channelView(row.config);
  return {
    name: row.name,
    type: row.type,
    target: view.target,
    details: view.details,
    severities: row.severities,
    sendResolved: row.sendResolved,
    enabled: row.enabled,
  };
}

export async function auditChannel(
  db: Db,
  viewer: Member,
  projectId: string,
  action: ChannelAuditAction,
  name: string,
  details: Record<string, unknown>,
) {
  await db.insert(auditLog).values({ projectId, actor: actorOf(viewer), action, target: name, details });
}

/** A URL (new or kept) that reaches a loopback, link-local or private address is refused, naming the fix. */
async function assertReachable(config: ChannelConfig): Promise<void> {
  for (const { label, url, protocols } of channelUrls(config)) {
    const problem = await channelUrlProblem(url, label, protocols);
    if (problem) throw new AppError('bad_request', problem);
  }
}

async function requireRow(db: Db, projectId: string, channelId: string): Promise<NotificationChannelRow> {
  const row = await findChannelRow(db, projectId, channelId);
  if (!row)
    throw new AppError(
      'not_found',
      'This project has no such channel; it may have been deleted. Reload the page.',
    );
  return row;
}

export async function createChannel(
  viewer: Member | null,
  projectId: string,
  form: ChannelForm,
): Promise<AdminChannel> {
  assertAdmin(viewer, projectId, 'add notification channels');
  const config = buildChannelConfig(form, null);
  await assertReachable(config);
  const db = await getDb();
  await requireProject(db, projectId);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(notificationChannels)
      .values({
        projectId,
        name: form.name,
        type: form.type,
        config,
        severities: form.severities,
        sendResolved: form.sendResolved,
        enabled: form.enabled,
      })
      .returning();
    await auditChannel(tx, viewer, projectId, 'channel.created', row!.name, {
      id: row!.id,
      after: auditView(row!),
    });
    return toAdminChannel(row!);
  });
}

/** Saves an edit; secret fields left blank keep their stored values. */
export async function updateChannel(
  viewer: Member | null,
  projectId: string,
  channelId: string,
  form: ChannelForm,
): Promise<{ channel: AdminChannel; changed: boolean }> {
  assertAdmin(viewer, projectId, 'edit notification channels');
  const db = await getDb();
  return db.transaction(async (tx) => {
    const row = await requireRow(tx, projectId, channelId);
    const config = buildChannelConfig(form, row.config);
    await assertReachable(config);
    const next = {
      name: form.name,
      type: form.type,
      config,
      severities: form.severities,
      sendResolved: form.sendResolved,
      enabled: form.enabled,
    };
    return saveChange(tx, viewer, row, next);
  });
}

export async function setChannelEnabled(
  viewer: Member | null,
  projectId: string,
  channelId: string,
  enabled: boolean,
): Promise<{ channel: AdminChannel; changed: boolean }> {
  assertAdmin(viewer, projectId, `${enabled ? 'enable' : 'disable'} notification channels`);
  const db = await getDb();
  return db.transaction(async (tx) =>
    saveChange(tx, viewer, await requireRow(tx, projectId, channelId), { enabled }),
  );
}

async function saveChange(
  db: Db,
  viewer: Member,
  row: NotificationChannelRow,
  patch: Partial<
    Pick<NotificationChannelRow, 'name' | 'type' | 'config' | 'severities' | 'sendResolved' | 'enabled'>
  >,
): Promise<{ channel: AdminChannel; changed: boolean }> {
  const nextRow = { ...row, ...patch };
  const before = auditView(row);
  const after = auditView(nextRow);
  const secrets = changedSecrets(row.config, nextRow.config);
  const changedFields = (Object.keys(after) as (keyof typeof after)[]).filter(
    (field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]),
  );
  if (changedFields.length === 0 && secrets.length === 0)
    return { channel: toAdminChannel(row), changed: false };
  const [saved] = await db
    .update(notificationChannels)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(notificationChannels.projectId, row.projectId), eq(notificationChannels.id, row.id)))
    .returning();
  await auditChannel(db, viewer, row.projectId, 'channel.updated', saved!.name, {
    id: row.id,
    before: Object.fromEntries(changedFields.map((f) => [f, before[f]])),
    after: Object.fromEntries(changedFields.map((f) => [f, after[f]])),
    ...(secrets.length > 0 ? { secretsChanged: secrets } : {}),
  });
  return { channel: toAdminChannel(saved!), changed: true };
}

/** Deletes a settings channel. Its past deliveries stay as history under `db:<id>`. */
export async function deleteChannel(
  viewer: Member | null,
  projectId: string,
  channelId: string,
): Promise<AdminChannel> {
  assertAdmin(viewer, projectId, 'delete notification channels');
  const db = await getDb();
  return db.transaction(async (tx) => {
    const row = await requireRow(tx, projectId, channelId);
    await tx
      .delete(notificationChannels)
      .where(and(eq(notificationChannels.projectId, projectId), eq(notificationChannels.id, channelId)));
    await auditChannel(tx, viewer, projectId, 'channel.deleted', row.name, {
      id: row.id,
      before: auditView(row),
    });
    return toAdminChannel(row);
  });
}
