import { sql } from 'drizzle-orm';
import {
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  smallint,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { projects } from './projects';

/**
 * One row per ingested event. Fields that dashboards and alerts aggregate are typed columns;
 * everything else of the event (metadata, labels, stack, comment, ...) lands in `attributes`.
 * Partitioned by RANGE (ts), one partition per UTC day (migration 0009_partitioned_events, db/partitions.ts).
 * The primary key (project_id, event_id, ts) is the idempotency key: a partitioned table's unique key must hold
 * the partition column, so a retried event is stored once when it keeps its id and its timestamp.
 */
export const events = pgTable(
  'events',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    eventId: text('event_id').notNull(),
    type: text('type').notNull(),
    ts: timestamp('ts', { withTimezone: true }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    userId: text('user_id'),
    sessionId: text('session_id'),
    conversationId: text('conversation_id'),
    traceId: text('trace_id'),
    spanId: text('span_id'),
    parentSpanId: text('parent_span_id'),
    service: text('service').notNull().default('app'),
    environment: text('environment'),
    release: text('release'),
    model: text('model'),
    provider: text('provider'),
    durationMs: doublePrecision('duration_ms'),
    ttftMs: doublePrecision('ttft_ms'),
    inputTokens: integer('input_tokens'),
    outputTokens: integer('output_tokens'),
    cacheReadTokens: integer('cache_read_tokens'),
    cacheWriteTokens: integer('cache_write_tokens'),
    costUsd: doublePrecision('cost_usd'),
    temperature: real('temperature'),
    contextLength: integer('context_length'),
    /** ai.call outcome: ok | error; span status: unset | ok | error. */
    status: text('status'),
    /** HTTP status of http.request and error events. */
    httpStatus: smallint('http_status'),
    errorType: text('error_type'),
    /** Error source (api, ai, client, database, cache) or log level. */
    source: text('source'),
    level: text('level'),
    route: text('route'),
    method: text('method'),
    path: text('path'),
    /** web.vital name, metric name, log event name. */
    name: text('name'),
    value: doublePrecision('value'),
    unit: text('unit'),
    score: smallint('score'),
    outcome: text('outcome'),
    operation: text('operation'),
    cacheName: text('cache_name'),
    hit: boolean('hit'),
    cached: boolean('cached'),
    streamed: boolean('streamed'),
    /** messageLength of message.received, responseLength of response.sent. */
    length: integer('length'),
    requestBytes: integer('request_bytes'),
    responseBytes: integer('response_bytes'),
    resultCount: integer('result_count'),
    topScore: real('top_score'),
    message: text('message'),
    attributes: jsonb('attributes').$type<Record<string, unknown>>(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.eventId, t.ts] }),
    // Rebuilt with INCLUDE columns in migration 0002_dashboard_reads (drizzle cannot declare INCLUDE), so
    // the dashboards read one type's fields with index-only scans instead of visiting every heap page.
    index('events_project_type_ts_idx').on(t.projectId, t.type, t.ts),
    index('events_project_ts_idx').on(t.projectId, t.ts),
    // Attributes a rating to the model that answered (latest call of the conversation before the rating).
    index('events_ai_conversation_idx')
      .on(t.projectId, t.conversationId, t.ts)
      .where(sql`type = 'ai.call' and conversation_id is not null`),
    // The sessions active at a range's edge: their events within the edge's hour, read per session
    // (lib/metrics/queries/sessions.ts) instead of scanning every event of the edge.
    index('events_session_ts_idx').on(t.projectId, t.sessionId, t.ts).where(sql`session_id is not null`),
    // The rollup job scans recent received_at ranges. received_at follows the order rows were written in only
    // until vacuum records the room left in full pages and later rows fill it; reads bound their tail from
    // event_arrivals instead (event-activity.ts).
    index('events_received_at_brin').using('brin', t.receivedAt).with({ pages_per_range: 32 }),
  ],
);

export type EventRow = typeof events.$inferSelect;
export type NewEventRow = typeof events.$inferInsert;
