/**
 * Severity routing and repeat/ack/silence decisions. Pure.
 * Defaults (DESIGN.md "Alerts", issue 4): webhook, Slack and email receive P1-P3; PagerDuty P1-P2;
 * P4 goes to the dashboard and the daily digest only. A channel's own `severities` replaces its default.
 */
import type { Channel, ChannelKind, Severity } from './types';

export const DEFAULT_CHANNEL_SEVERITIES: Record<ChannelKind, readonly Severity[]> = {
  webhook: ['P1', 'P2', 'P3'],
  slack: ['P1', 'P2', 'P3'],
  email: ['P1', 'P2', 'P3'],
  pagerduty: ['P1', 'P2'],
};

export const DEFAULT_REPEAT_INTERVAL_MS = 4 * 60 * 60 * 1000;

export function severitiesFor(channel: Pick<Channel, 'kind' | 'severities'>): readonly Severity[] {
  return channel.severities ?? DEFAULT_CHANNEL_SEVERITIES[channel.kind];
}

/**
 * Channels that receive `severity`, in input order. `digest` is true for P4: it is listed on the
 * dashboard and in the daily digest (and, with default channels, sent nowhere else).
 */
export function channelsFor<C extends Channel>(severity: Severity, channels: readonly C[]): { channels: C[]; digest: boolean } {
  return { channels: channels.filter((c) => severitiesFor(c).includes(severity)), digest: severity === 'P4' };
}

/**
 * Is a firing notification due now?
 * - silenced (silencedUntil > now): no; once the silence ends a never-sent alert is due at once.
 * - acknowledged: no (ack stops repeats, and an alert acked before its first send is not sent).
 * - never notified: yes. Otherwise yes once repeatIntervalMs has passed; repeatIntervalMs <= 0 = no repeats.
 * Resolved notifications are the caller's decision (`send resolved`), not governed by this.
 */
export function isDue(
  lastNotifiedAt: Date | null,
  repeatIntervalMs: number | undefined = DEFAULT_REPEAT_INTERVAL_MS,
  acknowledged: boolean,
  silencedUntil: Date | null,
  now: Date,
): boolean {
  if (silencedUntil !== null && silencedUntil.getTime() > now.getTime()) return false;
  if (acknowledged) return false;
  if (lastNotifiedAt === null) return true;
  if (repeatIntervalMs <= 0) return false;
  return now.getTime() - lastNotifiedAt.getTime() >= repeatIntervalMs;
}
