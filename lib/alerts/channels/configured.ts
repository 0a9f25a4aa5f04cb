import type { NotificationChannelRow } from '@/db/schema';
import { env, type Env } from '@/lib/env';
import type { ChannelConfig } from './index';
import { DEFAULT_CHANNEL_SEVERITIES } from '../engine/routing';
import type { Channel } from '../engine/types';

/** An engine routing channel plus what `deliver` needs to reach it. `channel.id` is stored on deliveries. */
export type ConfiguredChannel = Channel & {
  config: ChannelConfig;
  /** Shown in the UI and delivery history. */
  name: string;
  /** Whether resolved notifications are sent (default true). */
  sendResolved?: boolean;
};

type ChannelEnv = Pick<
  Env,
  | 'ALERT_WEBHOOK_URL'
  | 'SLACK_WEBHOOK_URL'
  | 'PAGERDUTY_ROUTING_KEY'
  | 'PAGERDUTY_EVENTS_URL'
  | 'SMTP_URL'
  | 'ALERT_EMAIL_TO'
  | 'ALERT_EMAIL_FROM'
>;

/**
 * Channels configured through the environment (headless setups), with their default severities:
 * webhook, Slack and email P1-P3, PagerDuty P1-P2. Email needs both SMTP_URL and ALERT_EMAIL_TO.
 */
export function channelsFromEnv(source: ChannelEnv = env): ConfiguredChannel[] {
  const out: ConfiguredChannel[] = [];
  if (source.ALERT_WEBHOOK_URL)
    out.push({
      id: `${ENV_CHANNEL_PREFIX}webhook`,
      name: 'Webhook (ALERT_WEBHOOK_URL)',
      kind: 'webhook',
      severities: [...DEFAULT_CHANNEL_SEVERITIES.webhook],
      config: { type: 'webhook', url: source.ALERT_WEBHOOK_URL },
    });
  if (source.SLACK_WEBHOOK_URL)
    out.push({
      id: `${ENV_CHANNEL_PREFIX}slack`,
      name: 'Slack (SLACK_WEBHOOK_URL)',
      kind: 'slack',
      severities: [...DEFAULT_CHANNEL_SEVERITIES.slack],
      config: { type: 'slack', webhookUrl: source.SLACK_WEBHOOK_URL },
    });
  if (source.PAGERDUTY_ROUTING_KEY)
    out.push({
      id: `${ENV_CHANNEL_PREFIX}pagerduty`,
      name: 'PagerDuty (PAGERDUTY_ROUTING_KEY)',
      kind: 'pagerduty',
      severities: [...DEFAULT_CHANNEL_SEVERITIES.pagerduty],
      config: {
        type: 'pagerduty',
        routingKey: source.PAGERDUTY_ROUTING_KEY,
        eventsUrl: source.PAGERDUTY_EVENTS_URL,
      },
    });
  if (source.SMTP_URL && source.ALERT_EMAIL_TO.length > 0)
    out.push({
      id: `${ENV_CHANNEL_PREFIX}email`,
      name: 'Email (SMTP_URL)',
      kind: 'email',
      severities: [...DEFAULT_CHANNEL_SEVERITIES.email],
      config: {
        type: 'email',
        smtpUrl: source.SMTP_URL,
        to: source.ALERT_EMAIL_TO,
        from: source.ALERT_EMAIL_FROM ?? null,
      },
    });
  return out;
}

/** Prefix of the channel id of a channel configured in the environment: the installation's, every project's. */
export const ENV_CHANNEL_PREFIX = 'env:';

/** Whether a channel id names one of the installation's channels (from the environment), not a project's own. */
export const isInstallationChannel = (channelId: string): boolean => channelId.startsWith(ENV_CHANNEL_PREFIX);

/** Prefix of the channel id stored on deliveries for a channel configured in the settings UI. */
export const DB_CHANNEL_PREFIX = 'db:';

/** The routing channel of a stored row: id `db:<uuid>`, its own severities and `send resolved`. */
export function toConfiguredChannel(row: NotificationChannelRow): ConfiguredChannel {
  return {
    id: `${DB_CHANNEL_PREFIX}${row.id}`,
    name: row.name,
    kind: row.type,
    severities: [...row.severities],
    sendResolved: row.sendResolved,
    config: row.config,
  };
}
