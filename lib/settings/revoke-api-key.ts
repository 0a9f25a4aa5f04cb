import { and, eq, isNull } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { apiKeys } from '@/db/schema';
import { forgetCachedKeys } from '@/lib/auth/api-keys';
import { AppError } from '@/lib/http/errors';

export async function revokeApiKey(
  projectId: string,
  keyId: string,
): Promise<{ id: string; name: string; prefix: string }> {
  const db = await getDb();
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.projectId, projectId), eq(apiKeys.id, keyId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix });
  if (!row)
    throw new AppError(
      'not_found',
      'This project has no active key with that id; it may already be revoked.',
    );
  forgetCachedKeys();
  return row;
}
