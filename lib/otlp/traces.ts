import { cut, number, text, attributes, type Attrs } from './attributes';
import { enumValue, hexId, list, nanos, toMs } from './decode';
import { MAX_OTLP_EXCEPTIONS_PER_SPAN } from './limits';
import { checkItemCount, originOf, type Mapped, type Origin } from './resource';

const SPAN_KINDS = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
] as const;
const KIND_NAMES = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;
const STATUS_CODES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'] as const;
const STATUS_ERROR = 2;
const SERVER = 2;

export type Span = {
  traceId?: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attrs: Attrs;
  events: { timeNs?: bigint; name: string; attrs: Attrs }[];
  status: { code: number; message?: string };
  origin: Origin;
  /** The AI SDK operation, once looked up (null: none). */
  aiOperation?: string | null;
};

/** The spans of an ExportTraceServiceRequest, in order, with the problem of each span that cannot be read. */
export function readSpans(request: Record<string, unknown>): { spans: (Span | string)[] } {
  const spans: (Span | string)[] = [];
  for (const resourceSpans of list(request, 'resourceSpans')) {
    for (const scopeSpans of list(resourceSpans, 'scopeSpans')) {
      const origin = originOf(resourceSpans, scopeSpans);
      for (const raw of list(scopeSpans, 'spans')) {
        checkItemCount(spans.length, 'spans');
        spans.push(readSpan(raw, origin));
      }
    }
  }
  return { spans };
}

function readSpan(raw: unknown, origin: Origin): Span | string {
  if (typeof raw !== 'object' || raw === null) return 'span: must be an object';
  const s = raw as Record<string, unknown>;
  const spanId = hexId(s.spanId, 8);
  if (!spanId) return 'spanId: required, 8 bytes (16 hex digits in OTLP/JSON), not all zero';
  const traceId = hexId(s.traceId, 16);
  if (traceId === null) return 'traceId: must be 16 bytes (32 hex digits in OTLP/JSON)';
  const parentSpanId = hexId(s.parentSpanId, 8);
  if (parentSpanId === null) return 'parentSpanId: must be 8 bytes (16 hex digits in OTLP/JSON)';
  const startNs = nanos(s.startTimeUnixNano);
  const endNs = nanos(s.endTimeUnixNano) ?? startNs;
  if (startNs === undefined || endNs === undefined)
    return 'startTimeUnixNano: required, nanoseconds since the epoch';
  if (endNs < startNs) return 'endTimeUnixNano: is before startTimeUnixNano';
  const status = (s.status ?? {}) as Record<string, unknown>;
  const name = typeof s.name === 'string' && s.name.length > 0 ? cut(s.name, 512) : '(unnamed span)';
  // Fields set one by one rather than spread: a span is read for every item of every export.
  const span: Span = {
    spanId,
    name,
    kind: enumValue(s.kind, SPAN_KINDS),
    startNs,
    endNs,
    attrs: attributes(s.attributes),
    events: [],
    status: { code: enumValue(status.code, STATUS_CODES) },
    origin,
  };
  if (traceId) span.traceId = traceId;
  if (parentSpanId) span.parentSpanId = parentSpanId;
  if (typeof status.message === 'string' && status.message) span.status.message = cut(status.message);
  for (const e of list(s, 'events')) {
    const event = (e ?? {}) as Record<string, unknown>;
    span.events.push({
      timeNs: nanos(event.timeUnixNano),
      name: typeof event.name === 'string' ? event.name : '',
      attrs: attributes(event.attributes),
    });
  }
  return span;
}

/** The AI SDK's operation of a span (`ai.streamText.doStream`), from its attribute or its name; found once. */
function aiSdkOperation(span: Span): string | undefined {
  if (span.aiOperation !== undefined) return span.aiOperation ?? undefined;
  const op =
    text(span.attrs, 'ai.operationId') ??
    (/^ai\.[A-Za-z]+(\.do[A-Za-z]+)?$/.test(span.name) && 'ai.model.id' in span.attrs
      ? span.name
      : undefined);
  span.aiOperation = op ?? null;
  return op;
}

const AI_SDK_CALL = /\.do(Stream|Generate)$/;
const GEN_AI_CALL_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content']);

/**
 * Whether a span is one model call: the AI SDK's `doStream`/`doGenerate` span (not its outer `ai.streamText`), or
 * a GenAI span of an instrumented SDK (a request model, or a chat operation, and a provider).
 */
export function isAiSdkCall(span: Span): boolean {
  const op = aiSdkOperation(span);
  return op !== undefined && AI_SDK_CALL.test(op);
}

function isGenAiCall(span: Span): boolean {
  if (aiSdkOperation(span) !== undefined) return false;
  const operation = text(span.attrs, 'gen_ai.operation.name');
  if (operation && !GEN_AI_CALL_OPERATIONS.has(operation)) return false;
  return (
    text(span.attrs, 'gen_ai.request.model', 'gen_ai.response.model') !== undefined &&
    text(span.attrs, 'gen_ai.provider.name', 'gen_ai.system') !== undefined
  );
}

/**
 * Model calls stored by earlier exports that this export's spans relate to (lib/otlp/stored.ts): a child span ends
 * before its parent, so a batch processor often exports an instrumented SDK's span before the AI SDK span above it.
 */
export type StoredCalls = {
  /** Parent span ids of this export's spans that are stored as `ai.call`. */
  callParents: ReadonlySet<string>;
  /** Span ids of this export's spans that a call stored before them names as its parent (otlp_call_parents). */
  parentsOfCalls: ReadonlySet<string>;
};

export const NO_STORED_CALLS: StoredCalls = { callParents: new Set(), parentsOfCalls: new Set() };

/** Spans `mapSpans` may treat as model calls, for the lookup of related stored calls. */
export function callCandidates(spans: readonly (Span | string)[]): Span[] {
  return spans.filter((s): s is Span => typeof s !== 'string' && (isAiSdkCall(s) || isGenAiCall(s)));
}

/**
 * Spans to events, each under the span's id (so a re-exported span is stored once): one model call is one
 * `ai.call`, an HTTP server span is an `http.request`, any other span is a `span` of its trace; each `exception`
 * span event, or a failed span without one, is also an `error`. One request is one call: a GenAI span of an
 * instrumented SDK under a model-call span (the AI SDK's, or another instrumentation's) of this export or stored
 * before is kept as a `span`, and a model-call span whose child was stored as the call before it arrived is too.
 */
export function mapSpans(request: Record<string, unknown>, stored: StoredCalls = NO_STORED_CALLS): Mapped {
  return mapReadSpans(readSpans(request).spans, stored);
}

/** `mapSpans` of spans already read (`readSpans`). */
export function mapReadSpans(
  spans: readonly (Span | string)[],
  stored: StoredCalls = NO_STORED_CALLS,
): Mapped {
  const candidates = new Set(callCandidates(spans).map((span) => span.spanId));
  const inRequest = new Set(spans.flatMap((s) => (typeof s === 'string' ? [] : [s.spanId])));
  const isCall = (span: Span): boolean =>
    candidates.has(span.spanId) &&
    !stored.parentsOfCalls.has(span.spanId) &&
    (isAiSdkCall(span) ||
      span.parentSpanId === undefined ||
      // Under a model-call span, counted or itself under one: the same request either way.
      (!candidates.has(span.parentSpanId) && !stored.callParents.has(span.parentSpanId)));
  const mapped: Mapped = { events: [], items: [], rejections: [], total: spans.length, orphanCalls: [] };
  spans.forEach((span, index) => {
    if (typeof span === 'string') {
      mapped.rejections.push({ index, message: span });
      return;
    }
    const push = (event: Record<string, unknown>) => {
      mapped.events.push(event);
      mapped.items.push(index);
    };
    const base = baseOf(span);
    const modelCall = isCall(span);
    // An instrumented SDK's call under a parent not here yet: the AI SDK's span, say, which ends after it.
    if (
      modelCall &&
      !isAiSdkCall(span) &&
      span.parentSpanId !== undefined &&
      !inRequest.has(span.parentSpanId)
    )
      mapped.orphanCalls!.push({ item: index, parentSpanId: span.parentSpanId });
    if (modelCall) push(aiCall(span, base));
    else if (span.kind === SERVER && isHttp(span)) push(httpRequest(span, base));
    else push(spanEvent(span, base));
    // An error under a model call is the model's, whichever span of the call carried it.
    for (const error of errors(span, base, modelCall || candidates.has(span.spanId))) push(error);
  });
  return mapped;
}

type Base = Record<string, unknown>;

function baseOf(span: Span): Base {
  const a = span.attrs;
  const base: Base = Object.assign({}, span.origin.common);
  base.timestamp = toMs(span.startNs);
  if (span.traceId) base.traceId = span.traceId;
  base.spanId = span.spanId;
  if (span.parentSpanId) base.parentSpanId = span.parentSpanId;
  const userId = text(a, 'ai.telemetry.metadata.userId', 'user.id', 'enduser.id');
  if (userId) base.userId = cut(userId, 256);
  const sessionId = text(a, 'ai.telemetry.metadata.sessionId', 'session.id');
  if (sessionId) base.sessionId = cut(sessionId, 256);
  const conversationId = text(a, 'gen_ai.conversation.id', 'ai.telemetry.metadata.conversationId');
  if (conversationId) base.conversationId = cut(conversationId, 256);
  return base;
}

const durationMs = (span: Span) => Number(span.endNs - span.startNs) / 1e6;

function aiCall(span: Span, base: Base): Record<string, unknown> {
  const a = span.attrs;
  const model =
    text(a, 'gen_ai.response.model', 'ai.response.model', 'gen_ai.request.model', 'ai.model.id') ?? 'unknown';
  // The AI SDK names its provider `anthropic.messages` (in gen_ai.system too): the first part is the provider.
  const provider = isAiSdkCall(span)
    ? text(a, 'ai.model.provider', 'gen_ai.provider.name', 'gen_ai.system')?.split('.')[0]
    : text(a, 'gen_ai.provider.name', 'gen_ai.system');
  const usage = tokens(a);
  const ttftMs =
    number(a, 'ai.response.msToFirstChunk') ??
    secondsToMs(number(a, 'gen_ai.response.time_to_first_chunk', 'gen_ai.server.time_to_first_token'));
  const temperature = number(a, 'gen_ai.request.temperature', 'ai.settings.temperature');
  const errorType = text(a, 'error.type') ?? (span.status.code === STATUS_ERROR ? 'error' : undefined);
  // Assigned one by one on a copy of the span's base (errors share it): spreads cost more at this volume.
  const event: Record<string, unknown> = Object.assign({}, base);
  event.type = 'ai.call';
  event.id = span.spanId;
  event.model = cut(model, 128);
  event.durationMs = durationMs(span);
  if (provider) event.provider = cut(provider, 128);
  Object.assign(event, usage);
  if (ttftMs !== undefined && ttftMs >= 0) event.timeToFirstTokenMs = ttftMs;
  if (temperature !== undefined && temperature >= 0 && temperature <= 2) event.temperature = temperature;
  event.status = errorType ? 'error' : 'ok';
  if (errorType) event.errorType = cut(errorType, 128);
  return event;
}

const secondsToMs = (s: number | undefined) => (s === undefined ? undefined : s * 1000);
const count = (n: number | undefined) => (n !== undefined && n >= 0 ? Math.round(n) : undefined);

/**
 * Token counts as our columns hold them, Anthropic's way: input tokens without the cache's. The GenAI conventions'
 * `gen_ai.usage.input_tokens` and the AI SDK's `ai.usage.inputTokens` are totals that include cache reads and
 * writes, so those are taken out (the AI SDK's `noCacheTokens` is used when present), unless the total is below
 * them, which only a count without the cache's can be.
 */
export function tokens(a: Attrs): Record<string, number> {
  const cacheRead = count(
    number(
      a,
      'gen_ai.usage.cache_read.input_tokens',
      'gen_ai.usage.cache_read_input_tokens',
      'ai.usage.inputTokenDetails.cacheReadTokens',
      'ai.usage.cachedInputTokens',
    ),
  );
  const cacheWrite = count(
    number(
      a,
      'gen_ai.usage.cache_creation.input_tokens',
      'gen_ai.usage.cache_creation_input_tokens',
      'ai.usage.inputTokenDetails.cacheWriteTokens',
    ),
  );
  const noCache = count(number(a, 'ai.usage.inputTokenDetails.noCacheTokens'));
  const total = count(
    number(
      a,
      'gen_ai.usage.input_tokens',
      'ai.usage.inputTokens',
      'gen_ai.usage.prompt_tokens',
      'ai.usage.promptTokens',
    ),
  );
  const cached = (cacheRead ?? 0) + (cacheWrite ?? 0);
  // A total below its own cache tokens cannot include them: an instrumentation that copied Anthropic's
  // `input_tokens` (already without the cache's) into the convention's name. Take it as it is.
  const input = noCache ?? (total === undefined ? undefined : total >= cached ? total - cached : total);
  const output = count(
    number(
      a,
      'gen_ai.usage.output_tokens',
      'ai.usage.outputTokens',
      'gen_ai.usage.completion_tokens',
      'ai.usage.completionTokens',
    ),
  );
  const usage: Record<string, number> = {};
  if (input !== undefined) usage.inputTokens = input;
  if (output !== undefined) usage.outputTokens = output;
  if (cacheRead !== undefined) usage.cacheReadTokens = cacheRead;
  if (cacheWrite !== undefined) usage.cacheWriteTokens = cacheWrite;
  return usage;
}

function isHttp(span: Span): boolean {
  return (
    number(span.attrs, 'http.response.status_code', 'http.status_code') !== undefined ||
    'http.route' in span.attrs
  );
}

function httpRequest(span: Span, base: Base): Record<string, unknown> {
  const a = span.attrs;
  const code = number(a, 'http.response.status_code', 'http.status_code');
  const status =
    code !== undefined && code >= 100 && code <= 599 ? code : span.status.code === STATUS_ERROR ? 500 : 200;
  // A route template when the instrumentation knows it; else the path with its ids folded (/users/:id), so
  // every user's URL does not become a route of its own.
  const template = text(a, 'http.route');
  const route = template ?? routeOfPath(text(a, 'url.path', 'http.target') ?? span.name);
  const method = text(a, 'http.request.method', 'http.method');
  const event: Record<string, unknown> = Object.assign({}, base);
  event.type = 'http.request';
  event.id = span.spanId;
  event.route = cut(route.split('?')[0]!, 512);
  event.status = status;
  event.durationMs = durationMs(span);
  if (method) event.method = cut(method, 16);
  return event;
}

/** A path's segments that look like ids (numbers, UUIDs, long hex or mixed tokens) as `:id`, the query left out. */
export function routeOfPath(path: string): string {
  return path
    .split('?')[0]!
    .split('/')
    .map((segment) =>
      /^\d+$/.test(segment) ||
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(segment) ||
      /^[0-9a-f]{16,}$/i.test(segment) ||
      (segment.length >= 16 && /\d/.test(segment) && /^[\w-]+$/.test(segment))
        ? ':id'
        : segment,
    )
    .join('/');
}

function spanEvent(span: Span, base: Base): Record<string, unknown> {
  const event: Record<string, unknown> = Object.assign({}, base);
  event.type = 'span';
  event.id = span.spanId;
  event.name = span.name;
  event.kind = KIND_NAMES[span.kind] ?? 'unspecified';
  event.durationMs = durationMs(span);
  event.status = span.status.code === STATUS_ERROR ? 'error' : span.status.code === 1 ? 'ok' : 'unset';
  if (span.status.message) event.statusMessage = span.status.message;
  event.otel = otelOf(span);
  return event;
}

/** One `error` per `exception` span event (the first MAX_OTLP_EXCEPTIONS_PER_SPAN); a failed span without one is one `error` itself. */
function errors(span: Span, base: Base, modelCall: boolean): Record<string, unknown>[] {
  const source = modelCall ? 'ai' : 'api';
  const route = text(span.attrs, 'http.route');
  const out: Record<string, unknown>[] = [];
  span.events.forEach((event, i) => {
    if (event.name !== 'exception' || out.length >= MAX_OTLP_EXCEPTIONS_PER_SPAN) return;
    const type = text(event.attrs, 'exception.type') ?? 'Error';
    const message =
      text(event.attrs, 'exception.message') ?? span.status.message ?? `${span.name} threw ${type}`;
    const stack = text(event.attrs, 'exception.stacktrace');
    out.push({
      ...base,
      ...(event.timeNs ? { timestamp: toMs(event.timeNs) } : {}),
      type: 'error',
      id: `${span.spanId}.exception.${i}`,
      errorType: cut(type, 128),
      message: cut(message, 4096),
      source,
      ...(stack ? { stack: cut(stack, 16_384) } : {}),
      ...(route ? { route: cut(route, 512) } : {}),
    });
  });
  if (out.length === 0 && span.status.code === STATUS_ERROR) {
    const type = text(span.attrs, 'error.type') ?? 'SpanError';
    out.push({
      ...base,
      timestamp: toMs(span.endNs),
      type: 'error',
      id: `${span.spanId}.error`,
      errorType: cut(type, 128),
      message: span.status.message ?? `${span.name} failed`,
      source,
      ...(route ? { route: cut(route, 512) } : {}),
    });
  }
  return out;
}

/** What the span carried beyond the mapped fields, kept with each of its events. */
function otelOf(span: Span): Record<string, unknown> {
  return {
    ...(span.origin.scope ? { scope: span.origin.scope } : {}),
    attributes: span.attrs,
  };
}
