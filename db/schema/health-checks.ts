import { bigint, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import type { CheckName, ProbeState } from '@/lib/health/status';

/** One probe result per dependency per recorded health report; installation-wide, so no project_id. */
export const healthChecks = pgTable(
  'health_checks',
  {
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    checkedAt: timestamp('checked_at', { withTimezone: true }).notNull().defaultNow(),
    dependency: text('dependency').$type<CheckName>().notNull(),
    state: text('state').$type<ProbeState>().notNull(),
    latencyMs: integer('latency_ms'),
    reason: text('reason'),
  },
  (t) => [
    primaryKey({ columns: [t.id] }),
    index('health_checks_dependency_checked_at_idx').on(t.dependency, t.checkedAt),
  ],
);

export type HealthCheck = typeof healthChecks.$inferSelect;
export type NewHealthCheck = typeof healthChecks.$inferInsert;
