import { doublePrecision, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { projects } from './projects';

/** A project's override of the shipped price table, USD per million tokens, matched by model prefix. */
export const modelPrices = pgTable(
  'model_prices',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    model: text('model').notNull(),
    inputPerMTok: doublePrecision('input_per_mtok').notNull(),
    outputPerMTok: doublePrecision('output_per_mtok').notNull(),
    cacheReadPerMTok: doublePrecision('cache_read_per_mtok').notNull(),
    cacheWritePerMTok: doublePrecision('cache_write_per_mtok').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.model] })],
);

export type ModelPrice = typeof modelPrices.$inferSelect;
export type NewModelPrice = typeof modelPrices.$inferInsert;
