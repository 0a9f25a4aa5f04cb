/** Shared shapes of the alert notification channels (webhook, Slack, PagerDuty, email). */
import type { Lookup, ReachPolicy } from './reach';

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
  /** Short reason of our own, free of secrets (routing keys, passwords, webhook paths and query strings); never the receiver's body */
  error?: string;
  /** Whether trying again later may succeed (timeouts, connection errors, 429, 5xx) */
  retryable: boolean;
  durationMs: number;
}

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface DeliveryOptions {
  /** Replaces the guarded transport (tests of payloads); the host as written is still checked */
  fetch?: FetchLike;
  /** Default 5000 ms */
  timeoutMs?: number;
  /** Which non-public hosts the receiver may be on; default none. `reachPolicyFor` answers it per channel. */
  reach?: ReachPolicy;
  /** DNS resolution; default the system resolver */
  lookup?: Lookup;
}

export const DEFAULT_TIMEOUT_MS = 5_000;
