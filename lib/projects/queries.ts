import 'server-only';
import { asc, eq, sql } from 'drizzle-orm';
import { getDb, rawRows } from '@/db/client';
import { projects } from '@/db/schema';

export type ProjectActivity = { id: string; name: string; events24h: number; lastEventAt: Date | null };

export async function listProjectActivity(): Promise<ProjectActivity[]> {
  const db = await getDb();
  const rows = await rawRows<{ id: string; name: string; events_24h: number | string; last_event_at: string | null }>(
    db,
    sql`select p.id, p.name,
          (select count(*) from events e where e.project_id = p.id and e.ts > now() - interval '24 hours') as events_24h,
          (select max(e.ts) from events e where e.project_id = p.id) as last_event_at
        from projects p order by p.created_at`,
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    events24h: Number(r.events_24h),
    lastEventAt: r.last_event_at ? new Date(r.last_event_at) : null,
  }));
}

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
