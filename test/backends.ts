import { randomUUID } from 'node:crypto';
import { openDb, type Db } from '@/db/client';
import * as schema from '@/db/schema';
import { rollUp } from '@/lib/metrics/rollups/job';

/**
 * The databases an integration test runs against: Postgres (DATABASE_URL, when set) and PGlite, migrated, each
 * opened by the test that uses it.
 */
export type Backend = { name: string; open: () => Promise<{ db: Db; close: () => Promise<void> }> };

export function backends(): Backend[] {
  const list: Backend[] = [{ name: 'PGlite', open: openPglite }];
  if (process.env.DATABASE_URL) {
    const handle = openDb({ url: process.env.DATABASE_URL });
    list.unshift({ name: 'Postgres', open: async () => ({ db: await handle.db, close: async () => {} }) });
  }
  return list;
}

/** A seeded pseudo-random sequence in [0, 1): the same test data on every run. */
export function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

/** A new in-memory PGlite database, migrated. */
export async function openPglite(): Promise<{ db: Db; close: () => Promise<void> }> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  const client = new PGlite();
  const db = drizzle(client, { schema, casing: 'snake_case' });
  await migrate(db, { migrationsFolder: 'db/migrations' });
  return { db: db as unknown as Db, close: () => client.close() };
}

/** A project of its own for one test: its id. */
export async function newProject(db: Db, prefix: string, name: string): Promise<string> {
  const [project] = await db
    .insert(schema.projects)
    .values({ slug: `${prefix}-${randomUUID().slice(0, 10)}`, name })
    .returning();
  return project!.id;
}

/** Rolls up everything stored so far: the job takes events received at least a second ago. */
export async function rollUpAll(db: Db): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  for (;;) if ((await rollUp({ db, budgetMs: 60_000 })).caughtUp) break;
}
