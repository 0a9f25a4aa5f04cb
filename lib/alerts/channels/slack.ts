import { alertTitle, formatNumber, orNa } from './format';
import { postJson } from './http';
import type { AlertNotification, DeliveryOptions, DeliveryResult } from './types';

export interface SlackConfig {
  /** Incoming webhook URL (its path is a secret) */
  webhookUrl: string;
}

type TextObject =
  | { type: 'plain_text'; text: string; emoji?: boolean }
  | { type: 'mrkdwn'; text: string; verbatim?: boolean };
export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji: boolean } }
  | { type: 'section'; text?: TextObject; fields?: TextObject[] }
  | { type: 'context'; elements: TextObject[] };

export interface SlackPayload {
  /** The fallback (notifications, clients without blocks); escaped like every other text */
  text: string;
  blocks: SlackBlock[];
  unfurl_links: false;
  unfurl_media: false;
}

/**
 * Escapes the three characters Slack treats as control characters in every text field (the fallback,
 * plain_text and mrkdwn alike): `<https://x|label>` links and `<!channel>` mentions need a raw `<`.
 */
export function slackEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escaped text of at most `max` characters, never cutting an entity (or a character) in half. */
export function slackText(s: string, max: number): string {
  const full = slackEscape(s);
  if (full.length <= max) return full;
  let out = '';
  for (const ch of s) {
    const next = slackEscape(ch);
    if (out.length + next.length + 1 > max) break;
    out += next;
  }
  return `${out}…`;
}

/**
 * mrkdwn that Slack takes verbatim: no auto-linking of URLs, channel names or mentions in the text; the
 * links we write ourselves (`slackLink`) still work.
 */
export function mrkdwn(text: string): TextObject {
  return { type: 'mrkdwn', text, verbatim: true };
}

export function slackLink(url: string, label: string): string {
  // `|` and `>` would end the link early, `<` would start another
  return `<${url.replace(/\|/g, '%7C').replace(/>/g, '%3E').replace(/</g, '%3C')}|${slackEscape(label)}>`;
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
    mrkdwn(`*Value*\n${formatNumber(n.value)}`),
    mrkdwn(`*Threshold*\n${formatNumber(n.threshold)}`),
    mrkdwn(`*Window*\n${slackText(orNa(n.window), 1900)}`),
    mrkdwn(`*Group*\n${slackText(orNa(n.group), 1900)}`),
  ];
  const since =
    n.kind === 'resolved' && n.resolvedAt
      ? `Started ${n.startedAt}, resolved ${n.resolvedAt}`
      : `Started ${n.startedAt}`;
  return {
    text: slackText(fallbackParts.join(' · '), 3000),
    blocks: [
      // header blocks take plain text of at most 150 characters
      { type: 'header', text: { type: 'plain_text', text: slackText(title, 150), emoji: false } },
      { type: 'section', fields },
      {
        type: 'context',
        elements: [
          mrkdwn(slackText(`${n.project.name} · ${since}`, 1000)),
          mrkdwn(`${slackLink(n.links.alert, 'Alert')} · ${slackLink(n.links.dashboard, 'Dashboard')}`),
        ],
      },
    ],
    unfurl_links: false,
    unfurl_media: false,
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
    return {
      ok: false,
      retryable: true,
      error: 'slack delivery failed unexpectedly',
      durationMs: Math.round(performance.now() - started),
    };
  }
}
