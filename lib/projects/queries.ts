import 'server-only';
import { asc, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { projects } from '@/db/schema';

export type ProjectSummary = { id: string; slug: string; name: string };

const summary = { id: projects.id, slug: projects.slug, name: projects.name };

/** Every project of this installation, oldest first (the first one is the default project). */
export async function listProjects(): Promise<ProjectSummary[]> {
  const db = await getDb();
  return db.select(summary).from(projects).orderBy(asc(projects.createdAt), asc(projects.slug));
}

export async function getProjectBySlug(slug: string): Promise<ProjectSummary | null> {
  const db = await getDb();
  const [row] = await db.select(summary).from(projects).where(eq(projects.slug, slug));
  return row ?? null;
}

export async function getProjectById(id: string): Promise<ProjectSummary | null> {
  const db = await getDb();
  const [row] = await db.select(summary).from(projects).where(eq(projects.id, id));
  return row ?? null;
}
