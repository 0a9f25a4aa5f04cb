import 'server-only';
import { getDb } from '@/db/client';
import { describeError, isDatabaseUnavailable } from '@/db/errors';
import { healthChecks, type NewHealthCheck } from '@/db/schema';
import { getKv } from '@/lib/kv';
import { log } from '@/lib/log';
import { CHECK_NAMES, type HealthReport } from './status';

const MINUTE_MS = 60_000;
const CLAIM_TTL_SECONDS = 120;
// Used only while KV is failing; then each process may record once per minute.
let lastLocalMinute: number | undefined;

/**
 * Stores one row per dependency, at most once per minute across every process that shares KV: the first
 * caller to claim `health:recorded:<minute>` records (`everyCall`: the cron, which records each run). Never throws. A failing database cannot store its
 * own failure, so such a report is skipped.
 */
export async function recordHealthReport(
  report: HealthReport,
  options: { everyCall?: boolean } = {},
): Promise<boolean> {
  if (report.details.database.state === 'fail') return false;
  const checkedAt = new Date(report.timestamp);
  const minute = Math.floor(checkedAt.getTime() / MINUTE_MS);
  // A KV that just failed its probe may hang: go straight to the in-process check.
  const claimed =
    options.everyCall ||
    (report.details.cache.state === 'fail' ? claimLocally(minute) : await claimMinute(minute));
  if (!claimed) return false;
  const rows: NewHealthCheck[] = CHECK_NAMES.map((dependency) => ({
    checkedAt,
    dependency,
    state: report.details[dependency].state,
    latencyMs: report.latency[dependency] ?? null,
    reason: report.details[dependency].reason ?? null,
  }));
  try {
    const db = await getDb();
    await db.insert(healthChecks).values(rows);
    return true;
  } catch (error) {
    if (!isDatabaseUnavailable(error))
      log.throttled('warn', 'health_record_failed', { error: describeError(error) });
    return false;
  }
}

async function claimMinute(minute: number): Promise<boolean> {
  try {
    return await getKv().set(`health:recorded:${minute}`, '1', {
      ttlSeconds: CLAIM_TTL_SECONDS,
      onlyIfAbsent: true,
    });
  } catch (error) {
    log.throttled('warn', 'health_record_claim_failed', { error: describeError(error) });
    return claimLocally(minute);
  }
}

function claimLocally(minute: number): boolean {
  if (minute === lastLocalMinute) return false;
  lastLocalMinute = minute;
  return true;
}
