import 'server-only';
import { timingSafeEqual } from 'node:crypto';
import { bearerToken } from '@/lib/auth/api-key-format';
import { authenticateApiKey } from '@/lib/auth/api-keys';
import { env } from '@/lib/env';
import { AppError } from '@/lib/http/errors';

/** `full`: reasons and latency, probed now. `public`: booleans from a probe at most 30 s old. */
export type HealthAccess = 'full' | 'public';

/**
 * Who may read the full health answer: the cron (`Bearer $CRON_SECRET`) and tools holding an API key with
 * the `read` scope. `/api/health` stays outside the Clerk proxy (load balancers and uptime checkers call it
 * without a session), so a dashboard session is not seen here. No Authorization header: `public`. A wrong
 * key is refused (401/403) rather than answered with less; a key that cannot be checked because the
 * database is down gets the public answer (the cron secret needs no database).
 */
export async function healthAccess(
  request: Request,
  cronSecret: string | undefined = env.CRON_SECRET,
): Promise<HealthAccess> {
  const header = request.headers.get('authorization');
  if (!header) return 'public';
  const token = bearerToken(header) ?? '';
  if (cronSecret && sameText(token, cronSecret)) return 'full';
  try {
    await authenticateApiKey(request, 'read');
    return 'full';
  } catch (error) {
    if (error instanceof AppError && error.code === 'unavailable') return 'public';
    throw error;
  }
}

function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
