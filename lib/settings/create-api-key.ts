import { getDb } from '@/db/client';
import { apiKeys, type ApiKeyKind, type ApiKeyScope } from '@/db/schema';
import { displayPrefix, generateApiKey, hashApiKey } from '@/lib/auth/api-key-format';
import { requireProject } from './require-project';
import type { CreateApiKeyInput } from './schema';

/** `key` is the only copy of the secret: only its hash is stored, so the caller must show it now or never. */
export type CreatedApiKey = {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  kind: ApiKeyKind;
  allowedOrigins: string[];
  key: string;
};

export async function createApiKey(projectId: string, input: CreateApiKeyInput): Promise<CreatedApiKey> {
  const db = await getDb();
  await requireProject(db, projectId);
  const kind = input.kind ?? 'server';
  const allowedOrigins = kind === 'browser' ? (input.allowedOrigins ?? []) : [];
  const key = generateApiKey(kind);
  const [row] = await db
    .insert(apiKeys)
    .values({
      projectId,
      name: input.name,
      scopes: input.scopes,
      kind,
      allowedOrigins: kind === 'browser' ? allowedOrigins : null,
      keyHash: hashApiKey(key),
      prefix: displayPrefix(key),
    })
    .returning({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix, scopes: apiKeys.scopes });
  return { ...row!, kind, allowedOrigins, key };
}
