/**
 * Severity routing. Pure.
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
 * Channels that receive `severity`, in input order. P4 goes, with the default severities, nowhere: it is
 * listed on the dashboard and in the daily digest (see ./schedule).
 */
export function channelsFor<C extends Channel>(severity: Severity, channels: readonly C[]): C[] {
  return channels.filter((c) => severitiesFor(c).includes(severity));
}
