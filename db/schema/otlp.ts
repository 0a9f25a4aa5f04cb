import { index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { projects } from './projects';

/**
 * The parents of model calls stored from OTLP spans whose parent span had not arrived (lib/otlp/stored.ts): a
 * child ends before its parent, so a batch processor often exports an instrumented SDK's GenAI span before the AI
 * SDK span above it. When that parent arrives it finds itself here and is kept as a `span`, so the call counts
 * once. Kept an hour (a parent arrives within seconds of its child).
 */
export const otlpCallParents = pgTable(
  'otlp_call_parents',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    parentSpanId: text('parent_span_id').notNull(),
    storedAt: timestamp('stored_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'otlp_call_parents_pk', columns: [t.projectId, t.parentSpanId] }),
    index('otlp_call_parents_stored_at_idx').on(t.storedAt),
  ],
);
