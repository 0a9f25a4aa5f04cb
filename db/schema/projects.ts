import { boolean, pgTable, text, timestamp, uuid, uniqueIndex, doublePrecision } from 'drizzle-orm/pg-core';

export const projects = pgTable(
  'projects',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    dailyBudgetUsd: doublePrecision('daily_budget_usd'),
    /** Whether /status/<slug> is public. Off until an admin turns it on. */
    statusPageEnabled: boolean('status_page_enabled').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('projects_slug_key').on(t.slug)],
);

export type Project = typeof projects.$inferSelect;
export type NewProject = typeof projects.$inferInsert;
