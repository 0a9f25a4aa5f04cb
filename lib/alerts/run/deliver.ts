import 'server-only';
import { and, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { describeError } from '@/db/errors';
import { alertInstances, notificationDeliveries } from '@/db/schema';
import { env } from '@/lib/env';
import {
  deliver,
  deliverDigest,
  nextAttemptAt,
  shouldGiveUp,
  type AlertNotification,
  type DeliveryResult,
  type DigestNotification,
} from '../channels';
import { reachPolicyFor } from '../channels/policy';
import type { ConfiguredChannel } from '../channels/configured';
import type { Rule } from '../engine/types';
import { mapLimit } from './evaluate';
import { digestItems, firingStart, listDueDeliveries, type DueDelivery } from './queries';

/** A claimed delivery whose run died is retried after this lease. */
const CLAIM_LEASE_MS = 5 * 60_000;
const DUE_BATCH = 500;
const SEND_CONCURRENCY = 8;

export type DeliverSummary = { notificationsSent: number; notificationsFailed: number };

/** Sends every due delivery through its channel, a few at a time. `channelsFor` answers a project's channels. */
export async function sendDue(
  now: Date,
  channelsOf: (projectId: string) => ConfiguredChannel[],
  log: (event: string, fields: Record<string, unknown>) => void,
  only: readonly string[] | null = null,
): Promise<DeliverSummary> {
  const summary: DeliverSummary = { notificationsSent: 0, notificationsFailed: 0 };
  const due = await listDueDeliveries(now, only, DUE_BATCH);
  await mapLimit(due, SEND_CONCURRENCY, async (row) => {
    try {
      const channel = channelsOf(row.projectId).find((c) => c.id === row.channel);
      const outcome = await sendOne(row, channel, now, log);
      if (outcome === 'sent') summary.notificationsSent++;
      else if (outcome === 'failed') summary.notificationsFailed++;
    } catch (error) {
      summary.notificationsFailed++;
      log('alerts_delivery_error', {
        projectId: row.projectId,
        deliveryId: row.id,
        error: describeError(error),
      });
    }
  });
  return summary;
}

async function sendOne(
  row: DueDelivery,
  channel: ConfiguredChannel | undefined,
  now: Date,
  log: (event: string, fields: Record<string, unknown>) => void,
): Promise<'sent' | 'failed' | 'skipped'> {
  const db = await getDb();
  const key = and(eq(notificationDeliveries.projectId, row.projectId), eq(notificationDeliveries.id, row.id));
  const attempt = row.attempt + 1;
  if (!channel || (row.kind !== 'digest' && row.ruleId === null)) {
    await db
      .update(notificationDeliveries)
      .set({
        status: 'failed',
        lastError: channel
          ? 'the alert rule no longer exists'
          : `channel ${row.channel} is no longer configured`,
        nextAttemptAt: null,
      })
      .where(and(key, eq(notificationDeliveries.status, 'pending')));
    return 'failed';
  }
  // Claim: only the run that moves the attempt counter from the value it read may send.
  const claimed = await db
    .update(notificationDeliveries)
    .set({ attempt, nextAttemptAt: new Date(now.getTime() + CLAIM_LEASE_MS) })
    .where(
      and(key, eq(notificationDeliveries.status, 'pending'), eq(notificationDeliveries.attempt, row.attempt)),
    )
    .returning({ id: notificationDeliveries.id });
  if (claimed.length === 0) return 'skipped';

  let result: DeliveryResult;
  let kind: AlertNotification['kind'] | 'digest';
  const opts = { reach: reachPolicyFor(channel.id) };
  if (row.kind === 'digest') {
    kind = 'digest';
    result = await deliverDigest(
      channel.config,
      await buildDigest(row.projectId, row.digestDay!, { slug: row.projectSlug, name: row.projectName }),
      opts,
    );
  } else {
    const notification = await buildNotification(row);
    kind = notification.kind;
    result = await deliver(channel.config, notification, opts);
  }
  if (result.ok) {
    await db
      .update(notificationDeliveries)
      .set({
        status: 'sent',
        sentAt: now,
        responseStatus: result.status ?? null,
        lastError: null,
        nextAttemptAt: null,
      })
      .where(key);
    if (row.ruleId !== null && row.groupKey !== null)
      await db
        .update(alertInstances)
        .set({ lastNotifiedAt: now })
        .where(
          and(
            eq(alertInstances.projectId, row.projectId),
            eq(alertInstances.ruleId, row.ruleId),
            eq(alertInstances.groupKey, row.groupKey),
          ),
        );
    return 'sent';
  }
  const giveUp = shouldGiveUp({
    kind,
    // Counted from when this delivery was queued: a repeat a day into an incident gets its own 24 h.
    firstAttemptAt: row.createdAt,
    now,
    retryable: result.retryable,
  });
  await db
    .update(notificationDeliveries)
    .set({
      status: giveUp ? 'failed' : 'pending',
      lastError: result.error ?? 'delivery failed',
      responseStatus: result.status ?? null,
      nextAttemptAt: giveUp ? null : nextAttemptAt(attempt, now),
    })
    .where(key);
  log('alerts_delivery_failed', {
    projectId: row.projectId,
    deliveryId: row.id,
    channel: row.channel,
    attempt,
    giveUp,
    status: result.status ?? null,
    durationMs: result.durationMs,
    error: result.error,
  });
  return 'failed';
}

function links(projectSlug: string, ruleId?: string, groupKey?: string) {
  const base = new URL(env.PUBLIC_URL);
  const dashboard = new URL('/', base);
  dashboard.searchParams.set('project', projectSlug);
  const alert = new URL('/alerts', base);
  alert.searchParams.set('project', projectSlug);
  if (ruleId) alert.searchParams.set('rule', ruleId);
  if (groupKey) alert.searchParams.set('group', groupKey);
  return { dashboard: dashboard.toString(), alert: alert.toString() };
}

async function buildNotification(row: DueDelivery): Promise<AlertNotification> {
  const ruleId = row.ruleId!;
  const groupKey = row.groupKey ?? '';
  const at = row.at!;
  const kind: AlertNotification['kind'] =
    row.kind === 'resolved' ? 'resolved' : row.kind === 'repeat' ? 'repeat' : 'firing';
  const startedAt =
    kind === 'resolved' ? ((await firingStart(row.projectId, ruleId, groupKey, at)) ?? at) : at;
  return {
    kind,
    ruleKey: row.ruleKey!,
    ruleName: row.ruleName!,
    severity: row.severity!,
    state: kind === 'resolved' ? 'resolved' : 'firing',
    value: row.value,
    threshold: row.threshold,
    window: windowOf(row.definition!),
    group: groupKey === '' ? null : groupKey,
    startedAt: startedAt.toISOString(),
    ...(kind === 'resolved' ? { resolvedAt: at.toISOString() } : {}),
    dedupKey: `${row.projectId}:${ruleId}:${groupKey}`,
    links: links(row.projectSlug, ruleId, groupKey),
    project: { slug: row.projectSlug, name: row.projectName },
  };
}

/** A project's digest of a UTC day: its incidents (P1-P3) and its P4 alerts, active that day. */
export async function buildDigest(
  projectId: string,
  day: string,
  project: { slug: string; name: string },
): Promise<DigestNotification> {
  const items = (await digestItems(day, projectId)).get(projectId) ?? [];
  const alerts = new URL('/alerts', new URL(env.PUBLIC_URL));
  alerts.searchParams.set('project', project.slug);
  return {
    day,
    project,
    lowPriority: items.filter((i) => i.severity === 'P4'),
    incidents: items.filter((i) => i.severity !== 'P4'),
    links: { alerts: alerts.toString() },
  };
}

function windowOf(rule: Rule): string | null {
  switch (rule.kind) {
    case 'threshold':
    case 'change':
      return duration(rule.windowMs);
    case 'consecutive':
      return duration(rule.withinMs);
    case 'budget':
      return '1d';
    case 'health':
      return null;
  }
}

function duration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}
