import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import { rawRows, type Db } from '@/db/client';
import { binSql } from '../histogram';

/**
 * The session rollups (db/schema/rollups.ts: session_rollups, session_parts, session_spans, session_dirty_days).
 * A session's figures (its duration, last event - first event, and its messages) are not additive over days,
 * but most sessions lie within one UTC day: those are counted per day, once per filter combination, with a
 * histogram of their durations; the few that span days keep a part per day, merged per session at read time.
 *
 * Which sessions span days is known from session_spans, the first and last event of each session among those
 * rolled up. A rollup step that adds events of a session marks dirty the days of those events and the day the
 * session started in; the job then rebuilds each dirty day whole from event_activity_hourly (kept exact by a
 * trigger), in the same transaction as the step, so a crash rebuilds it again. Reads take the days that are
 * dirty, or that a session of the tail (events received since the mark) touched, from event_activity_hourly.
 */

/** The UTC day of a timestamptz expression (SQL text). */
export const daySql = (expression: string) =>
  `date_bin(interval '1 day', ${expression}, timestamptz '1970-01-01 00:00:00+00')`;

/** Marker of "any value" in session_rollups' service and environment columns. */
export const ANY_VALUE = '*';

/** Days rebuilt per step at most (a month of a backfill's days; a step's usual work is one or two). */
const MAX_DAYS_PER_STEP = 31;

/**
 * Records the sessions of the events received in [from, to): marks dirty the days of those events and each
 * session's first day so far, then widens the sessions' spans. One scan of the step's events.
 */
export function rollSessionSpans(from: Date, to: Date): SQL {
  return sql`
    with s as materialized (
      select project_id, session_id, min(ts) as first_ts, max(ts) as last_ts,
        array_agg(distinct ${sql.raw(daySql('ts'))}) as days
      from events
      where received_at >= ${from.toISOString()}::timestamptz and received_at < ${to.toISOString()}::timestamptz
        and session_id is not null
      group by project_id, session_id
    ),
    dirty as (
      insert into session_dirty_days (project_id, day)
      select project_id, unnest(days) from s
      union
      select p.project_id, ${sql.raw(daySql('p.first_ts'))} from session_spans as p join s using (project_id, session_id)
      on conflict do nothing
    )
    insert into session_spans as p (project_id, session_id, first_ts, last_ts)
    select project_id, session_id, first_ts, last_ts from s
    on conflict on constraint session_spans_pk do update
      set first_ts = least(p.first_ts, excluded.first_ts), last_ts = greatest(p.last_ts, excluded.last_ts)`;
}

/**
 * Rebuilds up to MAX_DAYS_PER_STEP dirty days inside the caller's transaction (the job's step, which holds the
 * job's lock): their session_rollups and session_parts rows, from event_activity_hourly. Answers whether dirty
 * days remain.
 */
export async function rebuildDirtyDays(tx: Pick<Db, 'execute'>): Promise<{ rebuilt: number; more: boolean }> {
  const days = await rawRows<{ project_id: string; day: Date | string }>(
    tx,
    sql`select project_id, day from session_dirty_days order by day desc, project_id
      limit ${MAX_DAYS_PER_STEP + 1} for update`,
  );
  if (days.length === 0) return { rebuilt: 0, more: false };
  const picked = days.slice(0, MAX_DAYS_PER_STEP);
  const list = sql.join(
    picked.map((d) => sql`(${d.project_id}::uuid, ${new Date(d.day).toISOString()}::timestamptz)`),
    sql`, `,
  );
  await tx.execute(sql`
    with d (project_id, day) as (values ${list}),
    r as (delete from session_rollups as x using d where x.project_id = d.project_id and x.day = d.day),
    p as (delete from session_parts as x using d where x.project_id = d.project_id and x.day = d.day)
    delete from session_dirty_days as x using d where x.project_id = d.project_id and x.day = d.day`);
  await tx.execute(rebuildSql(list));
  return { rebuilt: picked.length, more: days.length > picked.length };
}

/**
 * Per day of `list`: each session's activity per service and environment; the single-day sessions (whose
 * span lies in the day) aggregated per filter combination, the others kept as parts. A session without a span
 * yet (its events are all past the mark) counts as a part: the read takes its day from the hourly rows anyway.
 */
function rebuildSql(list: SQL): SQL {
  const any = (column: string) =>
    sql.raw(`case when grouping(${column}) = 1 then '${ANY_VALUE}' else ${column} end`);
  return sql`
    with d (project_id, day) as (values ${list}),
    a as materialized (
      select h.project_id, d.day, h.session_id, h.service, h.environment,
        min(h.first_ts) as first_ts, max(h.last_ts) as last_ts, sum(h.messages)::bigint as messages,
        coalesce(bool_and(s.first_ts >= d.day and s.last_ts < d.day + interval '1 day'), false) as single
      from d
        join event_activity_hourly as h
          on h.project_id = d.project_id and h.hour >= d.day and h.hour < d.day + interval '1 day'
        left join session_spans as s on s.project_id = h.project_id and s.session_id = h.session_id
      where h.session_id <> ''
      group by h.project_id, d.day, h.session_id, h.service, h.environment
    ),
    parts as (
      insert into session_parts (project_id, day, session_id, service, environment, first_ts, last_ts, messages)
      select project_id, day, session_id, service, environment, first_ts, last_ts, messages from a where not single
    ),
    per as (
      select project_id, day, ${any('service')} as service, ${any('environment')} as environment,
        extract(epoch from max(last_ts) - min(first_ts)) * 1000 as duration_ms, sum(messages) as messages
      from a where single
      group by grouping sets (
        (project_id, day, session_id, service, environment), (project_id, day, session_id, service),
        (project_id, day, session_id, environment), (project_id, day, session_id))
    ),
    bins as (
      select project_id, day, service, environment, ${sql.raw(binSql('duration_ms'))} as bin, count(*)::bigint as c
      from per group by 1, 2, 3, 4, 5
    ),
    h as (
      select project_id, day, service, environment,
        array_agg(bin order by bin) as h_duration_bins, array_agg(c order by bin) as h_duration_counts
      from bins group by 1, 2, 3, 4
    ),
    totals as (
      select project_id, day, service, environment, count(*)::bigint as sessions, sum(messages)::bigint as messages,
        sum(duration_ms) as sum_duration
      from per group by 1, 2, 3, 4
    )
    insert into session_rollups (project_id, day, service, environment, sessions, messages, sum_duration,
      h_duration_bins, h_duration_counts)
    select t.project_id, t.day, t.service, t.environment, t.sessions, t.messages, t.sum_duration,
      h.h_duration_bins, h.h_duration_counts
    from totals as t left join h using (project_id, day, service, environment)`;
}
