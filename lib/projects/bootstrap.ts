import { and, eq, isNull, notExists, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { alertRules, apiKeys, projects } from '@/db/schema';
import { displayPrefix, hashApiKey } from '@/lib/auth/api-key-format';
import { env } from '@/lib/env';
import { seedDefaultRules } from '@/lib/alerts/rules/seed';

let pending: Promise<void> | undefined;

/** Creates INIT_PROJECT, its INIT_API_KEY and missing default rules once per process; retried after a failure. */
export function ensureBootstrap(): Promise<void> {
  pending ??= bootstrap().catch((error) => {
    pending = undefined;
    throw error;
  });
  return pending;
}

export async function bootstrap(): Promise<void> {
  const db = await getDb();
  const slug = env.INIT_PROJECT;
  const orgId = env.INIT_ORG_ID ?? null;
  await db
    .insert(projects)
    .values({ slug, name: slug, statusPageEnabled: env.INIT_STATUS_PAGE, orgId })
    .onConflictDoNothing();
  // An INIT_PROJECT created before INIT_ORG_ID was set joins it; one already owned by an organization keeps its owner.
  if (orgId)
    await db
      .update(projects)
      .set({ orgId })
      .where(and(eq(projects.slug, slug), isNull(projects.orgId)));
  if (env.INIT_API_KEY) {
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
  // Projects without any rule (new, or older than the alerts tables) get the defaults; deleted rules stay deleted.
  const bare = await db
    .select({ id: projects.id })
    .from(projects)
    .where(
      notExists(
        db
          .select({ one: sql`1` })
          .from(alertRules)
          .where(eq(alertRules.projectId, projects.id)),
      ),
    );
  for (const project of bare) await seedDefaultRules(project.id);
}
