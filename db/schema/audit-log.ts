import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/** Audit entries survive their project (no FK): an API-key failure may name no project at all. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    projectId: uuid('project_id'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    target: text('target'),
    ip: text('ip'),
    details: jsonb('details').$type<Record<string, unknown>>(),
    /** Repeated events (failed keys from one source in one minute) share a key and bump `count` instead of adding rows. */
    summaryKey: text('summary_key'),
    count: integer('count').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.id] }),
    index('audit_log_project_at_idx').on(t.projectId, t.at),
    index('audit_log_at_idx').on(t.at),
    uniqueIndex('audit_log_summary_key').on(t.summaryKey),
  ],
);

export type AuditEntry = typeof auditLog.$inferSelect;
export type NewAuditEntry = typeof auditLog.$inferInsert;
