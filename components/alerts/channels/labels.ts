import type { ChannelKind } from '@/lib/alerts/engine/types';

export const CHANNEL_TYPE_LABELS: Record<ChannelKind, string> = {
  webhook: 'Webhook',
  slack: 'Slack',
  pagerduty: 'PagerDuty',
  email: 'Email',
};

export const CHANNEL_TYPE_HINTS: Record<ChannelKind, string> = {
  webhook: 'JSON POST to any URL, optionally signed with HMAC-SHA256.',
  slack: 'A Slack incoming webhook.',
  pagerduty: 'PagerDuty Events API v2: triggers and resolves incidents.',
  email: 'Email over SMTP.',
};
