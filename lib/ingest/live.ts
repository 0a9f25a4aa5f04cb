import type { NewEventRow } from '@/db/schema';
import type { Kv } from '@/lib/kv/types';

const COUNTER_TTL_SECONDS = 2 * 60 * 60;
const ACTIVE_USERS_TTL_SECONDS = 35 * 24 * 60 * 60;

export function minuteKey(projectId: string, at: Date) {
  return `live:${projectId}:${Math.floor(at.getTime() / 60_000)}`;
}

export function activeUsersKey(projectId: string, at: Date) {
  return `au:${projectId}:${at.toISOString().slice(0, 10)}`;
}

/** Pure: per-minute counts by event type and the user ids by UTC day, of the stored rows. */
export function summarizeForLive(projectId: string, rows: NewEventRow[]) {
  const counters = new Map<string, Record<string, number>>();
  const users = new Map<string, Set<string>>();
  for (const row of rows) {
    const ts = row.ts instanceof Date ? row.ts : new Date(row.ts);
    const key = minuteKey(projectId, ts);
    const fields = counters.get(key) ?? {};
    fields[row.type] = (fields[row.type] ?? 0) + 1;
    if (row.type === 'ai.call' && row.status === 'error') fields['ai.call.error'] = (fields['ai.call.error'] ?? 0) + 1;
    if (row.type === 'http.request' && (row.httpStatus ?? 0) >= 500) {
      fields['http.request.5xx'] = (fields['http.request.5xx'] ?? 0) + 1;
    }
    counters.set(key, fields);
    if (row.userId) {
      const dayKey = activeUsersKey(projectId, ts);
      const set = users.get(dayKey) ?? new Set<string>();
      set.add(row.userId);
      users.set(dayKey, set);
    }
  }
  return { counters, users };
}

/** Live counters are a cache that can be rebuilt: failures are logged, never raised. */
export async function recordLive(kv: Kv, projectId: string, rows: NewEventRow[]): Promise<void> {
  const { counters, users } = summarizeForLive(projectId, rows);
  const writes = [
    ...[...counters].map(([key, fields]) => kv.hIncrBy(key, fields, COUNTER_TTL_SECONDS)),
    ...[...users].map(([key, ids]) => kv.pfAdd(key, [...ids], ACTIVE_USERS_TTL_SECONDS)),
  ];
  const results = await Promise.allSettled(writes);
  const failed = results.filter((r) => r.status === 'rejected');
  if (failed.length > 0) {
    console.warn(
      JSON.stringify({
        level: 'warn',
        event: 'live_counters_degraded',
        failed: failed.length,
        error: String((failed[0] as PromiseRejectedResult).reason),
      }),
    );
  }
}
