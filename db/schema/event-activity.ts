import { index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { projects } from './projects';

/**
 * Hourly rollup of activity: one row per project, UTC hour, service, environment, user and session ('' when
 * absent), over every event. Maintained by a statement trigger on `events` (migration 0002_dashboard_reads),
 * so late and backfilled events land in it too. first_ts/last_ts keep the session figures exact without
 * scanning raw events (active users are read from user_sets).
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

/**
 * Where the events not rolled up yet lie: one row per project and insert statement into `events` (the same
 * statement trigger, migration 0021), with the latest `received_at` and the oldest `ts` of its rows. A read
 * finds the oldest event received since the rollup job's mark here (lib/metrics/rollups/read.ts), where the
 * received_at BRIN of `events` cannot tell: once vacuum has recorded the room left in full pages, new rows
 * fill it all over a partition, and every block range of the day matches. The job deletes the rows behind
 * its mark.
 */
export const eventArrivals = pgTable(
  'event_arrivals',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    /** The latest received_at of the statement's rows of the project (now(), but for bulk loads). */
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    /** The oldest ts of those rows. */
    oldestTs: timestamp('oldest_ts', { withTimezone: true }).notNull(),
  },
  (t) => [index('event_arrivals_project_received_idx').on(t.projectId, t.receivedAt)],
);
