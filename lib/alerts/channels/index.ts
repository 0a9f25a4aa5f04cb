import { sendEmail, type EmailConfig } from './email';
import { sendPagerDuty, type PagerDutyConfig } from './pagerduty';
import { sendSlack, type SlackConfig } from './slack';
import type { AlertNotification, DeliveryOptions, DeliveryResult } from './types';
import { sendWebhook, type WebhookConfig } from './webhook';

export type * from './types';
export { DEFAULT_TIMEOUT_MS } from './types';
export {
  buildWebhookPayload,
  sendWebhook,
  signWebhookBody,
  WEBHOOK_SIGNATURE_HEADER,
  type WebhookConfig,
  type WebhookPayload,
} from './webhook';
export { buildSlackPayload, sendSlack, slackEscape, type SlackConfig, type SlackPayload } from './slack';
export {
  buildPagerDutyEvent,
  DEFAULT_PAGERDUTY_EVENTS_URL,
  pagerDutyDedupKey,
  pagerDutyEnqueueUrl,
  pagerDutySeverity,
  sendPagerDuty,
  type PagerDutyConfig,
  type PagerDutyEvent,
} from './pagerduty';
export { buildEmailMessage, DEFAULT_EMAIL_FROM, emailSubject, sendEmail, type EmailConfig } from './email';
export {
  classifyAddress,
  parseAllowedHosts,
  STRICT_REACH,
  UNRESTRICTED_REACH,
  type AllowedHost,
  type Lookup,
  type ReachPolicy,
} from './reach';
export {
  nextAttemptAt,
  retryDelayMs,
  RETRY_CAP_MS,
  RETRY_HORIZON_MS,
  RETRY_SCHEDULE_MS,
  shouldGiveUp,
} from './retry';

export type ChannelConfig =
  | ({ type: 'webhook' } & WebhookConfig)
  | ({ type: 'slack' } & SlackConfig)
  | ({ type: 'pagerduty' } & PagerDutyConfig)
  | ({ type: 'email' } & EmailConfig);

export type ChannelType = ChannelConfig['type'];

/** Sends one notification through one channel. Never throws. */
export function deliver(
  channel: ChannelConfig,
  n: AlertNotification,
  opts: DeliveryOptions = {},
): Promise<DeliveryResult> {
  switch (channel.type) {
    case 'webhook':
      return sendWebhook(channel, n, opts);
    case 'slack':
      return sendSlack(channel, n, opts);
    case 'pagerduty':
      return sendPagerDuty(channel, n, opts);
    case 'email':
      return sendEmail(channel, n, opts);
  }
}

export {
  buildDigestEmail,
  buildDigestSlackPayload,
  buildDigestWebhookPayload,
  deliverDigest,
  DIGEST_CHANNEL_KINDS,
  digestTitle,
  type DigestItem,
  type DigestNotification,
  type DigestWebhookPayload,
} from './digest';
