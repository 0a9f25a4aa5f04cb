/** Pure pieces of the retry policy, kept apart so they are tested without timers or a server. */

/** A server asking for more than this is probably misconfigured; waiting longer would stall `close()`. */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Exponential backoff with "equal jitter": between half and all of min(maxMs, baseMs * 2^attempt). */
export function backoffDelay(
  attempt: number,
  baseMs = 500,
  maxMs = 30_000,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** `Retry-After` in milliseconds: delta-seconds or an HTTP-date; undefined when absent or unparseable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value == null) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

export type RetryPolicy = { baseMs: number; maxMs: number; random?: () => number };

/**
 * The wait before retry number `attempt + 1`. A `Retry-After` wins over backoff; a little jitter on top
 * keeps the clients of one key from all coming back in the same millisecond when a rate window resets.
 */
export function retryDelay(attempt: number, retryAfterMs: number | undefined, policy: RetryPolicy): number {
  const random = policy.random ?? Math.random;
  if (retryAfterMs === undefined) return backoffDelay(attempt, policy.baseMs, policy.maxMs, random);
  const wait = Math.min(retryAfterMs, MAX_RETRY_AFTER_MS);
  return Math.round(wait + random() * Math.min(1000, wait * 0.1));
}
