import { ratio } from './stats';

const DAY = 86_400_000;

export type UserEvent = { userId: string | null; ts: Date };
export type ActiveUsers = { dau: number; wau: number; mau: number; stickiness: number | null };

/**
 * Distinct users in the day, 7 days and 30 days ending at `to` (exclusive), and DAU/MAU stickiness
 * (null without monthly users). Events without a user do not count.
 */
export function activeUsers(events: readonly UserEvent[], to: Date): ActiveUsers {
  const end = to.getTime();
  const within = (days: number) =>
    new Set(
      events
        .filter((e) => e.userId !== null && e.ts.getTime() >= end - days * DAY && e.ts.getTime() < end)
        .map((e) => e.userId),
    ).size;
  const dau = within(1);
  const mau = within(30);
  return { dau, wau: within(7), mau, stickiness: ratio(dau, mau) };
}

export type SessionEvent = { sessionId: string | null; type: string; ts: Date };
export type SessionSummary = { sessionId: string; durationMs: number; messages: number };

/** Per session: duration = last event - first event, and the number of `message.received` events. */
export function summarizeSessions(events: readonly SessionEvent[]): SessionSummary[] {
  const sessions = new Map<string, { min: number; max: number; messages: number }>();
  for (const e of events) {
    if (e.sessionId === null) continue;
    const t = e.ts.getTime();
    const s = sessions.get(e.sessionId) ?? { min: t, max: t, messages: 0 };
    s.min = Math.min(s.min, t);
    s.max = Math.max(s.max, t);
    if (e.type === 'message.received') s.messages += 1;
    sessions.set(e.sessionId, s);
  }
  return [...sessions].map(([sessionId, s]) => ({
    sessionId,
    durationMs: s.max - s.min,
    messages: s.messages,
  }));
}
