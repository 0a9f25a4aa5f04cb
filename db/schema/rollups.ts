import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  customType,
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { projects } from './projects';

const count = (name: string) => bigint(name, { mode: 'number' });
/** A histogram's bins (ascending) and, at the same positions, their counts. */
const histBins = (name: string) => integer(name).array();
const histCounts = (name: string) => bigint(name, { mode: 'number' }).array();

/** The project a rollup row belongs to (every rollup table's first key column). */
const projectId = () =>
  uuid('project_id')
    .notNull()
    .references(() => projects.id, { onDelete: 'cascade' });

/** The key columns every rollup table starts with. */
const rollupKey = () => ({
  projectId: projectId(),
  grain: text('grain').notNull(),
  type: text('type').notNull(),
  bucket: timestamp('bucket', { withTimezone: true }).notNull(),
  service: text('service').notNull(),
  environment: text('environment').notNull(),
  model: text('model').notNull(),
});

/**
 * Rollups of raw events per project, grain (minute, quarter, hour, day, week), event type, bucket and dimension set
 * (lib/metrics/rollups/shape.ts defines every column once). A histogram is two arrays of one length,
 * `h_<field>_bins` (ascending bin indexes) and `h_<field>_counts`: reads hand both to the app as JSON arrays
 * (lib/metrics/rollups/read.ts); the job merges them with the SQL function cw_hist_merge (migration 0016).
 */
export const metricRollups = pgTable(
  'metric_rollups',
  {
    ...rollupKey(),
    path: text('path').notNull(),
    name: text('name').notNull(),
    class: text('class').notNull(),
    labels: text('labels').notNull(),
    n: count('n').notNull(),
    sumDuration: doublePrecision('sum_duration'),
    nDuration: count('n_duration'),
    sumTtft: doublePrecision('sum_ttft'),
    nTtft: count('n_ttft'),
    sumValue: doublePrecision('sum_value'),
    nValue: count('n_value'),
    minValue: doublePrecision('min_value'),
    maxValue: doublePrecision('max_value'),
    sumIn: count('sum_in'),
    sumOut: count('sum_out'),
    sumCacheRead: count('sum_cache_read'),
    sumCacheWrite: count('sum_cache_write'),
    sumCost: doublePrecision('sum_cost'),
    nCached: count('n_cached'),
    nCachedHit: count('n_cached_hit'),
    sumResults: count('sum_results'),
    nResults: count('n_results'),
    sumLength: count('sum_length'),
    nLength: count('n_length'),
    hDurationBins: histBins('h_duration_bins'),
    hDurationCounts: histCounts('h_duration_counts'),
    hTtftBins: histBins('h_ttft_bins'),
    hTtftCounts: histCounts('h_ttft_counts'),
    hTtfrBins: histBins('h_ttfr_bins'),
    hTtfrCounts: histCounts('h_ttfr_counts'),
    hValueBins: histBins('h_value_bins'),
    hValueCounts: histCounts('h_value_counts'),
    hLengthBins: histBins('h_length_bins'),
    hLengthCounts: histCounts('h_length_counts'),
    hTemperatureBins: histBins('h_temperature_bins'),
    hTemperatureCounts: histCounts('h_temperature_counts'),
    hContextBins: histBins('h_context_bins'),
    hContextCounts: histCounts('h_context_counts'),
  },
  (t) => [
    primaryKey({
      name: 'metric_rollups_pk',
      columns: [
        t.projectId,
        t.grain,
        t.type,
        t.bucket,
        t.service,
        t.environment,
        t.model,
        t.path,
        t.name,
        t.class,
        t.labels,
      ],
    }),
    index('metric_rollups_grain_bucket_idx').on(t.grain, t.bucket),
    check('metric_rollups_grain_check', sql`${t.grain} in ('minute', 'quarter', 'hour', 'day', 'week')`),
  ],
);

/** How far the rollup job has gone: every event received before `rolled_through` is in the rollups. */
export const metricRollupState = pgTable(
  'metric_rollup_state',
  {
    id: smallint('id').primaryKey().default(1),
    rolledThrough: timestamp('rolled_through', { withTimezone: true }).notNull(),
  },
  (t) => [check('metric_rollup_state_id_check', sql`${t.id} = 1`)],
);

/** The grains of rollup_changes: quarter hours for spans that end on one, days for long spans. */
export const CHANGE_GRAINS = ['quarter', 'day'] as const;

/**
 * Per project, grain (quarter hour, UTC day) and bucket, the mark of the latest rollup step that added events of
 * that bucket (rolled_through after the step). A result kept over whole buckets of rollups
 * (lib/metrics/rollups/kept.ts) still holds while no step after the mark it was read at touched one of its
 * buckets: late and backfilled events show as a newer mark.
 */
export const rollupChanges = pgTable(
  'rollup_changes',
  {
    projectId: projectId(),
    grain: text('grain', { enum: CHANGE_GRAINS }).notNull(),
    bucket: timestamp('bucket', { withTimezone: true }).notNull(),
    rolledThrough: timestamp('rolled_through', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'rollup_changes_pk', columns: [t.projectId, t.grain, t.bucket] }),
    check('rollup_changes_grain_check', sql`${t.grain} in ('quarter', 'day')`),
  ],
);

/**
 * The services, environments and models each project has sent, with when each was last seen (the latest
 * event timestamp): what the filter pickers offer. Kept by the rollup job with the rollups; reads add the
 * events received since its mark (lib/metrics/queries/options.ts).
 */
export const dimensionValues = pgTable(
  'dimension_values',
  {
    projectId: projectId(),
    dimension: text('dimension').notNull(),
    value: text('value').notNull(),
    lastSeen: timestamp('last_seen', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'dimension_values_pk', columns: [t.projectId, t.dimension, t.value] }),
    check('dimension_values_dimension_check', sql`${t.dimension} in ('service', 'environment', 'model')`),
  ],
);

/**
 * Per-user rollups per project, grain (hour, day, week), bucket and dimension set, of the events with a user: the AI
 * calls per model (the AI page's users, cost per user, top users by cost) and every event as type '*' (exact
 * active users). Reads take whole buckets from here and the edges and the tail from raw rows
 * (lib/metrics/rollups/read.ts). Kept by the rollup job in the same step as metric_rollups.
 */
export const userRollups = pgTable(
  'user_rollups',
  {
    ...rollupKey(),
    userId: text('user_id').notNull(),
    n: count('n').notNull(),
    sumCost: doublePrecision('sum_cost'),
    lastMs: doublePrecision('last_ms'),
  },
  (t) => [
    primaryKey({
      name: 'user_rollups_pk',
      columns: [t.projectId, t.grain, t.type, t.bucket, t.service, t.environment, t.model, t.userId],
    }),
    check('user_rollups_grain_check', sql`${t.grain} in ('hour', 'day', 'week')`),
  ],
);

/** A bit string (Postgres `bit varying`), as text of 0s and 1s on the rare occasion the app reads one. */
const varbit = customType<{ data: string }>({ dataType: () => 'bit varying' });

/**
 * Every user id a project has sent, numbered 0, 1, 2, ... in the order the rollup job first met them: a user's
 * bit in user_sets. `last_seen` (the latest event timestamp) lets retention drop the ids of users gone for
 * longer than the rollups are kept, once no user_sets row can hold their bit: a number is held by one user at a
 * time (the job numbers on from the highest kept, so a freed highest number can be given again).
 */
export const userIndex = pgTable(
  'user_index',
  {
    projectId: projectId(),
    userId: text('user_id').notNull(),
    idx: integer('idx').notNull(),
    lastSeen: timestamp('last_seen', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'user_index_pk', columns: [t.projectId, t.userId] }),
    uniqueIndex('user_index_idx_key').on(t.projectId, t.idx),
    index('user_index_last_seen_idx').on(t.lastSeen),
  ],
);

/**
 * The users with an event per project, grain (hour, day, week), type ('*': any event; 'ai.call' per model),
 * bucket and service, environment and model, as bitmaps of their user_index numbers in chunks of
 * USER_CHUNK_BITS (chunk c holds numbers c * USER_CHUNK_BITS + 0, 1, ...; only chunks with a user are kept),
 * with the cost of those users' AI calls. Exact distinct users of any window, filter and grouping are a
 * bit_or per chunk and a bit_count, whatever the events (readActiveUsers, lib/metrics/rollups/read.ts).
 */
export const userSets = pgTable(
  'user_sets',
  {
    ...rollupKey(),
    chunk: integer('chunk').notNull(),
    users: varbit('users').notNull(),
    sumCost: doublePrecision('sum_cost'),
  },
  (t) => [
    primaryKey({
      name: 'user_sets_pk',
      columns: [t.projectId, t.grain, t.type, t.bucket, t.service, t.environment, t.model, t.chunk],
    }),
    check('user_sets_grain_check', sql`${t.grain} in ('hour', 'day', 'week')`),
  ],
);

/**
 * The System page's error list per project, grain (UTC day, week) and bucket: each error type, route, source and
 * message with its count and the time it was last seen (lib/metrics/queries/system.ts), so a month's list reads
 * a few hundred rows instead of every raw error. The key holds the message's md5 (a message can be longer than
 * a key may be). Kept by the rollup job in the same step as metric_rollups.
 */
export const errorRollups = pgTable(
  'error_rollups',
  {
    projectId: projectId(),
    grain: text('grain').notNull(),
    type: text('type').notNull(),
    bucket: timestamp('bucket', { withTimezone: true }).notNull(),
    service: text('service').notNull(),
    environment: text('environment').notNull(),
    path: text('path').notNull(),
    name: text('name').notNull(),
    errorType: text('error_type').notNull(),
    message: text('message').notNull(),
    messageMd5: text('message_md5')
      .notNull()
      .generatedAlwaysAs(sql`md5(message)`),
    n: count('n').notNull(),
    lastMs: doublePrecision('last_ms'),
  },
  (t) => [
    primaryKey({
      name: 'error_rollups_pk',
      columns: [
        t.projectId,
        t.grain,
        t.bucket,
        t.service,
        t.environment,
        t.path,
        t.name,
        t.errorType,
        t.messageMd5,
      ],
    }),
    check('error_rollups_grain_check', sql`${t.grain} in ('day', 'week')`),
  ],
);

/** The grains of the session rollups: whole UTC hours for the edges of a range, whole UTC days for the rest. */
export const SESSION_GRAINS = ['hour', 'day'] as const;
const sessionGrain = () => text('grain', { enum: SESSION_GRAINS }).notNull();

/**
 * Sessions per UTC hour and per UTC day, for the session figures (lib/metrics/queries/sessions.ts): the sessions
 * whose every event lies in that bucket ("single" sessions: most of them), counted once per filter combination
 * (service and environment, '*' for any) with their messages, summed durations and a histogram of durations.
 * Sessions that span buckets keep one row per bucket in session_parts instead. Rebuilt a bucket at a time by
 * the rollup job from event_activity_hourly and session_spans (lib/metrics/rollups/sessions.ts).
 */
export const sessionRollups = pgTable(
  'session_rollups',
  {
    projectId: projectId(),
    grain: sessionGrain(),
    bucket: timestamp('bucket', { withTimezone: true }).notNull(),
    service: text('service').notNull(),
    environment: text('environment').notNull(),
    sessions: count('sessions').notNull(),
    messages: count('messages').notNull(),
    sumDuration: doublePrecision('sum_duration').notNull(),
    hDurationBins: histBins('h_duration_bins'),
    hDurationCounts: histCounts('h_duration_counts'),
  },
  (t) => [
    primaryKey({
      name: 'session_rollups_pk',
      columns: [t.projectId, t.grain, t.bucket, t.service, t.environment],
    }),
    check('session_rollups_grain_check', sql`${t.grain} in ('hour', 'day')`),
  ],
);

/** A session's part in one bucket, for the sessions that span more than one bucket (see session_rollups). */
export const sessionParts = pgTable(
  'session_parts',
  {
    projectId: projectId(),
    grain: sessionGrain(),
    bucket: timestamp('bucket', { withTimezone: true }).notNull(),
    sessionId: text('session_id').notNull(),
    service: text('service').notNull(),
    environment: text('environment').notNull(),
    firstTs: timestamp('first_ts', { withTimezone: true }).notNull(),
    lastTs: timestamp('last_ts', { withTimezone: true }).notNull(),
    messages: count('messages').notNull(),
  },
  (t) => [
    primaryKey({
      name: 'session_parts_pk',
      columns: [t.projectId, t.grain, t.bucket, t.sessionId, t.service, t.environment],
    }),
    index('session_parts_bucket_idx').on(t.bucket),
    check('session_parts_grain_check', sql`${t.grain} in ('hour', 'day')`),
    // Also session_parts_read_idx (project_id, grain, bucket) INCLUDE (every column): migrations 0020 and 0027,
    // as drizzle has no INCLUDE.
  ],
);

/** Each session's first and last event among those rolled up: which buckets it spans. */
export const sessionSpans = pgTable(
  'session_spans',
  {
    projectId: projectId(),
    sessionId: text('session_id').notNull(),
    firstTs: timestamp('first_ts', { withTimezone: true }).notNull(),
    lastTs: timestamp('last_ts', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'session_spans_pk', columns: [t.projectId, t.sessionId] }),
    index('session_spans_last_ts_idx').on(t.lastTs),
  ],
);

/**
 * Buckets whose session_rollups and session_parts are out of date: marked by the rollup step that rolls up one
 * of their sessions' events (and by the migrations that made these tables), rebuilt and unmarked by the job.
 * Reads take such buckets from event_activity_hourly.
 */
export const sessionDirtyBuckets = pgTable(
  'session_dirty_buckets',
  {
    projectId: projectId(),
    grain: sessionGrain(),
    bucket: timestamp('bucket', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'session_dirty_buckets_pk', columns: [t.projectId, t.grain, t.bucket] }),
    check('session_dirty_buckets_grain_check', sql`${t.grain} in ('hour', 'day')`),
  ],
);

/**
 * Per project, grain and bucket, the mark of the latest rollup step that rebuilt that bucket's session_rollups and
 * session_parts (the mark after the step; a step that only rebuilt keeps the mark it found). A session bucket is
 * rebuilt without an event of its own when one of its sessions gets a later event, so rollup_changes (which notes
 * the buckets of the events) does not cover it. The session figures keep the buckets of a range's middle in
 * process and read again those rebuilt after the mark they were read at (lib/metrics/queries/sessions.ts).
 */
export const sessionChanges = pgTable(
  'session_changes',
  {
    projectId: projectId(),
    grain: sessionGrain(),
    bucket: timestamp('bucket', { withTimezone: true }).notNull(),
    rolledThrough: timestamp('rolled_through', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'session_changes_pk', columns: [t.projectId, t.grain, t.bucket] }),
    check('session_changes_grain_check', sql`${t.grain} in ('hour', 'day')`),
  ],
);
