/** Shared shapes of the alert notification channels (webhook, Slack, PagerDuty, email). */

export type { Severity } from '../engine/types';
import type { Severity } from '../engine/types';
/** `repeat`: a firing alert still firing after the repeat interval (same payload as firing, kind says so). */
export type NotificationKind = 'firing' | 'repeat' | 'resolved' | 'test';
export type AlertState = 'ok' | 'pending' | 'firing' | 'resolved';

/** What every channel is told about one alert transition (or a "send test"). */
export interface AlertNotification {
  kind: NotificationKind;
  ruleKey: string;
  ruleName: string;
  severity: Severity;
  state: AlertState;
  value: number | null;
  threshold: number | null;
  window: string | null;
  group: string | null;
  /** ISO 8601 */
  startedAt: string;
  /** ISO 8601, set on resolved notifications */
  resolvedAt?: string;
  /** Stable per alert instance: identical for its firing, repeats and resolved notifications. */
  dedupKey: string;
  links: { dashboard: string; alert: string };
  project: { slug: string; name: string };
}

/** Outcome of one delivery attempt. Channels never throw; they answer this. */
export interface DeliveryResult {
  ok: boolean;
  /** HTTP status (or SMTP response code) when the receiver answered */
  status?: number;
  /** Short reason, free of secrets (routing keys, passwords, webhook paths and query strings) */
  error?: string;
  /** Whether trying again later may succeed (timeouts, connection errors, 429, 5xx) */
  retryable: boolean;
  durationMs: number;
}

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface DeliveryOptions {
  /** Defaults to the global fetch */
  fetch?: FetchLike;
  /** Default 5000 ms */
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 5_000;
