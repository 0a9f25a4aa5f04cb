import { and, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { modelPrices, type ModelPrice } from '@/db/schema';
import { forgetProjectPrices } from '@/lib/ingest/store';
import { requireProject } from './require-project';
import type { ModelPriceInput } from './schema';

/** Adds or replaces a project's price for a model prefix; `previous` is the replaced row, if any. */
export async function upsertModelPrice(
  projectId: string,
  input: ModelPriceInput,
): Promise<{ price: ModelPrice; previous: ModelPrice | null }> {
  const db = await getDb();
  await requireProject(db, projectId);
  const [previous] = await db
    .select()
    .from(modelPrices)
    .where(and(eq(modelPrices.projectId, projectId), eq(modelPrices.model, input.model)));
  const values = { ...input, updatedAt: new Date() };
  const [price] = await db
    .insert(modelPrices)
    .values({ projectId, ...values })
    .onConflictDoUpdate({ target: [modelPrices.projectId, modelPrices.model], set: values })
    .returning();
  forgetProjectPrices(projectId);
  return { price: price!, previous: previous ?? null };
}
