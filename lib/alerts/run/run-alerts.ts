import 'server-only';
import { randomUUID } from 'node:crypto';
import { dbQueryCount } from '@/db/client';
import { describeError } from '@/db/errors';
import { runScheduledHealthChecks } from '@/lib/health/run-health-checks';
import { getKv } from '@/lib/kv';
import type { ConfiguredChannel } from '../channels/configured';
import { sendDue } from './deliver';
import { evaluateAll } from './evaluate';
import { loadRunContext, projectChannels } from './context';
import { queueDigests, queueRepeats } from './schedule';
import { log } from '@/lib/log';

export const ALERTS_LOCK_KEY = 'alerts:cron:lock';
/** As long as the route may run (maxDuration), so a slow run keeps its lock to the end. */
const LOCK_TTL_SECONDS = 60;

export type AlertRunSummary = {
  skipped?: 'locked';
  rulesEvaluated: number;
  /** Rules whose input or evaluation threw; the others still ran. */
  rulesFailed: number;
  transitions: number;
  /** Repeat notifications (and first notifications of alerts whose silence ended) queued. */
  repeatsQueued: number;
  digestsQueued: number;
  notificationsSent: number;
  notificationsFailed: number;
  /** Statements this run sent to the database. */
  queries: number;
  durationMs: number;
};

export type RunAlertsOptions = {
  /** Defaults to the channels configured in the environment (settings channels are always added). */
  channels?: ConfiguredChannel[];
  /**
   * Only these projects' rules, repeats, digests and deliveries (a shard of the installation; tests that
   * replay their own timeline). Default: every project.
   */
  projectIds?: readonly string[];
};

/**
 * One cron run: probe health (stored as history), evaluate every enabled rule of every project, record
 * instance states and transitions, queue a delivery per routed channel for each notifiable transition, queue
 * repeats and the daily digest, then send the deliveries that are due (new ones and retries). Overlapping
 * runs are kept apart by a KV lock. Without it (KV down, or one in-process KV per server), each project's
 * states are written under a Postgres advisory lock from the rows as they are then, deliveries have unique
 * keys (transition, channel, repeat number; digest day) and each send is claimed atomically: a repeated or
 * concurrent run notifies nothing twice.
 */
export async function runAlerts(at?: Date, options: RunAlertsOptions = {}): Promise<AlertRunSummary> {
  const started = performance.now();
  const queriesBefore = dbQueryCount();
  const summary: AlertRunSummary = {
    rulesEvaluated: 0,
    rulesFailed: 0,
    transitions: 0,
    repeatsQueued: 0,
    digestsQueued: 0,
    notificationsSent: 0,
    notificationsFailed: 0,
    queries: 0,
    durationMs: 0,
  };
  const finish = () => ({
    ...summary,
    queries: dbQueryCount() - queriesBefore,
    durationMs: Math.round(performance.now() - started),
  });
  const lock = await acquireLock();
  if (lock === 'locked') return { ...finish(), skipped: 'locked' };
  try {
    try {
      await runScheduledHealthChecks();
    } catch (error) {
      log.error('alerts_health_failed', { error: describeError(error) });
    }
    // Evaluated after the probe, so the health rule sees the check this run just recorded.
    const now = at ?? new Date();
    const ctx = await loadRunContext(now, options.channels, options.projectIds ?? null);
    Object.assign(summary, await evaluateAll(ctx, log.error));
    summary.repeatsQueued = await step('alerts_repeats_failed', () => queueRepeats(ctx));
    summary.digestsQueued = await step('alerts_digests_failed', () => queueDigests(ctx));
    Object.assign(
      summary,
      await sendDue(
        now,
        (projectId) => projectChannels(ctx, projectId),
        log.error,
        options.projectIds ?? null,
      ),
    );
  } finally {
    await releaseLock(lock);
  }
  return finish();
}

/** A failing scheduling step is logged; the run goes on to send what is due. */
async function step(event: string, fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (error) {
    log.error(event, { error: describeError(error) });
    return 0;
  }
}

// ---- lock ----

type Lock = 'locked' | { token: string } | null;

async function acquireLock(): Promise<Lock> {
  const token = randomUUID();
  try {
    const acquired = await getKv().set(ALERTS_LOCK_KEY, token, {
      ttlSeconds: LOCK_TTL_SECONDS,
      onlyIfAbsent: true,
    });
    return acquired ? { token } : 'locked';
  } catch (error) {
    // KV down: run without the lock; the per-project advisory lock, the unique keys and the delivery claim
    // still prevent duplicates.
    log.error('alerts_lock_unavailable', { error: describeError(error) });
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
    log.error('alerts_lock_release_failed', { error: describeError(error) });
  }
}
