/**
 * The tables of rolled-up data (the rollup job writes them; raw events aside): what Settings counts as the disk used
 * by rollups (lib/retention/queries.ts) and what the maintenance vacuums where no autovacuum runs (./vacuum.ts).
 */
export const ROLLUP_TABLES = [
  'event_activity_hourly',
  'metric_rollups',
  'user_rollups',
  'user_sets',
  'user_index',
  'error_rollups',
  'dimension_values',
  'session_rollups',
  'session_parts',
  'session_spans',
  'session_dirty_buckets',
  'session_changes',
  'rollup_changes',
] as const;
