import { AppError } from '@/lib/http/errors';

/** At most this many shards: one cron call per shard each minute. */
export const MAX_SHARDS = 1024;

export type Shard = { index: number; count: number };

/**
 * `i/n` (0 <= i < n): the cron evaluates the projects of shard i of n, so thousands of projects fit in the
 * cron's time by calling `/api/cron/alerts?shard=0/4`, `?shard=1/4`, ... Absent: every project.
 */
export function parseShard(text: string | null): Shard | null {
  if (text === null || text.trim() === '') return null;
  const match = /^(\d{1,4})\/(\d{1,4})$/.exec(text.trim());
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!(count >= 1 && count <= MAX_SHARDS && index >= 0 && index < count)) {
    throw new AppError('bad_request', `"shard" must be i/n with 0 <= i < n <= ${MAX_SHARDS}, e.g. 0/4.`);
  }
  return { index, count };
}

/** The shard of a project: FNV-1a of its id, stable across calls, processes and machines. */
export function shardOf(projectId: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < projectId.length; i++) {
    hash ^= projectId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % count;
}
