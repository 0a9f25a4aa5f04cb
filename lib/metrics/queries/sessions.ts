import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import { getDb, rawRows, type Db } from '@/db/client';
import { binSql, quantile } from '../histogram';
import type { Filters } from '../range';
import { planRead, type Window } from '../rollups/plan';
import { tailBound } from '../rollups/read';
import { ANY_VALUE, daySql } from '../rollups/sessions';
import { at } from '../sql';
import { int, num, ratio } from '../stats';
import type { Experience, Scope } from '../types';
import { activityRows } from './activity';

const DAY = sql.raw(`interval '1 day'`);

/**
 * Sessions with an event in the range (and the filters): how many, messages per session, average and median
 * duration (a session's last event - its first, within the range). Counts, messages and the average are
 * exact; the median comes from the duration histogram, within 1%.
 *
 * Whole UTC days in the range come from the session rollups (lib/metrics/rollups/sessions.ts): the single-day
 * sessions as one row per day, the sessions spanning days as their parts, merged per session with the range's
 * edges (event_activity_hourly and raw rows). A day the job has not rebuilt since one of its sessions got an
 * event (dirty, or touched by an event received since the job's mark) is read from event_activity_hourly. One
 * statement, so the mark, the tail (from the request's tailBound on: the last minutes' partitions, not every
 * one) and the rollups are read in one snapshot.
 */
export async function sessionStats(
  scope: Scope,
  range: Window,
  filters: Filters,
  options: { db?: Db } = {},
): Promise<Experience['sessions']> {
  const plan = planRead(range, ['day']);
  const days = plan.pieces[0] ?? null;
  const edges = days ? plan.raw : [{ from: range.from, to: range.to }];
  const db = options.db ?? (await getDb());
  const tail = days ? await tailBound(db, scope) : null;
  const [row] = await rawRows<{ sessions: unknown; messages: unknown; sum_duration: unknown; bins: unknown }>(
    db,
    statement(scope, days, edges, filters, tail),
  );
  const count = int(row?.sessions);
  const bins = (typeof row?.bins === 'string' ? JSON.parse(row.bins) : (row?.bins ?? [])) as [
    number,
    number,
  ][];
  return {
    count,
    messagesPerSession: ratio(int(row?.messages), count),
    avgDurationMs: count === 0 ? null : ratio(num(row?.sum_duration), count),
    p50DurationMs: quantile(
      bins.map(([bin, c]) => [Number(bin), Number(c)] as const),
      0.5,
    ),
  };
}

type Days = { from: Date; to: Date } | null;

/** `tail`: the oldest event received at or after the job's mark when the request began (null: none). */
function statement(
  scope: Scope,
  days: Days,
  edges: { from: Date; to: Date }[],
  filters: Filters,
  tail: Date | null,
): SQL {
  const p = scope.projectId;
  const filtersOn = (alias: string) =>
    sql.join(
      [
        ...(filters.service !== null ? [sql`${sql.raw(alias)}.service = ${filters.service}`] : []),
        ...(filters.environment !== null
          ? [sql`${sql.raw(alias)}.environment = ${filters.environment}`]
          : []),
        sql`true`,
      ],
      sql` and `,
    );
  const rows: SQL[] = edges.map(
    (edge) => sql`select session_id, first_ts, last_ts, messages
      from (${activityRows(scope, edge, filters)}) as e where session_id is not null`,
  );
  let daysSql = sql``;
  let rolled = sql`select null::bigint as sessions, null::bigint as messages, null::float8 as sum_duration,
    null::int[] as h_duration_bins, null::bigint[] as h_duration_counts where false`;
  if (days) {
    const inDays = (column: string) =>
      sql`${sql.raw(column)} >= ${at(days.from)} and ${sql.raw(column)} < ${at(days.to)}`;
    daysSql = sql`
      tail as materialized (
        select session_id, ts from events
        where ${
          tail === null
            ? sql`false`
            : sql`project_id = ${p} and ts >= ${at(tail)} and session_id is not null and received_at >= coalesce(
          (select rolled_through from metric_rollup_state where id = 1), '-infinity'::timestamptz)`
        }
      ),
      dirty as materialized (
        select day from (
          select ${sql.raw(daySql('ts'))} as day from tail
          union
          select ${sql.raw(daySql('s.first_ts'))} from session_spans as s
          where s.project_id = ${p} and s.session_id in (select session_id from tail)
          union
          select day from session_dirty_days where project_id = ${p}
        ) as x
        where ${inDays('day')}
      ),`;
    rolled = sql`select sessions, messages, sum_duration, h_duration_bins, h_duration_counts from session_rollups
      where project_id = ${p} and ${inDays('day')} and day not in (select day from dirty)
        and service = ${filters.service ?? ANY_VALUE} and environment = ${filters.environment ?? ANY_VALUE}`;
    rows.push(
      sql`select session_id, first_ts, last_ts, messages from session_parts as x
        where project_id = ${p} and ${inDays('day')} and day not in (select day from dirty) and ${filtersOn('x')}`,
      sql`select h.session_id, h.first_ts, h.last_ts, h.messages::bigint
        from dirty as d join event_activity_hourly as h
          on h.project_id = ${p} and h.hour >= d.day and h.hour < d.day + ${DAY}
        where h.session_id <> '' and ${filtersOn('h')}`,
    );
  }
  return sql`
    with ${daysSql}
    rolled as materialized (${rolled}),
    per as materialized (
      select session_id, extract(epoch from max(last_ts) - min(first_ts)) * 1000 as duration_ms,
        sum(messages) as messages
      from (${sql.join(rows, sql` union all `)}) as r
      group by session_id
    ),
    bins as (
      select bin, sum(c) as c from (
        select b.bin, b.c from rolled cross join lateral unnest(rolled.h_duration_bins, rolled.h_duration_counts) as b(bin, c)
        union all
        select ${sql.raw(binSql('duration_ms'))}, 1 from per
      ) as b
      where bin is not null
      group by bin
    )
    select
      (select coalesce(sum(sessions), 0) from rolled) + (select count(*) from per) as sessions,
      (select coalesce(sum(messages), 0) from rolled) + (select coalesce(sum(messages), 0) from per) as messages,
      (select coalesce(sum(sum_duration), 0) from rolled) + (select coalesce(sum(duration_ms), 0) from per)
        as sum_duration,
      (select coalesce(json_agg(json_build_array(bin, c)), '[]'::json) from bins) as bins`;
}
