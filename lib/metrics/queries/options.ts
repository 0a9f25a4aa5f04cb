import 'server-only';
import { sql } from 'drizzle-orm';
import { NO_FILTERS } from '../range';
import { at, query } from '../sql';
import { readFigures } from './figures';
import type { FilterOptions, Scope } from '../types';

const LOOKBACK_MS = 30 * 86_400_000;
const MAX_OPTIONS = 50;

/**
 * Services, environments and models seen in the last 30 days, for the filter pickers: the day rollups (a few
 * rows per day whatever the traffic) plus the raw events received from the rollup job's mark on (what the job
 * has not reached yet), and the models' call counts through the catalog.
 */
export async function getFilterOptions(scope: Scope, now: Date = new Date()): Promise<FilterOptions> {
  const since = new Date(now.getTime() - LOOKBACK_MS);
  // Whole days are read: an option seen up to a day before `since` is still offered.
  const daySince = new Date(Math.floor(since.getTime() / 86_400_000) * 86_400_000);
  const [dims, models] = await Promise.all([
    query<{ service: string; environment: string }>(sql`
      select distinct service, environment from metric_rollups
      where project_id = ${scope.projectId} and grain = 'day' and bucket >= ${at(daySince)}
      union
      select distinct service, coalesce(environment, '') from events
      where project_id = ${scope.projectId} and ts >= ${at(since)} and received_at >=
        coalesce((select rolled_through from metric_rollup_state where id = 1), '-infinity'::timestamptz)`),
    readFigures(scope, { from: since, to: now }, NO_FILTERS, ['ai_calls'], { groupBy: ['model'] }),
  ]);
  const values = (kind: 'service' | 'environment') => [
    ...new Set(dims.map((d) => d[kind]).filter((v) => v !== '')),
  ];
  const of = (kind: 'service' | 'environment') => values(kind).sort().slice(0, MAX_OPTIONS);
  const modelNames = models
    .filter((m) => m.key.model && (m.values.ai_calls.value ?? 0) > 0)
    .map((m) => m.key.model!)
    .sort()
    .slice(0, MAX_OPTIONS);
  return { services: of('service'), environments: of('environment'), models: modelNames };
}
