import 'server-only';
import { and, asc, eq, type SQL } from 'drizzle-orm';
import { cache } from 'react';
import { getDb } from '@/db/client';
import { projects } from '@/db/schema';
import { mayEnter, projectRole, type ProjectRole } from '@/lib/auth/access';
import type { Viewer } from '@/lib/auth/viewer';
import { isUuid } from '@/lib/http/query-params';
import { SLUG_PATTERN } from '@/lib/settings/slug';

export type ProjectSummary = {
  id: string;
  slug: string;
  name: string;
  orgId: string | null;
  createdAt: Date;
};
/** A project as one viewer may see it: with their role there. */
export type ProjectAccess = ProjectSummary & { role: ProjectRole };
export type ProjectRef = { id: string } | { slug: string };

const summary = {
  id: projects.id,
  slug: projects.slug,
  name: projects.name,
  orgId: projects.orgId,
  createdAt: projects.createdAt,
};

/**
 * The projects `viewer` may see, oldest first (the first is their default project). The organization
 * filter is in SQL, so a stranger's request never reads another tenant's rows.
 */
export const listVisibleProjects = cache(async (viewer: Viewer): Promise<ProjectAccess[]> => {
  const where = visibilityFilter(viewer);
  if (where === false) return [];
  const db = await getDb();
  const rows = await db
    .select(summary)
    .from(projects)
    .where(where ?? undefined)
    .orderBy(asc(projects.createdAt), asc(projects.slug));
  return withRoles(viewer, rows);
});

/** One project if `viewer` may see it; null both when it does not exist and when it is not theirs. */
export async function getVisibleProject(viewer: Viewer, ref: ProjectRef): Promise<ProjectAccess | null> {
  const where = visibilityFilter(viewer);
  // A reference that cannot name a project never reaches Postgres (which refuses NUL and malformed uuids).
  if (where === false || ('id' in ref ? !isUuid(ref.id) : !SLUG_PATTERN.test(ref.slug))) return null;
  const db = await getDb();
  const byRef = 'id' in ref ? eq(projects.id, ref.id) : eq(projects.slug, ref.slug);
  const rows = await db
    .select(summary)
    .from(projects)
    .where(where ? and(byRef, where) : byRef);
  return withRoles(viewer, rows)[0] ?? null;
}

/** For API keys, which are bound to one project: no viewer involved. */
export async function getProjectById(id: string): Promise<ProjectSummary | null> {
  if (!isUuid(id)) return null;
  const db = await getDb();
  const [row] = await db.select(summary).from(projects).where(eq(projects.id, id));
  return row ?? null;
}

/** Null: no filter (an installation role sees all); false: nothing; else the viewer's organization. */
function visibilityFilter(viewer: Viewer): SQL | null | false {
  if (!mayEnter(viewer)) return false;
  if (viewer.installRole) return null;
  return eq(projects.orgId, viewer.orgId!);
}

function withRoles(viewer: Viewer, rows: ProjectSummary[]): ProjectAccess[] {
  return rows.flatMap((row) => {
    const role = projectRole({ ...viewer, metadataRole: null }, row);
    return role ? [{ ...row, role }] : [];
  });
}

const KNOWN_ORG_TTL_MS = 30_000;
const knownOrgs = ((
  globalThis as unknown as Record<symbol, Map<string, { known: boolean; expires: number }> | undefined>
)[Symbol.for('chatwatch.knownOrganizations')] ??= new Map());

/**
 * Whether a Clerk organization owns a project here. Only such an organization lets its members in: anyone
 * can create an organization in Clerk, so an unknown one grants nothing until an installation admin gives it
 * a project (or INIT_ORG_ID names it). Cached 30 s per process; a failed read counts as unknown (deny).
 */
export async function isKnownOrganization(orgId: string, now = Date.now()): Promise<boolean> {
  const hit = knownOrgs.get(orgId);
  if (hit && hit.expires > now) return hit.known;
  const db = await getDb();
  const [row] = await db.select({ id: projects.id }).from(projects).where(eq(projects.orgId, orgId)).limit(1);
  if (knownOrgs.size >= 1_000) knownOrgs.clear();
  knownOrgs.set(orgId, { known: Boolean(row), expires: now + KNOWN_ORG_TTL_MS });
  return Boolean(row);
}

/** After a project joins an organization, this process knows it at once. */
export function forgetKnownOrganizations(): void {
  knownOrgs.clear();
}
