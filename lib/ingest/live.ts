import { log } from '@/lib/log';
import type { NewEventRow } from '@/db/schema';
import type { Kv } from '@/lib/kv/types';

const COUNTER_TTL_SECONDS = 2 * 60 * 60;
const ACTIVE_USERS_TTL_SECONDS = 35 * 24 * 60 * 60;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export function minuteKey(projectId: string, at: Date) {
  return `live:${projectId}:${Math.floor(at.getTime() / MINUTE_MS)}`;
}

export function activeUsersKey(projectId: string, at: Date) {
  return `au:${projectId}:${at.toISOString().slice(0, 10)}`;
}

/** Pure: per project and minute, counts by event type; per project and UTC day, the user ids. */
export function summarizeForLive(rows: NewEventRow[]) {
  const counters = new Map<string, Record<string, number>>();
  const users = new Map<string, Set<string>>();
  // Rows of a batch mostly share their project, minute and day: look a key up only when one of them changes.
  let project = '';
  let minute = NaN;
  let day = NaN;
  let fields: Record<string, number> = {};
  let ids = new Set<string>();
  for (const row of rows) {
    const ms = row.ts instanceof Date ? row.ts.getTime() : new Date(row.ts).getTime();
    const rowMinute = Math.floor(ms / MINUTE_MS);
    if (row.projectId !== project || rowMinute !== minute) {
      if (row.projectId !== project) day = NaN;
      project = row.projectId;
      minute = rowMinute;
      const key = minuteKey(project, new Date(ms));
      fields = counters.get(key) ?? {};
      counters.set(key, fields);
    }
    fields[row.type] = (fields[row.type] ?? 0) + 1;
    if (row.type === 'ai.call' && row.status === 'error')
      fields['ai.call.error'] = (fields['ai.call.error'] ?? 0) + 1;
    if (row.type === 'http.request' && (row.httpStatus ?? 0) >= 500) {
      fields['http.request.5xx'] = (fields['http.request.5xx'] ?? 0) + 1;
    }
    if (!row.userId) continue;
    const rowDay = Math.floor(ms / DAY_MS);
    if (rowDay !== day) {
      day = rowDay;
      const key = activeUsersKey(project, new Date(ms));
      ids = users.get(key) ?? new Set();
      users.set(key, ids);
    }
    ids.add(row.userId);
  }
  return { counters, users };
}

/** Live counters are a cache that can be rebuilt: failures are logged, never raised. */
export async function recordLive(kv: Kv, rows: NewEventRow[]): Promise<void> {
  if (rows.length === 0) return;
  const { counters, users } = summarizeForLive(rows);
  const writes = [
    ...[...counters].map(([key, fields]) => kv.hIncrBy(key, fields, COUNTER_TTL_SECONDS)),
    ...[...users].map(([key, ids]) => kv.pfAdd(key, [...ids], ACTIVE_USERS_TTL_SECONDS)),
  ];
  const results = await Promise.allSettled(writes);
  const failed = results.filter((r) => r.status === 'rejected');
  if (failed.length > 0) {
    log.throttled('warn', 'live_counters_degraded', {
      failed: failed.length,
      error: String((failed[0] as PromiseRejectedResult).reason),
    });
  }
}
