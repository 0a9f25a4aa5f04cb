import 'server-only';
import { asc, desc, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import {
  apiKeys,
  modelPrices,
  projects,
  type ApiKeyKind,
  type ApiKeyScope,
  type ModelPrice,
} from '@/db/schema';

/** A project's daily budget in USD (null: none). */
export async function getDailyBudget(projectId: string): Promise<number | null> {
  const db = await getDb();
  const [row] = await db
    .select({ budget: projects.dailyBudgetUsd })
    .from(projects)
    .where(eq(projects.id, projectId));
  return row?.budget ?? null;
}

/** A key as the UI may show it: never its hash. */
export type ApiKeyRow = {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  kind: ApiKeyKind;
  /** Browser keys: the origins allowed to send; null for server keys. */
  allowedOrigins: string[] | null;
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
      kind: apiKeys.kind,
      allowedOrigins: apiKeys.allowedOrigins,
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
