/** Events accepted by `POST /api/v1/events` (Ingestion API v1). No runtime dependencies: copy freely. */

export const EVENT_TYPES = [
  'message.received',
  'ai.call',
  'response.sent',
  'http.request',
  'cache',
  'rate_limit',
  'error',
  'log',
  'feedback',
  'page.view',
  'web.vital',
  'auth.attempt',
  'metric',
  'retrieval',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'critical'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const WEB_VITALS = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB', 'FID'] as const;
export type WebVitalName = (typeof WEB_VITALS)[number];

export const ERROR_SOURCES = ['api', 'ai', 'client', 'database', 'cache'] as const;
export type ErrorSource = (typeof ERROR_SOURCES)[number];

export type JsonObject = { [key: string]: unknown };

export type CommonFields = {
  /** Idempotency key (<= 128 chars): the server stores an id once per project. The client fills it in. */
  id?: string;
  /** ISO 8601 with a time zone, or epoch milliseconds. The client fills in now. */
  timestamp?: string | number;
  userId?: string;
  sessionId?: string;
  conversationId?: string;
  traceId?: string;
  spanId?: string;
  /** Defaults to `app` on the server. */
  service?: string;
  environment?: string;
  release?: string;
  /** At most 16 KiB as JSON. */
  metadata?: JsonObject;
};

export type MessageReceivedEvent = CommonFields & {
  type: 'message.received';
  messageLength?: number;
};

export type AiCallEvent = CommonFields & {
  type: 'ai.call';
  model: string;
  durationMs: number;
  provider?: string;
  timeToFirstTokenMs?: number;
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  /** Omit to let the server price the call from its per-model table. */
  costUsd?: number;
  temperature?: number;
  contextLength?: number;
  status?: 'ok' | 'error';
  errorType?: string;
  cached?: boolean;
};

export type ResponseSentEvent = CommonFields & {
  type: 'response.sent';
  durationMs: number;
  timeToFirstTokenMs?: number;
  responseLength?: number;
  streamed?: boolean;
};

export type HttpRequestEvent = CommonFields & {
  type: 'http.request';
  route: string;
  status: number;
  durationMs: number;
  method?: string;
  requestBytes?: number;
  responseBytes?: number;
};

export type CacheEvent = CommonFields & {
  type: 'cache';
  operation: 'get' | 'set' | 'delete';
  cache?: string;
  hit?: boolean;
  durationMs?: number;
};

export type RateLimitEvent = CommonFields & {
  type: 'rate_limit';
  route: string;
  scope?: string;
  limit?: number;
};

export type ErrorEvent = CommonFields & {
  type: 'error';
  errorType: string;
  message: string;
  source?: ErrorSource;
  stack?: string;
  route?: string;
  status?: number;
};

export type LogEvent = CommonFields & {
  type: 'log';
  level: LogLevel;
  event: string;
  message?: string;
  data?: JsonObject;
  error?: string | JsonObject;
};

export type FeedbackEvent = CommonFields & {
  type: 'feedback';
  score: 1 | 2 | 3 | 4 | 5;
  messageId?: string;
  comment?: string;
};

export type PageViewEvent = CommonFields & {
  type: 'page.view';
  path: string;
};

export type WebVitalEvent = CommonFields & {
  type: 'web.vital';
  name: WebVitalName;
  value: number;
  path?: string;
};

export type AuthAttemptEvent = CommonFields & {
  type: 'auth.attempt';
  outcome: 'success' | 'failure';
  method?: string;
  reason?: string;
};

export type MetricEvent = CommonFields & {
  type: 'metric';
  name: string;
  value: number;
  unit?: string;
  labels?: Record<string, string>;
};

export type RetrievalEvent = CommonFields & {
  type: 'retrieval';
  durationMs: number;
  resultCount?: number;
  topScore?: number;
};

/** Anything `track` accepts: a union discriminated on `type`. */
export type TrackEvent =
  | MessageReceivedEvent
  | AiCallEvent
  | ResponseSentEvent
  | HttpRequestEvent
  | CacheEvent
  | RateLimitEvent
  | ErrorEvent
  | LogEvent
  | FeedbackEvent
  | PageViewEvent
  | WebVitalEvent
  | AuthAttemptEvent
  | MetricEvent
  | RetrievalEvent;

/** An event with its idempotency key and time fixed, as it goes over the wire. */
export type StampedEvent = TrackEvent & { id: string; timestamp: string | number };

export type EventOfType<T extends EventType> = Extract<TrackEvent, { type: T }>;

export type EventRejection = { index: number; id?: string; message: string };

/** Body of a 200 or 207 answer. */
export type IngestResponse = {
  accepted: number;
  duplicates: number;
  rejected: number;
  errors?: EventRejection[];
};
