import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { projects } from '@/db/schema';
import { AppError } from '@/lib/http/errors';

/** Verbs check the project first so a stale form answers "pick another project", not a foreign-key error. */
export async function requireProject(db: Db, projectId: string): Promise<{ id: string; slug: string }> {
  const [project] = await db
    .select({ id: projects.id, slug: projects.slug })
    .from(projects)
    .where(eq(projects.id, projectId));
  if (!project) throw new AppError('not_found', 'This project no longer exists; pick another project.');
  return project;
}
