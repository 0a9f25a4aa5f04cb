import { and, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { modelPrices, type ModelPrice } from '@/db/schema';
import { forgetProjectPrices } from '@/lib/ingest/store';
import { AppError } from '@/lib/http/errors';

export async function deleteModelPrice(projectId: string, model: string): Promise<ModelPrice> {
  const db = await getDb();
  const [deleted] = await db
    .delete(modelPrices)
    .where(and(eq(modelPrices.projectId, projectId), eq(modelPrices.model, model)))
    .returning();
  if (!deleted)
    throw new AppError(
      'not_found',
      `This project has no price override for "${model}"; it may already be deleted.`,
    );
  forgetProjectPrices(projectId);
  return deleted;
}
