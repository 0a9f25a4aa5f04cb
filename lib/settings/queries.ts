import 'server-only';
import { and, asc, desc, eq, isNull } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { apiKeys, auditLog, modelPrices, projects, type ApiKeyScope, type ModelPrice } from '@/db/schema';
import type { Viewer } from '@/lib/auth/viewer';
import { AppError } from '@/lib/http/errors';

export const AUDIT_PAGE_SIZE = 50;

export type ProjectRow = { id: string; slug: string; name: string; createdAt: Date };

/** Every project, oldest first like the project picker; every dashboard user may see every project. */
export async function listProjectRows(): Promise<ProjectRow[]> {
  const db = await getDb();
  return db
    .select({ id: projects.id, slug: projects.slug, name: projects.name, createdAt: projects.createdAt })
    .from(projects)
    .orderBy(asc(projects.createdAt), asc(projects.slug));
}

/** A project's daily budget in USD (null: none). */
export async function getDailyBudget(projectId: string): Promise<number | null> {
  const db = await getDb();
  const [row] = await db.select({ budget: projects.dailyBudgetUsd }).from(projects).where(eq(projects.id, projectId));
  return row?.budget ?? null;
}

/** A key as the UI may show it: never its hash. */
export type ApiKeyRow = {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

export async function listApiKeys(projectId: string): Promise<ApiKeyRow[]> {
  const db = await getDb();
  return db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      scopes: apiKeys.scopes,
      createdAt: apiKeys.createdAt,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .where(eq(apiKeys.projectId, projectId))
    .orderBy(desc(apiKeys.createdAt), asc(apiKeys.name));
}

export async function listModelPrices(projectId: string): Promise<ModelPrice[]> {
  const db = await getDb();
  return db
    .select()
    .from(modelPrices)
    .where(eq(modelPrices.projectId, projectId))
    .orderBy(asc(modelPrices.model));
}

export type AuditRow = {
  id: number;
  at: Date;
  actor: string;
  action: string;
  target: string | null;
  ip: string | null;
  details: Record<string, unknown> | null;
};

const auditColumns = {
  id: auditLog.id,
  at: auditLog.at,
  actor: auditLog.actor,
  action: auditLog.action,
  target: auditLog.target,
  ip: auditLog.ip,
  details: auditLog.details,
};

/** The project's latest audit entries, newest first. */
export async function listAuditLog(projectId: string, limit = AUDIT_PAGE_SIZE): Promise<AuditRow[]> {
  const db = await getDb();
  return db
    .select(auditColumns)
    .from(auditLog)
    .where(eq(auditLog.projectId, projectId))
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(limit);
}

/** Rejected API keys that matched no project: they may come from any tenant, so only admins see them. */
export async function listUnattributedKeyFailures(
  viewer: Viewer,
  limit = AUDIT_PAGE_SIZE,
): Promise<AuditRow[]> {
  if (!viewer.isAdmin)
    throw new AppError('forbidden', 'Only admins can see API-key failures that name no project.');
  const db = await getDb();
  return db
    .select(auditColumns)
    .from(auditLog)
    .where(and(isNull(auditLog.projectId), eq(auditLog.action, 'api_key.rejected')))
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(limit);
}
