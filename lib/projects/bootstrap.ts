import { eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { apiKeys, projects } from '@/db/schema';
import { displayPrefix, hashApiKey } from '@/lib/auth/api-key-format';
import { env } from '@/lib/env';
import { seedDefaultRules } from '@/lib/alerts/rules';

let pending: Promise<void> | undefined;

/** Creates INIT_PROJECT and its INIT_API_KEY once per process; retried on the next call after a failure. */
export function ensureBootstrap(): Promise<void> {
  pending ??= bootstrap().catch((error) => {
    pending = undefined;
    throw error;
  });
  return pending;
}

async function bootstrap(): Promise<void> {
  const db = await getDb();
  const slug = env.INIT_PROJECT;
  await db.insert(projects).values({ slug, name: slug }).onConflictDoNothing();
  await db.select({ id: projects.id }).from(projects).where(eq(projects.slug, slug)).then(([p]) => p && seedDefaultRules(p.id));
  if (!env.INIT_API_KEY) return;
  const [project] = await db.select({ id: projects.id }).from(projects).where(eq(projects.slug, slug));
  if (!project) throw new Error(`bootstrap: project ${slug} missing after insert`);
  await db
    .insert(apiKeys)
    .values({
      projectId: project.id,
      name: 'INIT_API_KEY',
      keyHash: hashApiKey(env.INIT_API_KEY),
      prefix: displayPrefix(env.INIT_API_KEY),
      scopes: ['ingest', 'read'],
    })
    .onConflictDoNothing();
}
