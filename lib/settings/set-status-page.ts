import { and, eq, ne } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { projects } from '@/db/schema';
import { AppError } from '@/lib/http/errors';

export type StatusPageChange = { slug: string; name: string; enabled: boolean; changed: boolean };

const FLAGS = { enabled: projects.statusPageEnabled, framable: projects.statusPageFramable } as const;

/**
 * Turns the public status page of a project on or off. Answers whether this call changed it, so a repeated
 * submission (two tabs, a double click) is audited once.
 */
export function setStatusPage(projectId: string, enabled: boolean): Promise<StatusPageChange> {
  return setFlag(projectId, 'enabled', enabled);
}

/** Lets other sites frame the project's status page (`frame-ancestors *`), or forbids it again (the default). */
export function setStatusPageFramable(projectId: string, framable: boolean): Promise<StatusPageChange> {
  return setFlag(projectId, 'framable', framable);
}

async function setFlag(
  projectId: string,
  flag: keyof typeof FLAGS,
  enabled: boolean,
): Promise<StatusPageChange> {
  const column = FLAGS[flag];
  const db = await getDb();
  const [row] = await db
    .update(projects)
    .set({ [flag === 'enabled' ? 'statusPageEnabled' : 'statusPageFramable']: enabled })
    .where(and(eq(projects.id, projectId), ne(column, enabled)))
    .returning({ slug: projects.slug, name: projects.name });
  if (row) return { ...row, enabled, changed: true };
  // Nothing updated: the project is gone, or its page already was in that state.
  const [current] = await db
    .select({ slug: projects.slug, name: projects.name })
    .from(projects)
    .where(eq(projects.id, projectId));
  if (!current) throw new AppError('not_found', 'This project no longer exists; pick another project.');
  return { ...current, enabled, changed: false };
}
