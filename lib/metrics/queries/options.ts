import 'server-only';
import { sql } from 'drizzle-orm';
import { NO_FILTERS } from '../range';
import { at, query } from '../sql';
import { readFigures } from './figures';
import type { FilterOptions, Scope } from '../types';

const LOOKBACK_MS = 30 * 86_400_000;
const MAX_OPTIONS = 50;

/** Services, environments and models seen in the last 30 days, for the filter pickers. */
export async function getFilterOptions(scope: Scope, now: Date = new Date()): Promise<FilterOptions> {
  const since = new Date(now.getTime() - LOOKBACK_MS);
  // Hours are read whole from the rollup: an option seen up to an hour before `since` is still offered.
  const hourSince = new Date(Math.floor(since.getTime() / 3_600_000) * 3_600_000);
  const [dims, models] = await Promise.all([
    query<{ kind: 'service' | 'environment'; value: string }>(sql`
      select distinct 'service' as kind, service as value from event_activity_hourly
      where project_id = ${scope.projectId} and hour >= ${at(hourSince)}
      union
      select distinct 'environment', environment from event_activity_hourly
      where project_id = ${scope.projectId} and hour >= ${at(hourSince)} and environment <> ''`),
    readFigures(scope, { from: since, to: now }, NO_FILTERS, ['ai_calls'], { groupBy: ['model'] }),
  ]);
  const of = (kind: 'service' | 'environment') =>
    dims
      .filter((d) => d.kind === kind)
      .map((d) => d.value)
      .sort()
      .slice(0, MAX_OPTIONS);
  const modelNames = models
    .filter((m) => m.key.model && (m.values.ai_calls.value ?? 0) > 0)
    .map((m) => m.key.model!)
    .sort()
    .slice(0, MAX_OPTIONS);
  return { services: of('service'), environments: of('environment'), models: modelNames };
}
