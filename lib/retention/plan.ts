import { GRAIN_MS } from '@/lib/metrics/rollups/plan';
import { DAY_MS, utcDay, type DayRange } from '@/lib/storage/partition-plan';

/** How long each kind of data is kept, in days (lib/env.ts documents the defaults). */
export type RetentionSettings = {
  retentionDays: number;
  rollupRetentionDays: number;
  healthRetentionDays: number;
  alertHistoryRetentionDays: number;
  auditRetentionDays: number;
};
export type RetentionSetting = keyof RetentionSettings;

/**
 * Rows of `table` older than `timeColumn` < now - setting are deleted in batches. `filter` narrows a target to
 * some rows (a rollup table whose minute and quarter-hour rows follow the raw retention and whose hour, day and
 * week rows follow the rollup one); an `optional` target is skipped while its table does not exist.
 */
export type RetentionTarget = {
  key: string;
  table: string;
  timeColumn: string;
  setting: RetentionSetting;
  filter?: { column: string; values: readonly string[] };
  optional?: boolean;
  /**
   * Rollup rows stand for buckets of up to this span from `timeColumn`: they go once the whole bucket is past
   * the cutoff, so a read whose window starts inside retention never finds its first week or day gone.
   */
  bucketMs?: number;
  /**
   * Delete holding the rollup job's lock (metric_rollup_state's row): the job reads this table to decide what
   * to insert, and a row deleted under a running step would be neither kept nor written again.
   */
  withJobLock?: boolean;
};

const rollupTargets = (table: string): RetentionTarget[] => [
  {
    key: `${table}.minute`,
    table,
    timeColumn: 'bucket',
    setting: 'retentionDays',
    filter: { column: 'grain', values: ['minute', 'quarter'] },
    bucketMs: GRAIN_MS.quarter,
  },
  {
    key: `${table}.hour_day`,
    table,
    timeColumn: 'bucket',
    setting: 'rollupRetentionDays',
    filter: { column: 'grain', values: ['hour', 'day'] },
    bucketMs: GRAIN_MS.day,
  },
  {
    key: `${table}.week`,
    table,
    timeColumn: 'bucket',
    setting: 'rollupRetentionDays',
    filter: { column: 'grain', values: ['week'] },
    bucketMs: GRAIN_MS.week,
  },
];

/** Everything retention deletes row by row; raw events go by whole partitions instead. */
export const RETENTION_TARGETS: readonly RetentionTarget[] = [
  {
    key: 'event_activity_hourly',
    table: 'event_activity_hourly',
    timeColumn: 'hour',
    setting: 'rollupRetentionDays',
  },
  ...rollupTargets('metric_rollups'),
  {
    key: 'user_rollups',
    table: 'user_rollups',
    timeColumn: 'bucket',
    setting: 'rollupRetentionDays',
    bucketMs: GRAIN_MS.week,
  },
  {
    key: 'user_sets',
    table: 'user_sets',
    timeColumn: 'bucket',
    setting: 'rollupRetentionDays',
    bucketMs: GRAIN_MS.week,
  },
  {
    // A user's number goes two weeks after the last set that could hold their bit: a user back after that
    // gets a new number, and no window can reach a set with the old one.
    key: 'user_index',
    table: 'user_index',
    timeColumn: 'last_seen',
    setting: 'rollupRetentionDays',
    bucketMs: 2 * GRAIN_MS.week,
    withJobLock: true,
  },
  {
    key: 'error_rollups',
    table: 'error_rollups',
    timeColumn: 'bucket',
    setting: 'rollupRetentionDays',
    bucketMs: GRAIN_MS.week,
  },
  {
    key: 'dimension_values',
    table: 'dimension_values',
    timeColumn: 'last_seen',
    setting: 'rollupRetentionDays',
  },
  { key: 'session_rollups', table: 'session_rollups', timeColumn: 'bucket', setting: 'rollupRetentionDays' },
  { key: 'session_parts', table: 'session_parts', timeColumn: 'bucket', setting: 'rollupRetentionDays' },
  { key: 'session_spans', table: 'session_spans', timeColumn: 'last_ts', setting: 'rollupRetentionDays' },
  {
    key: 'session_dirty_buckets',
    table: 'session_dirty_buckets',
    timeColumn: 'bucket',
    setting: 'rollupRetentionDays',
  },
  { key: 'session_changes', table: 'session_changes', timeColumn: 'bucket', setting: 'rollupRetentionDays' },
  // Kept as long as the rollups they vouch for: a kept read over old hours is checked against them too, and
  // a change noted just before its bucket passed raw retention must still be seen by a read kept before it.
  {
    key: 'rollup_changes.quarter',
    table: 'rollup_changes',
    timeColumn: 'bucket',
    setting: 'rollupRetentionDays',
    filter: { column: 'grain', values: ['quarter'] },
    bucketMs: GRAIN_MS.quarter,
  },
  {
    key: 'rollup_changes.day',
    table: 'rollup_changes',
    timeColumn: 'bucket',
    setting: 'rollupRetentionDays',
    filter: { column: 'grain', values: ['day'] },
    bucketMs: GRAIN_MS.day,
  },
  { key: 'health_checks', table: 'health_checks', timeColumn: 'checked_at', setting: 'healthRetentionDays' },
  {
    key: 'alert_transitions',
    table: 'alert_transitions',
    timeColumn: 'at',
    setting: 'alertHistoryRetentionDays',
  },
  {
    key: 'notification_deliveries',
    table: 'notification_deliveries',
    timeColumn: 'created_at',
    setting: 'alertHistoryRetentionDays',
  },
  { key: 'audit_log', table: 'audit_log', timeColumn: 'at', setting: 'auditRetentionDays' },
];

/** A table named like an events partition: attached (with its bounds) or left detached by an interrupted run. */
export type StoredPartition = {
  name: string;
  bounds: DayRange | null;
  attached: boolean;
  detachPending?: boolean;
};

export type PartitionDrop = { name: string; from: Date; to: Date; attached: boolean; detachPending: boolean };
export type RowDelete = RetentionTarget & { cutoff: Date };

export type RetentionPlan = {
  /** Raw events older than this may go; whole partitions before its UTC day do. */
  eventsCutoff: Date;
  /** Oldest first. */
  dropPartitions: PartitionDrop[];
  deletes: RowDelete[];
  /** Optional targets whose table does not exist. */
  skipped: string[];
};

/**
 * What retention removes at `now`: the events partitions that lie wholly before the UTC day of
 * now - retentionDays (a partition holding a single row still inside retention stays), and for every other
 * target the instant before which its rows go.
 */
export function planRetention(input: {
  now: Date;
  settings: RetentionSettings;
  partitions: StoredPartition[];
  existingTables: ReadonlySet<string>;
  targets?: readonly RetentionTarget[];
}): RetentionPlan {
  const { now, settings, targets = RETENTION_TARGETS } = input;
  const eventsCutoff = new Date(now.getTime() - settings.retentionDays * DAY_MS);
  const lastDroppable = utcDay(eventsCutoff).getTime();
  const dropPartitions = input.partitions
    .filter((p) => p.bounds !== null && p.bounds.to.getTime() <= lastDroppable)
    .map((p) => ({
      name: p.name,
      from: p.bounds!.from,
      to: p.bounds!.to,
      attached: p.attached,
      detachPending: p.detachPending ?? false,
    }))
    .sort((a, b) => a.from.getTime() - b.from.getTime());
  const present = targets.filter((t) => !t.optional || input.existingTables.has(t.table));
  return {
    eventsCutoff,
    dropPartitions,
    deletes: present.map((t) => ({
      ...t,
      cutoff: new Date(now.getTime() - settings[t.setting] * DAY_MS - (t.bucketMs ?? 0)),
    })),
    skipped: targets.filter((t) => !present.includes(t)).map((t) => t.key),
  };
}

export type TargetReport = { key: string; deleted: number; done: boolean; ms: number };
export type RetentionReport = {
  /** Nothing older than the retention left (as of this run). */
  done: boolean;
  ms: number;
  partitions: { dropped: string[]; done: boolean; ms: number };
  targets: TargetReport[];
  skipped: string[];
};

export type RetentionOps = {
  dropPartition: (partition: PartitionDrop) => Promise<void>;
  /** Deletes at most `limit` rows of the target older than its cutoff; answers how many it deleted. */
  deleteBatch: (target: RowDelete, limit: number) => Promise<number>;
};

/**
 * Carries out a plan in bounded work: at most `maxPartitions` partitions, row deletes of `batchRows` rows, and
 * no new step once `budgetMs` has passed (a step always completes, and the first one always runs, so repeated
 * calls make progress whatever the budget). Partitions go first: dropping a day of events is the cheapest
 * way to free the most space.
 */
export async function executeRetention(
  plan: RetentionPlan,
  limits: { budgetMs: number; batchRows: number; maxPartitions: number },
  ops: RetentionOps,
  clock: () => number = () => performance.now(),
): Promise<RetentionReport> {
  const started = clock();
  let steps = 0;
  const budgetLeft = () => steps === 0 || clock() - started < limits.budgetMs;

  const dropped: string[] = [];
  const partitionsStarted = clock();
  for (const partition of plan.dropPartitions.slice(0, limits.maxPartitions)) {
    if (!budgetLeft()) break;
    await ops.dropPartition(partition);
    dropped.push(partition.name);
    steps++;
  }
  const partitions = {
    dropped,
    done: dropped.length === plan.dropPartitions.length,
    ms: clock() - partitionsStarted,
  };

  const targets: TargetReport[] = [];
  for (const target of plan.deletes) {
    const targetStarted = clock();
    let deleted = 0;
    let done = false;
    while (!done && budgetLeft()) {
      const n = await ops.deleteBatch(target, limits.batchRows);
      deleted += n;
      done = n < limits.batchRows;
      steps++;
    }
    targets.push({ key: target.key, deleted, done, ms: clock() - targetStarted });
  }
  return {
    done: partitions.done && targets.every((t) => t.done),
    ms: clock() - started,
    partitions,
    targets,
    skipped: plan.skipped,
  };
}
