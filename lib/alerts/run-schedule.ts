import 'server-only';
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { getDb, rawRows } from '@/db/client';
import { notificationDeliveries } from '@/db/schema';
import { env } from '@/lib/env';
import { DIGEST_CHANNEL_KINDS } from './channels';
import { channelsFor } from './engine/routing';
import { digestDayDue, dueNotification } from './engine/schedule';
import { isSilenced } from './engine/silence';
import { queueDeliveries, type DeliveryToQueue } from './delivery-queue';
import { digestItems } from './run-deliver';
import { inRun, projectChannels, type RunContext } from './run-context';

type FiringRow = {
  project_id: string;
  rule_id: string;
  group_key: string;
  since: Date | string;
  transition_id: number | string;
  deliveries: number | string;
  max_seq: number | string;
};

/**
 * Queues the notifications of alerts that keep firing: the first one of an alert that fired while silenced
 * (once the silence is over), and a repeat every repeat interval until it is acknowledged or resolves.
 * One statement finds them; the seq in the delivery's unique key keeps each repeat to one per channel.
 */
export async function queueRepeats(ctx: RunContext): Promise<number> {
  const db = await getDb();
  const rows = await rawRows<FiringRow>(
    db,
    sql`select i.project_id, i.rule_id, i.group_key, i.since, t.id as transition_id,
          count(d.id) as deliveries, coalesce(max(d.seq), -1) as max_seq
        from alert_instances i
        join alert_transitions t on t.project_id = i.project_id and t.rule_id = i.rule_id
          and t.group_key = i.group_key and t.to_state = 'firing' and t.at = i.since
        left join notification_deliveries d on d.project_id = t.project_id and d.transition_id = t.id
        where i.state = 'firing' and i.acknowledged_at is null and i.since <= ${ctx.now.toISOString()}
        group by i.project_id, i.rule_id, i.group_key, i.since, t.id`,
  );
  const deliveries: DeliveryToQueue[] = [];
  for (const row of rows) {
    if (!inRun(ctx, row.project_id)) continue;
    const rule = ctx.rulesById.get(row.rule_id);
    if (!rule) continue;
    if (isSilenced(ctx.silencesByProject.get(row.project_id) ?? [], row.rule_id, row.group_key, ctx.now))
      continue;
    const due = dueNotification({
      firingSince: new Date(row.since),
      deliveries: Number(row.deliveries),
      maxSeq: Number(row.max_seq),
      repeatIntervalMs: rule.repeatIntervalMs,
      now: ctx.now,
    });
    if (!due) continue;
    for (const channel of channelsFor(rule.severity, projectChannels(ctx, row.project_id)))
      deliveries.push({
        projectId: row.project_id,
        transitionId: Number(row.transition_id),
        kind: due.kind,
        seq: due.seq,
        channel: channel.id,
      });
  }
  return queueDeliveries(db, deliveries, ctx.now);
}

/**
 * From ALERT_DIGEST_HOUR_UTC on, queues yesterday's digest for every project that had alerts active that
 * day (fired that day, or still firing from before), once per channel (webhook, Slack, email; every severity: the digest is where P4 alerts are read).
 */
// Yesterday's digest is settled once a run has queued it (or found it queued): later runs of the same day,
// in this process, skip the 30-day scan. Keyed by day and the run's project scope.
const DIGEST_DONE = Symbol.for('chatwatch.alerts.digestDone');
const digestDone = ((globalThis as unknown as Record<symbol, Set<string> | undefined>)[DIGEST_DONE] ??=
  new Set());

export async function queueDigests(
  ctx: RunContext,
  hourUtc: number = env.ALERT_DIGEST_HOUR_UTC,
): Promise<number> {
  const day = digestDayDue(ctx.now, hourUtc);
  if (!day) return 0;
  const memo = `${day}|${ctx.only ? [...ctx.only].sort().join(',') : '*'}`;
  if (digestDone.has(memo)) return 0;
  const db = await getDb();
  const [items, done] = await Promise.all([
    digestItems(day),
    db
      .selectDistinct({ projectId: notificationDeliveries.projectId })
      .from(notificationDeliveries)
      .where(and(isNotNull(notificationDeliveries.digestDay), eq(notificationDeliveries.digestDay, day))),
  ]);
  const sent = new Set(done.map((d) => d.projectId));
  const deliveries: DeliveryToQueue[] = [];
  for (const projectId of items.keys()) {
    if (sent.has(projectId) || !ctx.projects.has(projectId) || !inRun(ctx, projectId)) continue;
    for (const channel of projectChannels(ctx, projectId)) {
      if (!(DIGEST_CHANNEL_KINDS as readonly string[]).includes(channel.kind)) continue;
      deliveries.push({ projectId, kind: 'digest', digestDay: day, channel: channel.id });
    }
  }
  const queued = await queueDeliveries(db, deliveries, ctx.now);
  if (digestDone.size > 100) digestDone.clear();
  digestDone.add(memo);
  return queued;
}
