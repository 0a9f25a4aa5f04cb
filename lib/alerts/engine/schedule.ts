/**
 * When the cron queues notifications besides state changes. Pure.
 * - Repeats: a firing, unacknowledged, unsilenced alert is notified again every repeat interval. The n-th
 *   repeat is due n intervals after it fired; its number is part of the delivery's unique key, so runs that
 *   overlap or repeat queue it once, and runs missed (the cron was down) do not queue a backlog.
 * - A firing alert that was never notified (it fired while silenced, or before any channel routed it) is
 *   notified as firing as soon as nothing holds it back.
 * - Digest: once per UTC day, from `hourUtc` on, for the previous UTC day.
 */
import { DEFAULT_REPEAT_INTERVAL_MS } from './routing';

export type QueuedNotification = { kind: 'firing' | 'repeat'; seq: number };

export function dueNotification(input: {
  /** When the alert started firing (its firing transition). */
  firingSince: Date;
  /** Deliveries queued so far for that firing transition, any channel, any seq. */
  deliveries: number;
  /** Highest seq among them (-1 when none). */
  maxSeq: number;
  repeatIntervalMs: number | undefined;
  now: Date;
}): QueuedNotification | null {
  if (input.deliveries === 0) return { kind: 'firing', seq: 0 };
  const interval = input.repeatIntervalMs ?? DEFAULT_REPEAT_INTERVAL_MS;
  if (!(interval > 0)) return null;
  const seq = Math.floor((input.now.getTime() - input.firingSince.getTime()) / interval);
  return seq >= 1 && seq > input.maxSeq ? { kind: 'repeat', seq } : null;
}

export const DEFAULT_DIGEST_HOUR_UTC = 8;

/** The UTC day (YYYY-MM-DD) whose digest is due at `now`, or null before `hourUtc`. */
export function digestDayDue(now: Date, hourUtc: number = DEFAULT_DIGEST_HOUR_UTC): string | null {
  if (now.getUTCHours() < hourUtc) return null;
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - 86_400_000;
  return new Date(start).toISOString().slice(0, 10);
}

/** [start, end) of a UTC day given as YYYY-MM-DD. */
export function utcDayBounds(day: string): { start: Date; end: Date } {
  const start = new Date(`${day}T00:00:00.000Z`);
  if (Number.isNaN(start.getTime()) || start.toISOString().slice(0, 10) !== day)
    throw new Error(`invalid day ${day}`);
  return { start, end: new Date(start.getTime() + 86_400_000) };
}
