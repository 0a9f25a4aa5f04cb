import 'server-only';
import { randomUUID } from 'node:crypto';
import { and, asc, eq, lte, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { alertInstances, alertRules, alertTransitions, notificationDeliveries, projects } from '@/db/schema';
import { env } from '@/lib/env';
import { runScheduledHealthChecks } from '@/lib/health/run-health-checks';
import { getKv } from '@/lib/kv';
import { channelsFromEnv, type ConfiguredChannel } from './channels-from-env';
import { deliver, nextAttemptAt, shouldGiveUp, type AlertNotification, type NotificationKind } from './channels';
import { evaluateRule } from './engine/evaluate';
import { channelsFor } from './engine/routing';
import { isNotifiable, nextInstanceState } from './engine/state-machine';
import type { Rule } from './engine/types';
import { loadRuleInput } from './inputs';
import { activeSilences, instanceKey, isSilenced, loadInstances } from './queries';
import { listEnabledRules, type StoredRule } from './rules';

// Next steps, out of scope here: repeat notifications (repeat interval, isDue), acknowledgements, daily digest of P4.

export const ALERTS_LOCK_KEY = 'alerts:cron:lock';
const LOCK_TTL_SECONDS = 55;
/** A claimed delivery whose run died is retried after this lease. */
const CLAIM_LEASE_MS = 5 * 60_000;
const DUE_BATCH = 500;
const SEND_CONCURRENCY = 8;

export type AlertRunSummary = {
  skipped?: 'locked';
  rulesEvaluated: number;
  /** Rules whose input or evaluation threw; the others still ran. */
  rulesFailed: number;
  transitions: number;
  notificationsSent: number;
  notificationsFailed: number;
  durationMs: number;
};

export type RunAlertsOptions = {
  /** Defaults to the channels configured in the environment. */
  channels?: ConfiguredChannel[];
};

/**
 * One cron run: probe health (stored as history), evaluate every enabled rule of every project, record
 * instance states and transitions, queue a delivery per routed channel for each notifiable transition,
 * then send the deliveries that are due (new ones and retries). Overlapping runs are kept apart by a KV
 * lock; the unique keys on transitions and deliveries and an atomic claim before each send keep a
 * repeated or concurrent run from notifying twice even without it.
 */
export async function runAlerts(now: Date = new Date(), options: RunAlertsOptions = {}): Promise<AlertRunSummary> {
  const started = performance.now();
  const summary: AlertRunSummary = {
    rulesEvaluated: 0,
    rulesFailed: 0,
    transitions: 0,
    notificationsSent: 0,
    notificationsFailed: 0,
    durationMs: 0,
  };
  const lock = await acquireLock();
  if (lock === 'locked') return { ...summary, skipped: 'locked', durationMs: Math.round(performance.now() - started) };
  try {
    const channels = options.channels ?? channelsFromEnv();
    try {
      await runScheduledHealthChecks();
    } catch (error) {
      log('alerts_health_failed', { error: String(error) });
    }
    await evaluateAll(now, channels, summary);
    await sendDue(now, channels, summary);
  } finally {
    await releaseLock(lock);
  }
  summary.durationMs = Math.round(performance.now() - started);
  return summary;
}

// ---- lock ----

type Lock = 'locked' | { token: string } | null;

async function acquireLock(): Promise<Lock> {
  const token = randomUUID();
  try {
    const acquired = await getKv().set(ALERTS_LOCK_KEY, token, { ttlSeconds: LOCK_TTL_SECONDS, onlyIfAbsent: true });
    return acquired ? { token } : 'locked';
  } catch (error) {
    // KV down: run without the lock; the unique keys and the delivery claim still prevent duplicates.
    log('alerts_lock_unavailable', { error: String(error) });
    return null;
  }
}

async function releaseLock(lock: Lock): Promise<void> {
  if (lock === null || lock === 'locked') return;
  try {
    const kv = getKv();
    // Only release our own lock (it may have expired and been taken by another run).
    if ((await kv.get(ALERTS_LOCK_KEY)) === lock.token) await kv.del(ALERTS_LOCK_KEY);
  } catch (error) {
    log('alerts_lock_release_failed', { error: String(error) });
  }
}

// ---- evaluation ----

async function evaluateAll(now: Date, channels: ConfiguredChannel[], summary: AlertRunSummary): Promise<void> {
  const rules = await listEnabledRules();
  const byProject = new Map<string, StoredRule[]>();
  for (const rule of rules) {
    const list = byProject.get(rule.projectId);
    if (list) list.push(rule);
    else byProject.set(rule.projectId, [rule]);
  }
  for (const [projectId, projectRules] of byProject) {
    let instances: Awaited<ReturnType<typeof loadInstances>>;
    let silenced: Awaited<ReturnType<typeof activeSilences>>;
    try {
      [instances, silenced] = await Promise.all([loadInstances(projectId), activeSilences(projectId, now)]);
    } catch (error) {
      summary.rulesFailed += projectRules.length;
      log('alerts_project_failed', { projectId, error: String(error) });
      continue;
    }
    for (const rule of projectRules) {
      try {
        summary.transitions += await evaluateOne(rule, now, channels, instances, silenced);
        summary.rulesEvaluated++;
      } catch (error) {
        summary.rulesFailed++;
        log('alerts_rule_failed', { projectId, ruleId: rule.id, ruleKey: rule.key, error: String(error) });
      }
    }
  }
}

/** Evaluates one rule, stores its instances and transitions; answers how many transitions it recorded. */
async function evaluateOne(
  rule: StoredRule,
  now: Date,
  channels: ConfiguredChannel[],
  instances: Awaited<ReturnType<typeof loadInstances>>,
  silenced: Awaited<ReturnType<typeof activeSilences>>,
): Promise<number> {
  const db = await getDb();
  const input = await loadRuleInput<Rule>(rule.projectId, rule, now);
  const verdicts = evaluateRule<Rule>(rule, input, now);
  let recorded = 0;
  for (const verdict of verdicts) {
    const groupKey = verdict.group ?? '';
    const previous = instances.get(instanceKey(rule.id, groupKey));
    const next = nextInstanceState(previous ? { state: previous.state, since: previous.since } : null, verdict, rule.forMs, now);
    const values = { state: next.state, since: next.since, value: verdict.value, threshold: verdict.threshold, lastEvaluatedAt: now };
    await db
      .insert(alertInstances)
      .values({ projectId: rule.projectId, ruleId: rule.id, groupKey, ...values })
      .onConflictDoUpdate({ target: [alertInstances.projectId, alertInstances.ruleId, alertInstances.groupKey], set: values });
    if (!next.transition) continue;
    const [transition] = await db
      .insert(alertTransitions)
      .values({
        projectId: rule.projectId,
        ruleId: rule.id,
        groupKey,
        fromState: next.transition.from,
        toState: next.transition.to,
        at: now,
        value: verdict.value,
        threshold: verdict.threshold,
      })
      .onConflictDoNothing()
      .returning({ id: alertTransitions.id });
    // No id: another run already recorded this transition (and queued its notifications).
    if (!transition) continue;
    recorded++;
    if (!isNotifiable(next.transition) || isSilenced(silenced, rule.id, groupKey, now)) continue;
    const routed = channelsFor(rule.severity, channels).channels;
    if (routed.length === 0) continue;
    await db
      .insert(notificationDeliveries)
      .values(
        routed.map((c) => ({
          projectId: rule.projectId,
          transitionId: transition.id,
          channel: c.id,
          status: 'pending' as const,
          nextAttemptAt: now,
        })),
      )
      .onConflictDoNothing();
  }
  return recorded;
}

// ---- delivery ----

type DueRow = Awaited<ReturnType<typeof loadDue>>[number];

async function loadDue(now: Date) {
  const db = await getDb();
  return db
    .select({
      projectId: notificationDeliveries.projectId,
      id: notificationDeliveries.id,
      channel: notificationDeliveries.channel,
      attempt: notificationDeliveries.attempt,
      ruleId: alertTransitions.ruleId,
      groupKey: alertTransitions.groupKey,
      toState: alertTransitions.toState,
      at: alertTransitions.at,
      value: alertTransitions.value,
      threshold: alertTransitions.threshold,
      ruleKey: alertRules.key,
      ruleName: alertRules.name,
      severity: alertRules.severity,
      definition: alertRules.definition,
      projectSlug: projects.slug,
      projectName: projects.name,
    })
    .from(notificationDeliveries)
    .innerJoin(
      alertTransitions,
      and(eq(alertTransitions.projectId, notificationDeliveries.projectId), eq(alertTransitions.id, notificationDeliveries.transitionId)),
    )
    .innerJoin(alertRules, and(eq(alertRules.projectId, alertTransitions.projectId), eq(alertRules.id, alertTransitions.ruleId)))
    .innerJoin(projects, eq(projects.id, notificationDeliveries.projectId))
    .where(and(eq(notificationDeliveries.status, 'pending'), lte(notificationDeliveries.nextAttemptAt, now)))
    .orderBy(asc(notificationDeliveries.nextAttemptAt), asc(notificationDeliveries.id))
    .limit(DUE_BATCH);
}

async function sendDue(now: Date, channels: ConfiguredChannel[], summary: AlertRunSummary): Promise<void> {
  const due = await loadDue(now);
  const byId = new Map(channels.map((c) => [c.id, c]));
  let next = 0;
  const worker = async () => {
    while (next < due.length) {
      const row = due[next++]!;
      try {
        const outcome = await sendOne(row, byId.get(row.channel), now);
        if (outcome === 'sent') summary.notificationsSent++;
        else if (outcome === 'failed') summary.notificationsFailed++;
      } catch (error) {
        summary.notificationsFailed++;
        log('alerts_delivery_error', { projectId: row.projectId, deliveryId: row.id, error: String(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(SEND_CONCURRENCY, due.length) }, worker));
}

async function sendOne(row: DueRow, channel: ConfiguredChannel | undefined, now: Date): Promise<'sent' | 'failed' | 'skipped'> {
  const db = await getDb();
  const key = and(eq(notificationDeliveries.projectId, row.projectId), eq(notificationDeliveries.id, row.id));
  const attempt = row.attempt + 1;
  if (!channel) {
    await db
      .update(notificationDeliveries)
      .set({ status: 'failed', lastError: `channel ${row.channel} is no longer configured`, nextAttemptAt: null })
      .where(and(key, eq(notificationDeliveries.status, 'pending')));
    return 'failed';
  }
  // Claim: only the run that moves the attempt counter from the value it read may send.
  const claimed = await db
    .update(notificationDeliveries)
    .set({ attempt, nextAttemptAt: new Date(now.getTime() + CLAIM_LEASE_MS) })
    .where(and(key, eq(notificationDeliveries.status, 'pending'), eq(notificationDeliveries.attempt, row.attempt)))
    .returning({ id: notificationDeliveries.id });
  if (claimed.length === 0) return 'skipped';

  const notification = await buildNotification(row);
  const result = await deliver(channel.config, notification);
  if (result.ok) {
    await db
      .update(notificationDeliveries)
      .set({ status: 'sent', sentAt: now, responseStatus: result.status ?? null, lastError: null, nextAttemptAt: null })
      .where(key);
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
  const giveUp = shouldGiveUp({ kind: notification.kind, firstAttemptAt: row.at, now, retryable: result.retryable });
  await db
    .update(notificationDeliveries)
    .set({
      status: giveUp ? 'failed' : 'pending',
      lastError: result.error ?? 'delivery failed',
      responseStatus: result.status ?? null,
      nextAttemptAt: giveUp ? null : nextAttemptAt(attempt, now),
    })
    .where(key);
  log('alerts_delivery_failed', { projectId: row.projectId, deliveryId: row.id, channel: row.channel, attempt, giveUp, error: result.error });
  return 'failed';
}

async function buildNotification(row: DueRow): Promise<AlertNotification> {
  const kind: NotificationKind = row.toState === 'firing' ? 'firing' : 'resolved';
  const startedAt = kind === 'firing' ? row.at : ((await firingStart(row)) ?? row.at);
  const base = new URL(env.PUBLIC_URL);
  const dashboard = new URL('/', base);
  dashboard.searchParams.set('project', row.projectSlug);
  const alert = new URL('/alerts', base);
  alert.searchParams.set('project', row.projectSlug);
  alert.searchParams.set('rule', row.ruleId);
  if (row.groupKey) alert.searchParams.set('group', row.groupKey);
  return {
    kind,
    ruleKey: row.ruleKey,
    ruleName: row.ruleName,
    severity: row.severity,
    state: kind,
    value: row.value,
    threshold: row.threshold,
    window: windowOf(row.definition),
    group: row.groupKey === '' ? null : row.groupKey,
    startedAt: startedAt.toISOString(),
    ...(kind === 'resolved' ? { resolvedAt: row.at.toISOString() } : {}),
    dedupKey: `${row.projectId}:${row.ruleId}:${row.groupKey}`,
    links: { dashboard: dashboard.toString(), alert: alert.toString() },
    project: { slug: row.projectSlug, name: row.projectName },
  };
}

/** When the alert a resolved transition ends started firing. */
async function firingStart(row: DueRow): Promise<Date | null> {
  const db = await getDb();
  const [last] = await db
    .select({ at: alertTransitions.at })
    .from(alertTransitions)
    .where(
      and(
        eq(alertTransitions.projectId, row.projectId),
        eq(alertTransitions.ruleId, row.ruleId),
        eq(alertTransitions.groupKey, row.groupKey),
        eq(alertTransitions.toState, 'firing'),
        lte(alertTransitions.at, row.at),
      ),
    )
    .orderBy(sql`${alertTransitions.at} desc`)
    .limit(1);
  return last?.at ?? null;
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

function log(event: string, fields: Record<string, unknown>): void {
  console.error(JSON.stringify({ level: 'error', event, ...fields }));
}
