import { z } from 'zod';

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

export const MAX_EVENTS_PER_BATCH = 1000;
export const MAX_BODY_BYTES = 4 * 1024 * 1024;
export const MAX_METADATA_BYTES = 16 * 1024;
export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'critical'] as const;
export const WEB_VITALS = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB', 'FID'] as const;
export const ERROR_SOURCES = ['api', 'ai', 'client', 'database', 'cache'] as const;

const id = z.string().min(1).max(256);
const shortText = z.string().min(1).max(128);
const text = (max: number) => z.string().max(max);
const ms = z.number().finite().nonnegative().max(86_400_000);
const count = z.number().int().nonnegative().max(2_147_483_647);
const jsonObject = z.record(z.string(), z.unknown());
/** A number Postgres can store as `real` (float4) without overflowing or underflowing to zero. */
const float4 = z
  .number()
  .finite()
  .refine((n) => Number.isFinite(Math.fround(n)) && (n === 0 || Math.fround(n) !== 0), {
    message: 'must fit a 32-bit float (magnitude between about 1.4e-45 and 3.4e38, or 0)',
  });

const timestamp = z.union([
  z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone' }),
  z.number().int().nonnegative(),
]);

const common = {
  type: z.enum(EVENT_TYPES),
  id: z.string().min(1).max(128).optional(),
  timestamp: timestamp.optional(),
  userId: id.optional(),
  sessionId: id.optional(),
  conversationId: id.optional(),
  traceId: id.optional(),
  spanId: id.optional(),
  service: shortText.optional(),
  environment: shortText.optional(),
  release: shortText.optional(),
  metadata: jsonObject
    .refine((value) => Buffer.byteLength(JSON.stringify(value)) <= MAX_METADATA_BYTES, {
      message: `must be at most ${MAX_METADATA_BYTES / 1024} KiB as JSON`,
    })
    .optional(),
};

const event = <K extends EventType, T extends z.ZodRawShape>(type: K, shape: T) =>
  z.looseObject({ ...common, type: z.literal(type), ...shape });

export const eventSchemas = {
  'message.received': event('message.received', { messageLength: count.optional() }),
  'ai.call': event('ai.call', {
    model: shortText,
    durationMs: ms,
    provider: shortText.optional(),
    timeToFirstTokenMs: ms.optional(),
    inputTokens: count.optional(),
    outputTokens: count.optional(),
    cacheReadTokens: count.optional(),
    cacheWriteTokens: count.optional(),
    costUsd: z.number().finite().nonnegative().max(1_000_000).optional(),
    temperature: float4.min(0).max(2).optional(),
    contextLength: count.optional(),
    status: z.enum(['ok', 'error']).optional(),
    errorType: shortText.optional(),
    cached: z.boolean().optional(),
  }),
  'response.sent': event('response.sent', {
    durationMs: ms,
    timeToFirstTokenMs: ms.optional(),
    responseLength: count.optional(),
    streamed: z.boolean().optional(),
  }),
  'http.request': event('http.request', {
    route: text(512).min(1),
    status: z.number().int().min(100).max(599),
    durationMs: ms,
    method: z.string().min(1).max(16).optional(),
    requestBytes: count.optional(),
    responseBytes: count.optional(),
  }),
  cache: event('cache', {
    operation: z.enum(['get', 'set', 'delete']),
    cache: shortText.optional(),
    hit: z.boolean().optional(),
    durationMs: ms.optional(),
  }),
  rate_limit: event('rate_limit', {
    route: text(512).min(1),
    scope: shortText.optional(),
    limit: count.optional(),
  }),
  error: event('error', {
    errorType: shortText,
    message: text(4096).min(1),
    source: z.enum(ERROR_SOURCES).optional(),
    stack: text(16_384).optional(),
    route: text(512).optional(),
    status: z.number().int().min(100).max(599).optional(),
  }),
  log: event('log', {
    level: z.enum(LOG_LEVELS),
    event: shortText,
    message: text(4096).optional(),
    data: jsonObject.optional(),
    error: z.union([z.string().max(16_384), jsonObject]).optional(),
  }),
  feedback: event('feedback', {
    score: z.number().int().min(1).max(5),
    messageId: id.optional(),
    comment: text(4096).optional(),
  }),
  'page.view': event('page.view', { path: text(1024).min(1) }),
  'web.vital': event('web.vital', {
    name: z.enum(WEB_VITALS),
    value: z.number().finite().nonnegative(),
    path: text(1024).optional(),
  }),
  'auth.attempt': event('auth.attempt', {
    outcome: z.enum(['success', 'failure']),
    method: shortText.optional(),
    reason: text(512).optional(),
  }),
  metric: event('metric', {
    name: shortText,
    value: z.number().finite(),
    unit: z.string().min(1).max(32).optional(),
    labels: z.record(z.string().max(128), z.string().max(256)).optional(),
  }),
  retrieval: event('retrieval', {
    durationMs: ms,
    resultCount: count.optional(),
    topScore: float4.optional(),
  }),
} as const satisfies Record<EventType, z.ZodType>;

export type IngestEvent = { [K in EventType]: z.infer<(typeof eventSchemas)[K]> }[EventType];

export type EventError = { index: number; id?: string; message: string };
export type ParsedEvent = { index: number; event: IngestEvent; ts: Date };

/** Validates one event; the clock and retention are parameters so the rule is testable. */
export function parseEvent(
  raw: unknown,
  index: number,
  now: Date,
  retentionDays: number,
): { ok: true; value: ParsedEvent } | { ok: false; error: EventError } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, error: { index, message: 'event must be a JSON object' } };
  }
  const record = raw as Record<string, unknown>;
  const rawId = typeof record.id === 'string' ? record.id : undefined;
  const fail = (message: string) => ({
    ok: false as const,
    error: { index, ...(rawId ? { id: rawId } : {}), message },
  });
  if (typeof record.type !== 'string') return fail('type: required; one of ' + EVENT_TYPES.join(', '));
  const schema = eventSchemas[record.type as EventType] as z.ZodType<IngestEvent> | undefined;
  if (!schema)
    return fail(
      `type: unknown type "${record.type.slice(0, 64)}"; expected one of ${EVENT_TYPES.join(', ')}`,
    );
  const unstorable = findUnstorableText(record, '');
  if (unstorable) return fail(unstorable);
  const result = schema.safeParse(raw);
  if (!result.success) return fail(formatIssues(result.error.issues));
  const ts = result.data.timestamp === undefined ? now : new Date(result.data.timestamp);
  if (Number.isNaN(ts.getTime())) return fail('timestamp: not a valid date');
  if (ts.getTime() > now.getTime() + MAX_FUTURE_SKEW_MS) {
    return fail('timestamp: more than 5 minutes in the future; check the sender clock');
  }
  if (ts.getTime() < now.getTime() - retentionDays * 86_400_000) {
    return fail(`timestamp: older than the ${retentionDays}-day retention window`);
  }
  return { ok: true, value: { index, event: result.data, ts } };
}

/**
 * Postgres text and JSON cannot hold NUL characters or unpaired UTF-16 surrogates (JSON allows both as escapes):
 * such an event is refused with the path to fix, instead of failing the whole batch at the database.
 */
export function findUnstorableText(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') {
    if (value.includes('\0'))
      return `${path || 'event'}: contains a NUL character (\\u0000), which cannot be stored; remove it`;
    if (!value.isWellFormed()) {
      return `${path || 'event'}: is not valid Unicode (an unpaired surrogate such as \\ud800); send well-formed UTF-8 text`;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorableText(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  for (const key in value) {
    const at = path ? `${path}.${key}` : key;
    const found =
      findUnstorableText(key, at) ?? findUnstorableText((value as Record<string, unknown>)[key], at);
    if (found) return found;
  }
  return undefined;
}

function formatIssues(issues: z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'event'}: ${issue.message}`)
    .join('; ');
}
