import 'server-only';
import { sql } from 'drizzle-orm';
import { getDb, rawRows } from '@/db/client';
import { bucketStart } from '../buckets';
import {
  CHECK_FRESH_MS,
  countingSinceOutput,
  dependencyOutputs,
  familyOutput,
  render,
  specsOf,
  type LastCheck,
} from '../prometheus/exposition';
import { FAMILIES, typeOf } from '../prometheus/families';
import { NO_FILTERS } from '../range';
import { readRollupsIn } from '../rollups/read';
import type { Scope } from '../types';

const DAY_MS = 86_400_000;

/**
 * The Prometheus exposition of a project at `now`: every family of lib/metrics/prometheus/families.ts counted
 * since 00:00 UTC (one read per event type, all in parallel: whole hours from the rollups, the rest raw), and
 * the installation's dependency gauges from each dependency's last health check.
 */
export async function getPrometheusExposition(scope: Scope, now: Date): Promise<string> {
  const since = new Date(bucketStart(now.getTime(), DAY_MS));
  const specs = [...specsOf(FAMILIES)];
  const [rows, checks] = await Promise.all([
    readRollupsIn(
      scope,
      NO_FILTERS,
      specs.map(([, spec]) => ({ window: { from: since, to: now }, spec })),
    ),
    lastChecks(now),
  ]);
  const byType = new Map(specs.map(([type], i) => [type, rows[i]!]));
  return render([
    countingSinceOutput(since),
    ...FAMILIES.map((family) => familyOutput(family, byType.get(typeOf(family)) ?? [])),
    ...dependencyOutputs(checks),
  ]);
}

/** Each dependency's last check of the last CHECK_FRESH_MS, but those not configured. */
async function lastChecks(now: Date): Promise<LastCheck[]> {
  const rows = await rawRows<{ dependency: string; state: 'ok' | 'fail'; latency_ms: number | null }>(
    await getDb(),
    sql`select distinct on (dependency) dependency, state, latency_ms from health_checks
        where checked_at > ${new Date(now.getTime() - CHECK_FRESH_MS).toISOString()}::timestamptz
          and checked_at <= ${now.toISOString()}::timestamptz
        order by dependency, checked_at desc`,
  );
  return rows
    .filter((r) => r.state === 'ok' || r.state === 'fail')
    .map((r) => ({ dependency: r.dependency, state: r.state, latencyMs: r.latency_ms }));
}
