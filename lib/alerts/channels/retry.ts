/**
 * Retry policy of failed deliveries (pure).
 *
 * A failed delivery is retried on later cron runs, each attempt recorded, after 30 s, 1 m, 2 m, 5 m,
 * 10 m, then every 30 m (the cap). The cron runs every minute, so a delay shorter than that is met on
 * the next run.
 *
 * An alert is never dropped because a channel was down: a FIRING notification is retried whatever the
 * failure (timeouts, 5xx, even a 4xx: the receiver or its configuration may be fixed meanwhile) for 24 h
 * after its first attempt; by then the repeat interval has produced newer notifications of the same alert.
 * RESOLVED notifications are retried for 24 h as well, unless the receiver refused them outright
 * (non-retryable, e.g. 400 invalid event). TEST notifications (the "send test" button) are never retried:
 * the person who pressed it sees the result at once.
 */
import type { NotificationKind } from './types';

export const RETRY_SCHEDULE_MS: readonly number[] = [30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000];
export const RETRY_CAP_MS = 1_800_000;
export const RETRY_HORIZON_MS = 24 * 60 * 60 * 1000;

/** Delay before the next attempt after `attempt` failed attempts (1 = the first one failed). */
export function retryDelayMs(attempt: number): number {
  if (!Number.isFinite(attempt) || attempt < 1) return RETRY_SCHEDULE_MS[0] ?? RETRY_CAP_MS;
  return RETRY_SCHEDULE_MS[Math.floor(attempt) - 1] ?? RETRY_CAP_MS;
}

/** When to try again after `attempt` failed attempts, counted from `now`. */
export function nextAttemptAt(attempt: number, now: Date): Date {
  return new Date(now.getTime() + retryDelayMs(attempt));
}

export interface GiveUpInput {
  /** `digest`: the daily digest, given up like a resolved notification. */
  kind: NotificationKind | 'digest';
  /** When the first attempt of this delivery was made */
  firstAttemptAt: Date;
  now: Date;
  /** Whether the last failure was retryable */
  retryable: boolean;
}

export function shouldGiveUp(input: GiveUpInput): boolean {
  const age = input.now.getTime() - input.firstAttemptAt.getTime();
  switch (input.kind) {
    case 'test':
      return true;
    case 'firing':
    case 'repeat':
      return age >= RETRY_HORIZON_MS;
    case 'resolved':
    case 'digest':
      return !input.retryable || age >= RETRY_HORIZON_MS;
  }
}
