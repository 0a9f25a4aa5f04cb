import { env } from '@/lib/env';
import { AppError } from '@/lib/http/errors';
import type { Kv } from '@/lib/kv/types';
import { log } from '@/lib/log';

const WINDOW_SECONDS = 60;

/** Fixed one-minute window per API key. KV down: allow and log, since Postgres is the record. */
export async function enforceRateLimit(
  kv: Kv,
  keyId: string,
  limit = env.INGEST_RATE_LIMIT_PER_MINUTE,
  now = Date.now(),
): Promise<void> {
  const window = Math.floor(now / 1000 / WINDOW_SECONDS);
  let used: number;
  try {
    used = await kv.incrBy(`rl:${keyId}:${window}`, 1, WINDOW_SECONDS + 5);
  } catch (error) {
    log.throttled('warn', 'rate_limit_kv_unavailable', { error: String(error) });
    return;
  }
  if (used > limit) {
    const retryAfter = Math.max(1, (window + 1) * WINDOW_SECONDS - Math.floor(now / 1000));
    throw new AppError(
      'rate_limited',
      `Rate limit of ${limit} requests per minute for this API key exceeded; retry after ${retryAfter} s or send larger batches.`,
      { 'Retry-After': String(retryAfter) },
    );
  }
}
