import { boolean, index, pgTable, text, timestamp, uuid, uniqueIndex, doublePrecision } from 'drizzle-orm/pg-core';

export const projects = pgTable(
  'projects',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    dailyBudgetUsd: doublePrecision('daily_budget_usd'),
    /** Whether /status/<slug> is public. Off until an admin turns it on. */
    statusPageEnabled: boolean('status_page_enabled').notNull().default(false),
    /** Whether other sites may frame /status/<slug> (frame-ancestors); off by default. */
    statusPageFramable: boolean('status_page_framable').notNull().default(false),
    /** The Clerk organization that owns the project; null: installation-wide admins and viewers only. */
    orgId: text('org_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('projects_slug_key').on(t.slug), index('projects_org_idx').on(t.orgId)],
);

export type Project = typeof projects.$inferSelect;
export type NewProject = typeof projects.$inferInsert;
