import { alertTitle, formatNumber, orNa, truncate } from './format';
import { postJson } from './http';
import type { AlertNotification, DeliveryOptions, DeliveryResult } from './types';

export interface SlackConfig {
  /** Incoming webhook URL (its path is a secret) */
  webhookUrl: string;
}

type TextObject = { type: 'plain_text'; text: string; emoji?: boolean } | { type: 'mrkdwn'; text: string };
export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji: boolean } }
  | { type: 'section'; text?: TextObject; fields?: TextObject[] }
  | { type: 'context'; elements: TextObject[] };

export interface SlackPayload {
  text: string;
  blocks: SlackBlock[];
}

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function slackEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function slackLink(url: string, label: string): string {
  // `|` and `>` would end the link early
  return `<${url.replace(/\|/g, '%7C').replace(/>/g, '%3E')}|${label}>`;
}

export function buildSlackPayload(n: AlertNotification): SlackPayload {
  const title = alertTitle(n);
  const fallbackParts = [
    `${title} (${n.project.name})`,
    `value ${formatNumber(n.value)}, threshold ${formatNumber(n.threshold)}, window ${orNa(n.window)}`,
    ...(n.group ? [`group ${n.group}`] : []),
    n.links.alert,
  ];
  const fields: TextObject[] = [
    { type: 'mrkdwn', text: `*Value*\n${formatNumber(n.value)}` },
    { type: 'mrkdwn', text: `*Threshold*\n${formatNumber(n.threshold)}` },
    { type: 'mrkdwn', text: `*Window*\n${slackEscape(orNa(n.window))}` },
    { type: 'mrkdwn', text: `*Group*\n${slackEscape(orNa(n.group))}` },
  ];
  const since =
    n.kind === 'resolved' && n.resolvedAt ? `Started ${n.startedAt}, resolved ${n.resolvedAt}` : `Started ${n.startedAt}`;
  return {
    text: fallbackParts.join(' · '),
    blocks: [
      // header blocks take plain text of at most 150 characters
      { type: 'header', text: { type: 'plain_text', text: truncate(title, 150), emoji: false } },
      { type: 'section', fields },
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: `${slackEscape(n.project.name)} · ${slackEscape(since)}` },
          { type: 'mrkdwn', text: `${slackLink(n.links.alert, 'Alert')} · ${slackLink(n.links.dashboard, 'Dashboard')}` },
        ],
      },
    ],
  };
}

export async function sendSlack(
  config: SlackConfig,
  notification: AlertNotification,
  opts: DeliveryOptions = {},
): Promise<DeliveryResult> {
  const started = performance.now();
  try {
    const body = JSON.stringify(buildSlackPayload(notification));
    return await postJson({ url: config.webhookUrl, body }, opts);
  } catch {
    return { ok: false, retryable: true, error: 'slack delivery failed unexpectedly', durationMs: Math.round(performance.now() - started) };
  }
}
