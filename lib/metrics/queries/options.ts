import 'server-only';
import { sql } from 'drizzle-orm';
import { PICKER_VALUES_SQL } from '../rollups/shape';
import { getDb, rawRows } from '@/db/client';
import type { Executor } from '../rollups/read';
import { at } from '../sql';
import type { FilterOptions, Scope } from '../types';

const LOOKBACK_MS = 30 * 86_400_000;
const MAX_OPTIONS = 50;

type Picked = 'service' | 'environment' | 'model';

/**
 * Services, environments and models seen in the last 30 days, for the filter pickers: those the rollup job
 * has recorded in dimension_values, and those of the events received since its mark (one statement, one
 * snapshot: the job moves both at once).
 */
export async function getFilterOptions(
  scope: Scope,
  options: { now?: Date; db?: Executor } = {},
): Promise<FilterOptions> {
  const now = options.now ?? new Date();
  const since = at(new Date(now.getTime() - LOOKBACK_MS));
  const rows = await rawRows<{ dimension: Picked; value: string }>(
    options.db ?? (await getDb()),
    sql`
    select dimension, value from dimension_values
    where project_id = ${scope.projectId} and last_seen >= ${since}
    union
    select v.dimension, v.value
    from events cross join lateral ${sql.raw(PICKER_VALUES_SQL)} as v(dimension, value)
    where project_id = ${scope.projectId} and ts >= ${since} and v.value <> ''
      and received_at >= coalesce((select rolled_through from metric_rollup_state where id = 1), '-infinity'::timestamptz)`,
  );
  const of = (dimension: Picked) =>
    rows
      .filter((r) => r.dimension === dimension)
      .map((r) => r.value)
      .sort()
      .slice(0, MAX_OPTIONS);
  return { services: of('service'), environments: of('environment'), models: of('model') };
}
