import 'server-only';
import { getDb } from '@/db/client';
import { env } from '@/lib/env';
import { DIGEST_CHANNEL_KINDS } from '../channels';
import { channelsFor } from '../engine/routing';
import { digestDayDue, dueNotification } from '../engine/schedule';
import { isSilenced } from '../engine/silence';
import { queueDeliveries, type DeliveryToQueue } from './queue';
import { inRun, projectChannels, type RunContext } from './context';
import { digestItems, listFiringToRepeat, projectsWithDigestQueued } from './queries';
import { claimShared, isSharedRule, listSharedOwners, ownedByOther, type SharedOwners } from './shared';
import { isInstallationChannel } from '../channels/configured';

/**
 * Queues the notifications of alerts that keep firing: the first one of an alert that fired while silenced
 * (once the silence is over), and a repeat every repeat interval until it is acknowledged or resolves.
 * One statement finds them; the seq in the delivery's unique key keeps each repeat to one per channel.
 */
export async function queueRepeats(ctx: RunContext): Promise<number> {
  const db = await getDb();
  const rows = await listFiringToRepeat(ctx.now);
  const deliveries: DeliveryToQueue[] = [];
  let owners: SharedOwners | undefined;
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
    let targets = channelsFor(rule.severity, projectChannels(ctx, row.project_id));
    // Installation channels hear a shared dependency's alert from its owner only (claimed now if free).
    if (isSharedRule(rule)) {
      owners ??= await listSharedOwners(db);
      const alert = {
        projectId: row.project_id,
        ruleId: row.rule_id,
        ruleKey: rule.key,
        groupKey: row.group_key,
      };
      const free = targets.some((c) => isInstallationChannel(c.id) && !ownedByOther(owners!, alert, c.id));
      targets = free
        ? await claimShared(db, alert, targets, ctx.now)
        : targets.filter((c) => !isInstallationChannel(c.id));
    }
    for (const channel of targets)
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
  const [items, sent] = await Promise.all([digestItems(day), projectsWithDigestQueued(day)]);
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
