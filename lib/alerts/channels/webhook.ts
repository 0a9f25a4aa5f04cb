import { createHmac } from 'node:crypto';
import { postJson } from './http';
import type { AlertNotification, DeliveryOptions, DeliveryResult } from './types';

export interface WebhookConfig {
  url: string;
  /** When set, each request carries `X-Chatwatch-Signature: sha256=<hex HMAC-SHA256 of the raw body>` */
  secret?: string | null;
}

export const WEBHOOK_SIGNATURE_HEADER = 'X-Chatwatch-Signature';

export interface WebhookPayload {
  version: 1;
  kind: AlertNotification['kind'];
  state: AlertNotification['state'];
  severity: AlertNotification['severity'];
  rule: { key: string; name: string };
  value: number | null;
  threshold: number | null;
  window: string | null;
  group: string | null;
  startedAt: string;
  resolvedAt: string | null;
  dedupKey: string;
  project: { slug: string; name: string };
  links: { dashboard: string; alert: string };
}

export function buildWebhookPayload(n: AlertNotification): WebhookPayload {
  return {
    version: 1,
    kind: n.kind,
    state: n.state,
    severity: n.severity,
    rule: { key: n.ruleKey, name: n.ruleName },
    value: n.value,
    threshold: n.threshold,
    window: n.window,
    group: n.group,
    startedAt: n.startedAt,
    resolvedAt: n.resolvedAt ?? null,
    dedupKey: n.dedupKey,
    project: { slug: n.project.slug, name: n.project.name },
    links: { dashboard: n.links.dashboard, alert: n.links.alert },
  };
}

/** `sha256=<hex>`; receivers recompute it over the raw request body with the shared secret. */
export function signWebhookBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export async function sendWebhook(
  config: WebhookConfig,
  notification: AlertNotification,
  opts: DeliveryOptions = {},
): Promise<DeliveryResult> {
  const started = performance.now();
  try {
    const body = JSON.stringify(buildWebhookPayload(notification));
    const headers: Record<string, string> = {};
    if (config.secret) headers[WEBHOOK_SIGNATURE_HEADER] = signWebhookBody(body, config.secret);
    return await postJson({ url: config.url, body, headers, secrets: [config.secret] }, opts);
  } catch {
    return {
      ok: false,
      retryable: true,
      error: 'webhook delivery failed unexpectedly',
      durationMs: Math.round(performance.now() - started),
    };
  }
}
