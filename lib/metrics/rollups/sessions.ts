import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import { rawRows, type Db } from '@/db/client';
import { SESSION_GRAINS } from '@/db/schema/rollups';
import { binSql } from '../histogram';
import { bucketSql, grainValuesSql, stepSql } from './shape';

/**
 * The session rollups (db/schema/rollups.ts: session_rollups, session_parts, session_spans, session_dirty_buckets),
 * per UTC hour and per UTC day. A session's figures (its duration, last event - first event, and its messages) are
 * not additive over buckets, but most sessions lie within one bucket: those are counted per bucket, once per
 * filter combination, with a histogram of their durations; the few that span buckets keep a part per bucket,
 * merged per session at read time (in the bench's traffic about one session in ten crosses an hour, fewer a day).
 *
 * Which sessions span buckets is known from session_spans, the first and last event of each session among those
 * rolled up. A rollup step that adds events of a session marks dirty the buckets of those events and the buckets
 * the session started in; the job then rebuilds each dirty bucket whole from event_activity_hourly (kept exact by
 * a trigger), in the same transaction as the step, so a crash rebuilds it again. Reads take the buckets that are
 * dirty, or that a session of the tail (events received since the mark) touched, from event_activity_hourly.
 */

export type SessionGrain = (typeof SESSION_GRAINS)[number];

/** (grain, step) of every session grain, as a VALUES list aliased g (SQL text). */
export const SESSION_GRAIN_VALUES = `(values ${grainValuesSql(SESSION_GRAINS)}) as g (grain, step)`;

/** Marker of "any value" in session_rollups' service and environment columns. */
export const ANY_VALUE = '*';

/** Buckets rebuilt per step at most: a month of a backfill's days or hours (a step's usual work is a few). */
const MAX_PER_STEP: Record<SessionGrain, number> = { day: 31, hour: 31 * 24 };

/**
 * Records the sessions of the events received in [from, to): marks dirty the hours and days of those events and
 * of each session's first event so far, then widens the sessions' spans. One scan of the step's events.
 */
export function rollSessionSpans(from: Date, to: Date): SQL {
  return sql`
    with s as materialized (
      select project_id, session_id, min(ts) as first_ts, max(ts) as last_ts,
        array_agg(distinct ${sql.raw(bucketSql(stepSql('hour'), 'ts'))}) as hours
      from events
      where received_at >= ${from.toISOString()}::timestamptz and received_at < ${to.toISOString()}::timestamptz
        and session_id is not null
      group by project_id, session_id
    ),
    touched as (
      select project_id, hour as ts from s cross join unnest(s.hours) as hour
      union all
      select p.project_id, p.first_ts from session_spans as p join s using (project_id, session_id)
    ),
    dirty as (
      insert into session_dirty_buckets (project_id, grain, bucket)
      select distinct t.project_id, g.grain, ${sql.raw(bucketSql('g.step', 't.ts'))}
      from touched as t cross join ${sql.raw(SESSION_GRAIN_VALUES)}
      on conflict do nothing
    )
    insert into session_spans as p (project_id, session_id, first_ts, last_ts)
    select project_id, session_id, first_ts, last_ts from s
    on conflict on constraint session_spans_pk do update
      set first_ts = least(p.first_ts, excluded.first_ts), last_ts = greatest(p.last_ts, excluded.last_ts)`;
}

/**
 * Rebuilds up to MAX_PER_STEP dirty buckets of each grain inside the caller's transaction (the job's step, which
 * holds the job's lock): their session_rollups and session_parts rows, from event_activity_hourly, noted in
 * session_changes at `mark` (the mark the step leaves). Answers whether dirty buckets remain.
 */
export async function rebuildDirtyBuckets(
  tx: Pick<Db, 'execute'>,
  mark: Date,
): Promise<{ rebuilt: number; more: boolean }> {
  const picked: { project_id: string; grain: SessionGrain; bucket: Date | string }[] = [];
  let more = false;
  for (const grain of SESSION_GRAINS) {
    const rows = await rawRows<{ project_id: string; grain: SessionGrain; bucket: Date | string }>(
      tx,
      sql`select project_id, grain, bucket from session_dirty_buckets where grain = ${grain}
        order by bucket desc, project_id limit ${MAX_PER_STEP[grain] + 1} for update`,
    );
    picked.push(...rows.slice(0, MAX_PER_STEP[grain]));
    more ||= rows.length > MAX_PER_STEP[grain];
  }
  if (picked.length === 0) return { rebuilt: 0, more: false };
  const list = sql.join(
    picked.map(
      (d) =>
        sql`(${d.project_id}::uuid, ${d.grain}, ${new Date(d.bucket).toISOString()}::timestamptz, ${sql.raw(stepSql(d.grain))})`,
    ),
    sql`, `,
  );
  await tx.execute(sql`
    with d (project_id, grain, bucket, step) as (values ${list}),
    r as (delete from session_rollups as x using d
      where x.project_id = d.project_id and x.grain = d.grain and x.bucket = d.bucket),
    p as (delete from session_parts as x using d
      where x.project_id = d.project_id and x.grain = d.grain and x.bucket = d.bucket),
    c as (insert into session_changes as c (project_id, grain, bucket, rolled_through)
      select project_id, grain, bucket, ${mark.toISOString()}::timestamptz from d
      on conflict on constraint session_changes_pk do update set rolled_through = excluded.rolled_through)
    delete from session_dirty_buckets as x using d
    where x.project_id = d.project_id and x.grain = d.grain and x.bucket = d.bucket`);
  await tx.execute(rebuildSql(list));
  return { rebuilt: picked.length, more };
}

/**
 * Per bucket of `list`: each session's activity per service and environment; the single sessions (whose span
 * lies in the bucket) aggregated per filter combination, the others kept as parts. A session without a span
 * yet (its events are all past the mark) counts as a part: the read takes its bucket from the hourly rows anyway.
 */
function rebuildSql(list: SQL): SQL {
  const any = (column: string) =>
    sql.raw(`case when grouping(${column}) = 1 then '${ANY_VALUE}' else ${column} end`);
  return sql`
    with d (project_id, grain, bucket, step) as (values ${list}),
    a as materialized (
      select h.project_id, d.grain, d.bucket, h.session_id, h.service, h.environment,
        min(h.first_ts) as first_ts, max(h.last_ts) as last_ts, sum(h.messages)::bigint as messages,
        coalesce(bool_and(s.first_ts >= d.bucket and s.last_ts < d.bucket + d.step), false) as single
      from d
        join event_activity_hourly as h
          on h.project_id = d.project_id and h.hour >= d.bucket and h.hour < d.bucket + d.step
        left join session_spans as s on s.project_id = h.project_id and s.session_id = h.session_id
      where h.session_id <> ''
      group by h.project_id, d.grain, d.bucket, h.session_id, h.service, h.environment
    ),
    parts as (
      insert into session_parts (project_id, grain, bucket, session_id, service, environment, first_ts, last_ts,
        messages)
      select project_id, grain, bucket, session_id, service, environment, first_ts, last_ts, messages
      from a where not single
    ),
    per as (
      select project_id, grain, bucket, ${any('service')} as service, ${any('environment')} as environment,
        extract(epoch from max(last_ts) - min(first_ts)) * 1000 as duration_ms, sum(messages) as messages
      from a where single
      group by grouping sets (
        (project_id, grain, bucket, session_id, service, environment), (project_id, grain, bucket, session_id, service),
        (project_id, grain, bucket, session_id, environment), (project_id, grain, bucket, session_id))
    ),
    bins as (
      select project_id, grain, bucket, service, environment, ${sql.raw(binSql('duration_ms'))} as bin,
        count(*)::bigint as c
      from per group by 1, 2, 3, 4, 5, 6
    ),
    h as (
      select project_id, grain, bucket, service, environment,
        array_agg(bin order by bin) as h_duration_bins, array_agg(c order by bin) as h_duration_counts
      from bins group by 1, 2, 3, 4, 5
    ),
    totals as (
      select project_id, grain, bucket, service, environment, count(*)::bigint as sessions,
        sum(messages)::bigint as messages, sum(duration_ms) as sum_duration
      from per group by 1, 2, 3, 4, 5
    )
    insert into session_rollups (project_id, grain, bucket, service, environment, sessions, messages, sum_duration,
      h_duration_bins, h_duration_counts)
    select t.project_id, t.grain, t.bucket, t.service, t.environment, t.sessions, t.messages, t.sum_duration,
      h.h_duration_bins, h.h_duration_counts
    from totals as t left join h using (project_id, grain, bucket, service, environment)`;
}
