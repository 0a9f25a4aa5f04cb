import { and, eq, isNull } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { apiKeys, type ApiKeyKind, type ApiKeyScope } from '@/db/schema';
import { recordAuditSummary } from '@/lib/audit/record';
import { requestIp } from '@/lib/http/deployment';
import { AppError, databaseFailure } from '@/lib/http/errors';
import { ensureBootstrap } from '@/lib/projects/bootstrap';
import { bearerToken, hashApiKey } from './api-key-format';

export type AuthenticatedKey = {
  projectId: string;
  keyId: string;
  scopes: ApiKeyScope[];
  kind: ApiKeyKind;
  /** Browser keys: the origins allowed to send with the key; empty for server keys. */
  allowedOrigins: string[];
};

export const NOTHING_STORED = 'The database is unreachable; nothing was stored. Retry later.';
const CACHE_TTL_MS = 30_000;
const CACHE_MAX = 1_000;
type CacheEntry = { key: AuthenticatedKey | null; expires: number };
// Next bundles server actions and route handlers separately: one map per process, so a revoke clears it for all.
const globals = globalThis as unknown as Record<symbol, Map<string, CacheEntry> | undefined>;
const cache = (globals[Symbol.for('chatwatch.apiKeyCache')] ??= new Map<string, CacheEntry>());

/**
 * Resolves the request's Bearer key to its project, or throws 401/403 (audited) or 503. Server keys only: a browser
 * key is public, so it opens nothing but the browser ingest path (`resolveApiKey` with kind `browser`).
 */
export async function authenticateApiKey(request: Request, scope: ApiKeyScope): Promise<AuthenticatedKey> {
  const key = await resolveApiKey(request, bearerToken(request.headers.get('authorization')), scope);
  if (key.kind === 'browser') {
    void auditKeyFailure(request, 'browser_key', key);
    throw new AppError(
      'forbidden',
      'This is a browser key: it can only send browser events (page.view, web.vital, error, feedback) to POST /api/v1/events from its allowed origins. Use a server key here.',
    );
  }
  return key;
}

/** Resolves a key, wherever the request carried it, to its project, or throws 401/403 (audited) or 503. */
export async function resolveApiKey(
  request: Request,
  token: string | undefined,
  scope: ApiKeyScope,
): Promise<AuthenticatedKey> {
  if (!token) {
    void auditKeyFailure(request, 'missing', undefined);
    throw new AppError('unauthorized', 'Missing API key: send "Authorization: Bearer <api key>".', {
      'WWW-Authenticate': 'Bearer',
    });
  }
  const key = await lookup(hashApiKey(token));
  if (!key) {
    void auditKeyFailure(request, 'unknown_or_revoked', undefined);
    throw new AppError('unauthorized', 'Unknown or revoked API key; create one under Settings > API keys.', {
      'WWW-Authenticate': 'Bearer',
    });
  }
  if (!key.scopes.includes(scope)) {
    void auditKeyFailure(request, `missing_scope:${scope}`, key);
    throw new AppError('forbidden', `This API key lacks the "${scope}" scope.`);
  }
  return key;
}

async function lookup(hash: string): Promise<AuthenticatedKey | null> {
  const now = Date.now();
  const cached = cache.get(hash);
  if (cached && cached.expires > now) return cached.key;
  try {
    await ensureBootstrap();
    const db = await getDb();
    const [row] = await db
      .select({
        projectId: apiKeys.projectId,
        keyId: apiKeys.id,
        scopes: apiKeys.scopes,
        kind: apiKeys.kind,
        allowedOrigins: apiKeys.allowedOrigins,
      })
      .from(apiKeys)
      .where(and(eq(apiKeys.keyHash, hash), isNull(apiKeys.revokedAt)));
    const key = row ? { ...row, allowedOrigins: row.allowedOrigins ?? [] } : null;
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(hash, { key, expires: now + CACHE_TTL_MS });
    if (key) void touch(key);
    return key;
  } catch (error) {
    databaseFailure(error, NOTHING_STORED);
  }
}

/** Revocation takes effect at once in this process, and within CACHE_TTL_MS in others. */
export function forgetCachedKeys(): void {
  cache.clear();
}

async function touch(key: AuthenticatedKey) {
  try {
    const db = await getDb();
    await db
      .update(apiKeys)
      .set({ lastUsedAt: new Date() })
      .where(and(eq(apiKeys.projectId, key.projectId), eq(apiKeys.id, key.keyId)));
  } catch {
    // last-used is informational; the request already succeeded
  }
}

/** One audit row per reason, key, source and minute, with a count: a flood of bad keys cannot flood the table. */
export function auditKeyFailure(request: Request, reason: string, key: AuthenticatedKey | undefined) {
  const ip = requestIp(request.headers);
  return recordAuditSummary(
    {
      projectId: key?.projectId ?? null,
      actor: key ? `api_key:${key.keyId}` : 'anonymous',
      action: 'api_key.rejected',
      target: new URL(request.url).pathname,
      ip,
      details: { reason },
    },
    `${reason}:${key?.keyId ?? '-'}:${ip ?? 'unknown'}`,
  );
}
