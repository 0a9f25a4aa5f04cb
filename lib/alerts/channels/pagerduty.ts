import { createHash } from 'node:crypto';
import { alertTitle, truncate } from './format';
import { postJson } from './http';
import type { AlertNotification, DeliveryOptions, DeliveryResult, Severity } from './types';

export const DEFAULT_PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com';

export interface PagerDutyConfig {
  /** Integration (routing) key of an Events API v2 integration: a secret */
  routingKey: string;
  /** Base URL, `PAGERDUTY_EVENTS_URL`; default https://events.pagerduty.com */
  eventsUrl?: string | null;
}

export type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info';

const SEVERITY: Record<Severity, PagerDutySeverity> = {
  P1: 'critical',
  P2: 'error',
  P3: 'warning',
  P4: 'info',
};

export function pagerDutySeverity(s: Severity): PagerDutySeverity {
  return SEVERITY[s];
}

/** The notification's dedup key, hashed only if it exceeds PagerDuty's 255 characters; same input, same key. */
export function pagerDutyDedupKey(n: AlertNotification): string {
  if (n.dedupKey.length <= 255) return n.dedupKey;
  return `chatwatch-${createHash('sha256').update(n.dedupKey).digest('hex')}`;
}

export function pagerDutyEnqueueUrl(eventsUrl?: string | null): string {
  return `${(eventsUrl || DEFAULT_PAGERDUTY_EVENTS_URL).replace(/\/+$/, '')}/v2/enqueue`;
}

export interface PagerDutyTriggerEvent {
  routing_key: string;
  event_action: 'trigger';
  dedup_key: string;
  payload: {
    summary: string;
    source: string;
    severity: PagerDutySeverity;
    timestamp: string;
    component?: string;
    group: string;
    class: string;
    custom_details: Record<string, unknown>;
  };
  client: string;
  client_url: string;
  links: Array<{ href: string; text: string }>;
}

export interface PagerDutyResolveEvent {
  routing_key: string;
  event_action: 'resolve';
  dedup_key: string;
}

export type PagerDutyEvent = PagerDutyTriggerEvent | PagerDutyResolveEvent;

/**
 * Firing and test notifications trigger, resolved ones resolve the incident opened under the same
 * dedup key (a resolve event needs no payload in Events API v2).
 */
export function buildPagerDutyEvent(routingKey: string, n: AlertNotification): PagerDutyEvent {
  const dedup_key = pagerDutyDedupKey(n);
  if (n.kind === 'resolved') return { routing_key: routingKey, event_action: 'resolve', dedup_key };
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key,
    payload: {
      summary: truncate(`${alertTitle(n)} (${n.project.name})`, 1024),
      source: `chatwatch/${n.project.slug}`,
      severity: pagerDutySeverity(n.severity),
      timestamp: n.startedAt,
      ...(n.group ? { component: n.group } : {}),
      group: n.project.slug,
      class: n.ruleKey,
      custom_details: {
        rule: n.ruleName,
        rule_key: n.ruleKey,
        severity: n.severity,
        state: n.state,
        value: n.value,
        threshold: n.threshold,
        window: n.window,
        group: n.group,
        project: n.project.name,
        started_at: n.startedAt,
        ...(n.kind === 'test' ? { test: true } : {}),
      },
    },
    client: 'Chatwatch',
    client_url: n.links.dashboard,
    links: [
      { href: n.links.alert, text: 'Alert in Chatwatch' },
      { href: n.links.dashboard, text: 'Dashboard' },
    ],
  };
}

/** 202 is success; 429 and 5xx are retryable; 400 (invalid event or key) is not. */
export async function sendPagerDuty(
  config: PagerDutyConfig,
  notification: AlertNotification,
  opts: DeliveryOptions = {},
): Promise<DeliveryResult> {
  const started = performance.now();
  try {
    if (!config.routingKey)
      return { ok: false, retryable: false, error: 'no routing key configured', durationMs: 0 };
    const body = JSON.stringify(buildPagerDutyEvent(config.routingKey, notification));
    return await postJson(
      {
        url: pagerDutyEnqueueUrl(config.eventsUrl),
        body,
        secrets: [config.routingKey],
        isSuccess: (s) => s === 202 || s === 200,
      },
      opts,
    );
  } catch {
    return {
      ok: false,
      retryable: true,
      error: 'pagerduty delivery failed unexpectedly',
      durationMs: Math.round(performance.now() - started),
    };
  }
}
