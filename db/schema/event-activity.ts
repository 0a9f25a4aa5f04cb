import { integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { projects } from './projects';

/**
 * Hourly rollup of activity: one row per project, UTC hour, service, environment, user and session ('' when
 * absent), over every event. Maintained by a statement trigger on `events` (migration 0002_dashboard_reads),
 * so late and backfilled events land in it too. first_ts/last_ts keep the session figures exact without
 * scanning raw events (active users are read from user_rollups).
 */
export const eventActivityHourly = pgTable(
  'event_activity_hourly',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    hour: timestamp('hour', { withTimezone: true }).notNull(),
    service: text('service').notNull(),
    environment: text('environment').notNull(),
    userId: text('user_id').notNull(),
    sessionId: text('session_id').notNull(),
    firstTs: timestamp('first_ts', { withTimezone: true }).notNull(),
    lastTs: timestamp('last_ts', { withTimezone: true }).notNull(),
    events: integer('events').notNull(),
    /** `message.received` events. */
    messages: integer('messages').notNull(),
  },
  (t) => [
    primaryKey({
      name: 'event_activity_hourly_pk',
      columns: [t.projectId, t.hour, t.service, t.environment, t.userId, t.sessionId],
    }),
  ],
);

export type EventActivityHour = typeof eventActivityHourly.$inferSelect;
