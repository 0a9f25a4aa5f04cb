import { pgTable, text, timestamp, uuid, primaryKey, uniqueIndex } from 'drizzle-orm/pg-core';
import { projects } from './projects';

export const API_KEY_SCOPES = ['ingest', 'read'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
/**
 * A server key is a secret (Bearer header, any scope, any event type); a browser key is public: it sits in web
 * pages, only ingests, only from its allowed origins and only the event types a browser sends.
 */
export const API_KEY_KINDS = ['server', 'browser'] as const;
export type ApiKeyKind = (typeof API_KEY_KINDS)[number];

export const apiKeys = pgTable(
  'api_keys',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().defaultRandom(),
    name: text('name').notNull(),
    /** SHA-256 of the key, hex. The key itself is shown once and never stored. */
    keyHash: text('key_hash').notNull(),
    /** First characters of the key, so a user can tell keys apart. */
    prefix: text('prefix').notNull(),
    scopes: text('scopes').array().$type<ApiKeyScope[]>().notNull(),
    kind: text('kind').$type<ApiKeyKind>().notNull().default('server'),
    /** Browser keys: the origins (scheme://host[:port]) whose pages may send with the key. */
    allowedOrigins: text('allowed_origins').array().$type<string[]>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.id] }), uniqueIndex('api_keys_key_hash_key').on(t.keyHash)],
);

export type ApiKey = typeof apiKeys.$inferSelect;
export type NewApiKey = typeof apiKeys.$inferInsert;
