import type { NewEventRow } from '@/db/schema';
import { computeCost, type PriceTable } from './pricing';
import type { IngestEvent, ParsedEvent } from './schema';

/** Event fields stored in typed columns, by event field name; everything else goes to `attributes`. */
const COLUMNS: Record<string, keyof NewEventRow> = {
  userId: 'userId',
  sessionId: 'sessionId',
  conversationId: 'conversationId',
  traceId: 'traceId',
  spanId: 'spanId',
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

/** Fields whose column depends on the event type. */
function typedColumn(event: IngestEvent, field: string): keyof NewEventRow | undefined {
  if (field === 'status') return event.type === 'ai.call' ? 'status' : 'httpStatus';
  if (field === 'event' && event.type === 'log') return 'name';
  if (field === 'method' && event.type === 'auth.attempt') return undefined;
  return COLUMNS[field];
}

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
  const attributes: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(event)) {
    if (SKIP.has(field) || value === undefined) continue;
    const column = typedColumn(event, field);
    if (column) row[column] = value;
    else attributes[field] = value;
  }
  if (event.type === 'ai.call' && event.status === undefined) row.status = event.errorType ? 'error' : 'ok';
  if (event.type === 'ai.call' && event.costUsd === undefined) {
    const cost = computeCost(event.model, event, prices);
    if (cost !== undefined) row.costUsd = cost;
  }
  if (Object.keys(attributes).length > 0) row.attributes = attributes;
  return row as NewEventRow;
}
