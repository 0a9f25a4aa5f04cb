import 'server-only';
import { sql } from 'drizzle-orm';
import { getDb, rawRows } from '@/db/client';
import { env } from '@/lib/env';
import { getKv } from '@/lib/kv';
import { createHealthCache, type HealthCache } from './cache';
import { recordHealthReport } from './record';
import { probeClaude, probeClerk, probeDatabase, probeKv, runProbes } from './probes';
import { summarizeHealth, type HealthReport } from './status';

async function checkHealth(options: { everyCall?: boolean } = {}): Promise<HealthReport> {
  const timeoutMs = env.HEALTH_TIMEOUT_MS;
  const results = await runProbes({
    database: () => probeDatabase({ timeoutMs, query: async () => rawRows(await getDb(), sql`select 1`) }),
    cache: () => probeKv({ timeoutMs, kv: getKv }),
    ai: () => probeClaude({ timeoutMs, baseUrl: env.ANTHROPIC_BASE_URL, apiKey: env.ANTHROPIC_API_KEY }),
    auth: () => probeClerk({ timeoutMs, apiUrl: env.CLERK_API_URL, secretKey: env.CLERK_SECRET_KEY }),
  });
  const report = summarizeHealth(results, new Date());
  await recordHealthReport(report, options);
  return report;
}

// Next bundles the health route and the cron route apart: globalThis gives them one cache per process,
// so the cron's probe serves anonymous callers too.
const CACHE: unique symbol = Symbol.for('chatwatch.healthCache');
type GlobalWithCache = typeof globalThis & { [CACHE]?: HealthCache<HealthReport> };

function healthCache(): HealthCache<HealthReport> {
  const scope = globalThis as GlobalWithCache;
  scope[CACHE] ??= createHealthCache(() => checkHealth());
  return scope[CACHE];
}

/** Probes the database, KV, Claude and Clerk in parallel now (shared with a probe in flight). */
export function runHealthChecks(): Promise<HealthReport> {
  return healthCache().fresh();
}

/** The last probe (this instance's or the cron's) while under 30 s old, else a new one: for anonymous callers. */
export function recentHealthReport(): Promise<HealthReport> {
  return healthCache().recent();
}

/**
 * The alerts cron's probe: records every call (the cron runs once a minute under its own lock), so a
 * health rule counting N failed checks in a row sees one check per run. Kept as the latest report.
 */
export async function runScheduledHealthChecks(): Promise<HealthReport> {
  const report = await checkHealth({ everyCall: true });
  healthCache().remember(report);
  return report;
}
