import 'server-only';
import { sql } from 'drizzle-orm';
import { getDb, rawRows } from '@/db/client';
import { env } from '@/lib/env';
import { getKv } from '@/lib/kv';
import { recordHealthReport } from './record';
import { probeClaude, probeClerk, probeDatabase, probeKv, runProbes, shareInFlight } from './probes';
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

/** Probes the database, KV, Claude and Clerk in parallel; answers within HEALTH_TIMEOUT_MS plus overhead. */
export const runHealthChecks: () => Promise<HealthReport> = shareInFlight(checkHealth);

/**
 * The alerts cron's probe: records every call (the cron runs once a minute under its own lock), so a
 * health rule counting N failed checks in a row sees one check per run.
 */
export function runScheduledHealthChecks(): Promise<HealthReport> {
  return checkHealth({ everyCall: true });
}
