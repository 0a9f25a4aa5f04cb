/**
 * The daily digest: the P4 alerts and the incidents of one UTC day for one project, sent once a day to the
 * webhook, Slack and email channels (PagerDuty pages; it receives no digest). Builders are pure.
 */
import { escapeHtml, oneLine, truncate } from './format';
import { postJson } from './http';
import { sendEmailMessage, type EmailConfig, type EmailMessage } from './email';
import {
  mrkdwn,
  slackEscape,
  slackLink,
  slackText,
  type SlackBlock,
  type SlackConfig,
  type SlackPayload,
} from './slack';
import type { DeliveryOptions, DeliveryResult, Severity } from './types';
import { signWebhookBody, WEBHOOK_SIGNATURE_HEADER, type WebhookConfig } from './webhook';

export type DigestItem = {
  ruleKey: string;
  ruleName: string;
  severity: Severity;
  group: string | null;
  /** ISO 8601 */
  startedAt: string;
  /** ISO 8601; null when still firing at the end of the day */
  resolvedAt: string | null;
};

export interface DigestNotification {
  /** The UTC day covered, YYYY-MM-DD. */
  day: string;
  project: { slug: string; name: string };
  /** Alerts of severity P4 that fired that day (they page no one; the digest is where they are read). */
  lowPriority: DigestItem[];
  /** Every alert of severity P1-P3 that fired that day. */
  incidents: DigestItem[];
  links: { alerts: string };
}

export interface DigestWebhookPayload {
  version: 1;
  kind: 'digest';
  day: string;
  project: { slug: string; name: string };
  lowPriority: DigestItem[];
  incidents: DigestItem[];
  links: { alerts: string };
}

export function digestTitle(d: DigestNotification): string {
  const parts = [
    `${d.incidents.length} incident${d.incidents.length === 1 ? '' : 's'}`,
    `${d.lowPriority.length} P4 alert${d.lowPriority.length === 1 ? '' : 's'}`,
  ];
  return oneLine(`Daily digest ${d.day}: ${parts.join(', ')} (${d.project.name})`);
}

function itemLine(i: DigestItem): string {
  const group = i.group ? ` [${i.group}]` : '';
  const end = i.resolvedAt ? `resolved ${i.resolvedAt}` : 'still firing';
  return oneLine(`[${i.severity}] ${i.ruleName}${group}: fired ${i.startedAt}, ${end}`);
}

export function buildDigestWebhookPayload(d: DigestNotification): DigestWebhookPayload {
  return {
    version: 1,
    kind: 'digest',
    day: d.day,
    project: d.project,
    lowPriority: d.lowPriority,
    incidents: d.incidents,
    links: d.links,
  };
}

export function buildDigestSlackPayload(d: DigestNotification): SlackPayload {
  const title = digestTitle(d);
  const section = (heading: string, items: DigestItem[]): SlackBlock => {
    const lines = items.length === 0 ? 'None' : items.map((i) => `• ${slackEscape(itemLine(i))}`).join('\n');
    return { type: 'section', text: mrkdwn(truncateLines(`*${heading}*\n${lines}`, 3000)) };
  };
  return {
    text: slackText(title, 3000),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: slackText(title, 150), emoji: false } },
      section('Incidents', d.incidents),
      section('P4 alerts', d.lowPriority),
      { type: 'context', elements: [mrkdwn(slackLink(d.links.alerts, 'Alerts'))] },
    ],
    unfurl_links: false,
    unfurl_media: false,
  };
}

/** Cuts escaped mrkdwn at a line break, so no entity (`&lt;`) is cut in half. */
function truncateLines(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.lastIndexOf('\n', max - 2);
  return `${text.slice(0, cut > 0 ? cut : 0)}\n…`;
}

export function buildDigestEmail(d: DigestNotification): EmailMessage {
  const title = digestTitle(d);
  const list = (items: DigestItem[]) =>
    items.length === 0 ? ['None'] : items.map((i) => `- ${itemLine(i)}`);
  const htmlList = (items: DigestItem[]) =>
    items.length === 0
      ? '<p>None</p>'
      : `<ul>${items.map((i) => `<li>${escapeHtml(itemLine(i))}</li>`).join('')}</ul>`;
  return {
    subject: truncate(title, 250),
    text: [
      title,
      '',
      'Incidents:',
      ...list(d.incidents),
      '',
      'P4 alerts:',
      ...list(d.lowPriority),
      '',
      `Alerts: ${d.links.alerts}`,
      '',
      '-- Chatwatch',
    ].join('\n'),
    html: [
      '<!doctype html><html><body style="font-family:sans-serif">',
      `<h2>${escapeHtml(title)}</h2>`,
      '<h3>Incidents</h3>',
      htmlList(d.incidents),
      '<h3>P4 alerts</h3>',
      htmlList(d.lowPriority),
      `<p><a href="${escapeHtml(d.links.alerts)}">Alerts</a></p>`,
      '<p style="color:#888">Chatwatch</p>',
      '</body></html>',
    ].join('\n'),
  };
}

type DigestChannel =
  | ({ type: 'webhook' } & WebhookConfig)
  | ({ type: 'slack' } & SlackConfig)
  | ({ type: 'email' } & EmailConfig)
  | { type: 'pagerduty' };

/** Sends a digest through one channel. Never throws; PagerDuty answers a non-retryable refusal. */
export async function deliverDigest(
  channel: DigestChannel,
  d: DigestNotification,
  opts: DeliveryOptions = {},
): Promise<DeliveryResult> {
  switch (channel.type) {
    case 'webhook': {
      const body = JSON.stringify(buildDigestWebhookPayload(d));
      const headers: Record<string, string> = {};
      if (channel.secret) headers[WEBHOOK_SIGNATURE_HEADER] = signWebhookBody(body, channel.secret);
      return postJson({ url: channel.url, body, headers, secrets: [channel.secret] }, opts);
    }
    case 'slack':
      return postJson({ url: channel.webhookUrl, body: JSON.stringify(buildDigestSlackPayload(d)) }, opts);
    case 'email':
      return sendEmailMessage(channel, () => buildDigestEmail(d), opts);
    case 'pagerduty':
      return { ok: false, retryable: false, error: 'PagerDuty receives no digest', durationMs: 0 };
  }
}

/** Channel kinds that receive the digest. */
export const DIGEST_CHANNEL_KINDS = ['webhook', 'slack', 'email'] as const;
