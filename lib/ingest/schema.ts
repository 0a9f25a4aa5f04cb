import { z } from 'zod';
import { findEventProblem } from './bounds';
import { MAX_FUTURE_SKEW_MS, MAX_METADATA_BYTES } from './limits';

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
  'span',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** What a browser key may send: what a page reports about itself. `error` only with source `client`. */
export const BROWSER_EVENT_TYPES = ['page.view', 'web.vital', 'error', 'feedback'] as const satisfies readonly EventType[];

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'critical'] as const;
export const WEB_VITALS = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB', 'FID'] as const;
export const ERROR_SOURCES = ['api', 'ai', 'client', 'database', 'cache'] as const;
export const SPAN_KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;
export const SPAN_STATUSES = ['unset', 'ok', 'error'] as const;

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

const timestamp = z.union(
  [
    z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone' }),
    z.number().int().nonnegative(),
  ],
  {
    error: (issue) =>
      typeof issue.input === 'number'
        ? 'epoch milliseconds must be a whole number, 0 or more'
        : `expected an ISO 8601 date-time with a time zone (string) or epoch milliseconds (number), received ${kindOf(issue.input)}`,
  },
);

const common = {
  type: z.enum(EVENT_TYPES),
  id: z.string().min(1).max(128).optional(),
  timestamp: timestamp.optional(),
  userId: id.optional(),
  sessionId: id.optional(),
  conversationId: id.optional(),
  traceId: id.optional(),
  spanId: id.optional(),
  parentSpanId: id.optional(),
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
    error: z
      .union([z.string().max(16_384), jsonObject], {
        error: (issue) => `expected a string or an object, received ${kindOf(issue.input)}`,
      })
      .optional(),
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
  /** A span of a trace that no other type describes (what the OTLP receiver keeps of other spans). */
  span: event('span', {
    name: text(512).min(1),
    durationMs: ms,
    kind: z.enum(SPAN_KINDS).optional(),
    status: z.enum(SPAN_STATUSES).optional(),
    statusMessage: text(4096).optional(),
  }),
} as const satisfies Record<EventType, z.ZodType>;

export type IngestEvent = { [K in EventType]: z.infer<(typeof eventSchemas)[K]> }[EventType];

/**
 * The fields each type declares. Only these reach typed columns; any other field (one of another type
 * included, such as `value` on an `ai.call`) is kept in `attributes` as it came, whatever its JSON kind.
 */
export const EVENT_FIELDS: Record<EventType, ReadonlySet<string>> = Object.fromEntries(
  EVENT_TYPES.map((type) => [type, new Set(Object.keys(eventSchemas[type].shape))]),
) as Record<EventType, Set<string>>;

export type EventError = { index: number; id?: string; message: string };
export type ParsedEvent = { index: number; event: IngestEvent; ts: Date };

const isEventType = (type: string): type is EventType => Object.hasOwn(eventSchemas, type);

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
  const rawId = typeof record.id === 'string' ? record.id.slice(0, 128) : undefined;
  const fail = (message: string) => ({
    ok: false as const,
    error: { index, ...(rawId ? { id: rawId } : {}), message },
  });
  if (typeof record.type !== 'string') return fail('type: required; one of ' + EVENT_TYPES.join(', '));
  if (!isEventType(record.type)) {
    return fail(
      `type: unknown type "${record.type.slice(0, 64)}"; expected one of ${EVENT_TYPES.join(', ')}`,
    );
  }
  // Before anything else reads the event: the bounds keep every later walk (zod, JSON.stringify) shallow.
  const problem = findEventProblem(record);
  if (problem) return fail(problem);
  const schema = eventSchemas[record.type] as z.ZodType<IngestEvent>;
  const result = schema.safeParse(raw);
  if (!result.success) return fail(formatIssues(result.error.issues, raw));
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

/** The JSON kind of a decoded value: string, number, boolean, null, array or object. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

const EXPECTED_KIND: Record<string, string> = { record: 'object', int: 'integer' };

/**
 * One message per field (a string sent as an array also fails its length check), five fields at most, naming the
 * expected kind or values and what was sent. Built from the event itself: a per-parse error map would cost zod
 * its fast path on every valid event too.
 */
function formatIssues(issues: z.core.$ZodIssue[], event: unknown): string {
  const seen = new Set<string>();
  const messages: string[] = [];
  for (const issue of issues) {
    const path = issue.path.length ? issue.path.join('.') : 'event';
    if (seen.has(path)) continue;
    seen.add(path);
    messages.push(`${path}: ${issueMessage(issue, valueAt(event, issue.path))}`);
  }
  return messages.slice(0, 5).join('; ');
}

function issueMessage(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.code === 'invalid_type') {
    return `expected ${EXPECTED_KIND[issue.expected] ?? issue.expected}, received ${kindOf(input)}`;
  }
  if (issue.code === 'invalid_value') {
    const values = `${issue.values.length > 1 ? 'one of ' : ''}${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    const expectedKind = kindOf(issue.values[0]);
    if (kindOf(input) !== expectedKind)
      return `expected ${expectedKind} (${values}), received ${kindOf(input)}`;
    return `expected ${values}, received ${JSON.stringify(String(input).slice(0, 40))}`;
  }
  return issue.message;
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || typeof key === 'symbol') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}
