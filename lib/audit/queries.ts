import 'server-only';
import { and, desc, eq, gte, ilike, isNull, lt, type SQL } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { auditLog } from '@/db/schema';
import type { AuditFilter } from './filter';

export const AUDIT_PAGE_SIZE = 100;

export type AuditRow = {
  id: number;
  at: Date;
  actor: string;
  action: string;
  target: string | null;
  ip: string | null;
  count: number;
  details: Record<string, unknown> | null;
};

const auditColumns = {
  id: auditLog.id,
  at: auditLog.at,
  actor: auditLog.actor,
  action: auditLog.action,
  target: auditLog.target,
  ip: auditLog.ip,
  count: auditLog.count,
  details: auditLog.details,
};

/**
 * Audit entries newest first, of one project or (projectId null) of the installation: sign-ins, refusals
 * and API-key failures that name no project. Callers check the role first: project admins see their
 * project's, installation admins the installation's.
 */
export async function listAuditEntries(
  projectId: string | null,
  filter: AuditFilter,
  limit = AUDIT_PAGE_SIZE,
): Promise<AuditRow[]> {
  const where: SQL[] = [projectId ? eq(auditLog.projectId, projectId) : isNull(auditLog.projectId)];
  if (filter.actor) where.push(ilike(auditLog.actor, `%${escapeLike(filter.actor)}%`));
  if (filter.action) where.push(ilike(auditLog.action, `${escapeLike(filter.action)}%`));
  if (filter.from) where.push(gte(auditLog.at, filter.from));
  if (filter.to) where.push(lt(auditLog.at, filter.to));
  const db = await getDb();
  return db
    .select(auditColumns)
    .from(auditLog)
    .where(and(...where))
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(limit);
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
