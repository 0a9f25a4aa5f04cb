import 'server-only';
import { sql } from 'drizzle-orm';
import { getDb, rawRows } from '@/db/client';
import { computeHealthHistory, HISTORY_MS, STRIP_MS, type HealthHistory, type HealthSample } from './history';
import type { CheckName, ProbeState } from './status';

const DAY_MS = 86_400_000;

/**
 * Dependency uptime, strip and latency ending at `now`. The last 24 h are read check by check (at most
 * 1,440 per dependency, needed for the latency median); older checks arrive counted per day of age, so a
 * month of per-minute checks stays a few hundred rows.
 */
export async function getHealthHistory(now: Date): Promise<HealthHistory> {
  const db = await getDb();
  const nowIso = now.toISOString();
  const dayAgo = new Date(now.getTime() - STRIP_MS).toISOString();
  const monthAgo = new Date(now.getTime() - HISTORY_MS).toISOString();
  const [recent, older] = await Promise.all([
    rawRows<{
      dependency: CheckName;
      checked_at: string | Date;
      state: ProbeState;
      latency_ms: number | null;
    }>(
      db,
      sql`select dependency, checked_at, state, latency_ms from health_checks
          where checked_at > ${dayAgo}::timestamptz and checked_at <= ${nowIso}::timestamptz and state <> 'not_configured'`,
    ),
    rawRows<{ dependency: CheckName; state: ProbeState; days_ago: number; n: number }>(
      db,
      sql`select dependency, state,
                 floor(extract(epoch from (${nowIso}::timestamptz - checked_at)) / 86400)::int as days_ago,
                 count(*)::int as n
          from health_checks
          where checked_at > ${monthAgo}::timestamptz and checked_at <= ${dayAgo}::timestamptz and state <> 'not_configured'
          group by 1, 2, 3`,
    ),
  ]);
  const samples: HealthSample[] = [
    ...recent.map((r) => ({
      dependency: r.dependency,
      checkedAt: new Date(r.checked_at),
      state: r.state,
      latencyMs: r.latency_ms,
    })),
    // Mid-day of its age bucket, so it lands in the same windows as the checks it counts.
    ...older.map((r) => ({
      dependency: r.dependency,
      checkedAt: new Date(now.getTime() - (r.days_ago + 0.5) * DAY_MS),
      state: r.state,
      latencyMs: null,
      count: r.n,
    })),
  ];
  return computeHealthHistory(samples, now);
}
