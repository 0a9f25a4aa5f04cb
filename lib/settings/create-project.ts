import { getDb } from '@/db/client';
import { projects, type Project } from '@/db/schema';
import { AppError } from '@/lib/http/errors';
import { seedDefaultRules } from '@/lib/alerts/rules/seed';
import { forgetKnownOrganizations } from '@/lib/projects/queries';
import type { CreateProjectInput } from './schema';

export async function createProject(input: CreateProjectInput & { orgId?: string | null }): Promise<Project> {
  const db = await getDb();
  const [project] = await db
    .insert(projects)
    .values(input)
    .onConflictDoNothing({ target: projects.slug })
    .returning();
  if (!project)
    throw new AppError(
      'bad_request',
      `The slug "${input.slug}" is not available (slugs are unique across the installation); choose another slug.`,
    );
  await seedDefaultRules(project.id);
  if (project.orgId) forgetKnownOrganizations();
  return project;
}
