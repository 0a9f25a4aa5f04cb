import type { NewEventRow } from '@/db/schema';
import { computeCost, type PriceTable } from './pricing';
import { EVENT_FIELDS, EVENT_TYPES, type EventType, type ParsedEvent } from './schema';

/** The typed column of an event field, for the types that declare the field; everything else goes to `attributes`. */
const COLUMNS: Record<string, keyof NewEventRow> = {
  userId: 'userId',
  sessionId: 'sessionId',
  conversationId: 'conversationId',
  traceId: 'traceId',
  spanId: 'spanId',
  parentSpanId: 'parentSpanId',
  environment: 'environment',
  release: 'release',
  model: 'model',
  provider: 'provider',
  durationMs: 'durationMs',
  timeToFirstTokenMs: 'ttftMs',
  inputTokens: 'inputTokens',
  outputTokens: 'outputTokens',
  cacheReadTokens: 'cacheReadTokens',
  cacheWriteTokens: 'cacheWriteTokens',
  costUsd: 'costUsd',
  temperature: 'temperature',
  contextLength: 'contextLength',
  errorType: 'errorType',
  cached: 'cached',
  streamed: 'streamed',
  route: 'route',
  method: 'method',
  requestBytes: 'requestBytes',
  responseBytes: 'responseBytes',
  operation: 'operation',
  cache: 'cacheName',
  hit: 'hit',
  message: 'message',
  source: 'source',
  level: 'level',
  score: 'score',
  path: 'path',
  name: 'name',
  value: 'value',
  unit: 'unit',
  outcome: 'outcome',
  resultCount: 'resultCount',
  topScore: 'topScore',
  messageLength: 'length',
  responseLength: 'length',
};

/**
 * Per event type, the column of each field that type declares (validated for that column's kind). A field the
 * type does not declare, one of another type included (`value` on an `ai.call`), goes to `attributes`.
 */
export const COLUMNS_BY_TYPE: Record<EventType, ReadonlyMap<string, keyof NewEventRow>> = Object.fromEntries(
  EVENT_TYPES.map((type) => {
    const columns = new Map<string, keyof NewEventRow>();
    for (const field of EVENT_FIELDS[type]) {
      // The outcome of a model call or a span is text; every other type's status is an HTTP status.
      const textStatus = type === 'ai.call' || type === 'span';
      const column = field === 'status' ? (textStatus ? 'status' : 'httpStatus') : COLUMNS[field];
      if (column) columns.set(field, column);
    }
    if (type === 'log') columns.set('event', 'name');
    // An auth method (password, oauth) is not an HTTP method.
    if (type === 'auth.attempt') columns.delete('method');
    return [type, columns];
  }),
) as Record<EventType, Map<string, keyof NewEventRow>>;
const SKIP = new Set(['type', 'id', 'timestamp', 'service']);

export function toRow(
  projectId: string,
  parsed: ParsedEvent,
  eventId: string,
  prices?: PriceTable,
): NewEventRow {
  const { event, ts } = parsed;
  const row: Record<string, unknown> = {
    projectId,
    eventId,
    type: event.type,
    ts,
    service: event.service ?? 'app',
  };
  const columns = COLUMNS_BY_TYPE[event.type];
  let attributes: Record<string, unknown> | undefined;
  for (const field in event) {
    const value = (event as Record<string, unknown>)[field];
    if (value === undefined || SKIP.has(field)) continue;
    const column = columns.get(field);
    if (column) row[column] = value;
    // No prototype, so a field named __proto__ is kept like any other.
    else (attributes ??= Object.create(null) as Record<string, unknown>)[field] = value;
  }
  if (event.type === 'ai.call' && event.status === undefined) row.status = event.errorType ? 'error' : 'ok';
  if (event.type === 'ai.call' && event.costUsd === undefined) {
    const cost = computeCost(event.model, event, prices);
    if (cost !== undefined) row.costUsd = cost;
  }
  if (attributes) row.attributes = attributes;
  return row as NewEventRow;
}
