import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import { getDb, rawRows, type Db } from '@/db/client';
import { SESSION_GRAINS } from '@/db/schema/rollups';
import { binSql, quantile } from '../histogram';
import type { Filters } from '../range';
import { GRAIN_MS, planRead, type Piece, type Window } from '../rollups/plan';
import { edgesByHour, tailBound, type HourEdge } from '../rollups/read';
import { ANY_VALUE, SESSION_GRAIN_VALUES } from '../rollups/sessions';
import { bucketSql } from '../rollups/shape';
import { at } from '../sql';
import { int, num, ratio } from '../stats';
import type { Experience, Scope } from '../types';
import { activityRows } from './activity';

/**
 * Sessions with an event in the range (and the filters): how many, messages per session, average and median
 * duration (a session's last event - its first, within the range). Counts, messages and the average are
 * exact; the median comes from the duration histogram, within 1%.
 *
 * The range's whole UTC days come from the day rows of the session rollups (lib/metrics/rollups/sessions.ts), its
 * whole hours at the edges from the hour rows: the sessions within one bucket as one row per bucket, the sessions
 * spanning buckets as their parts, merged per session with the sub-hour edges (raw rows). A bucket the job has not
 * rebuilt since one of its sessions got an event (dirty, or touched by an event received since the job's mark) is
 * read from event_activity_hourly. One statement, so the mark, the tail (from the request's tailBound on: the last
 * minutes' partitions, not every one) and the rollups are read in one snapshot.
 */
export async function sessionStats(
  scope: Scope,
  range: Window,
  filters: Filters,
  options: { db?: Db } = {},
): Promise<Experience['sessions']> {
  const plan = planRead(range, SESSION_GRAINS);
  const db = options.db ?? (await getDb());
  const tail = plan.pieces.length > 0 ? await tailBound(db, scope) : null;
  const [row] = await rawRows<{ sessions: unknown; messages: unknown; sum_duration: unknown; bins: unknown }>(
    db,
    statement(scope, plan.pieces, plan.raw, filters, tail),
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

/** The service and environment filters on a table's columns (`prefix`: its alias and a dot, if any). */
function filtersSql(filters: Filters, prefix = ''): SQL {
  return sql.join(
    [
      ...(filters.service !== null ? [sql`${sql.raw(prefix)}service = ${filters.service}`] : []),
      ...(filters.environment !== null ? [sql`${sql.raw(prefix)}environment = ${filters.environment}`] : []),
      sql`true`,
    ],
    sql` and `,
  );
}

/** `tail`: the oldest event received at or after the job's mark when the request began (null: none). */
function statement(scope: Scope, pieces: Piece[], edges: Window[], filters: Filters, tail: Date | null): SQL {
  const p = scope.projectId;
  const filtersOn = (alias: string) => filtersSql(filters, `${alias}.`);
  const { hourly, raw } = edgesByHour(edges);
  const rows: SQL[] = [
    ...raw.map(
      (edge) => sql`select session_id, first_ts, last_ts, messages
        from (${activityRows(scope, edge, filters)}) as e where session_id is not null`,
    ),
    ...hourly.map((edge) => edgeFromHour(scope, edge, filters)),
  ];
  let dirtySql = sql``;
  let rolled = sql`select null::bigint as sessions, null::bigint as messages, null::float8 as sum_duration,
    null::int[] as h_duration_bins, null::bigint[] as h_duration_counts where false`;
  if (pieces.length > 0) {
    // One select per piece, so each reads its grain's rows in one index range scan.
    const inPiece = (piece: Piece, alias: string) =>
      sql`${sql.raw(alias)}.project_id = ${p} and ${sql.raw(alias)}.grain = ${piece.grain}
        and ${sql.raw(alias)}.bucket >= ${at(piece.from)} and ${sql.raw(alias)}.bucket < ${at(piece.to)}
        and (${sql.raw(alias)}.grain, ${sql.raw(alias)}.bucket) not in (select grain, bucket from dirty)`;
    const inPieces = sql.join(
      pieces.map(
        (piece) => sql`(grain = ${piece.grain} and bucket >= ${at(piece.from)} and bucket < ${at(piece.to)})`,
      ),
      sql` or `,
    );
    const grains = sql.raw(SESSION_GRAIN_VALUES);
    dirtySql = sql`
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
        select grain, bucket from (
          select g.grain, ${sql.raw(bucketSql('g.step', 't.ts'))} as bucket from tail as t cross join ${grains}
          union
          select g.grain, ${sql.raw(bucketSql('g.step', 's.first_ts'))} from session_spans as s cross join ${grains}
          where s.project_id = ${p} and s.session_id in (select session_id from tail)
          union
          select grain, bucket from session_dirty_buckets where project_id = ${p}
        ) as x
        where ${inPieces}
      ),`;
    rolled = sql.join(
      pieces.map(
        (piece) => sql`select sessions, messages, sum_duration, h_duration_bins, h_duration_counts
          from session_rollups as r
          where ${inPiece(piece, 'r')} and r.service = ${filters.service ?? ANY_VALUE}
            and r.environment = ${filters.environment ?? ANY_VALUE}`,
      ),
      sql` union all `,
    );
    rows.push(
      ...pieces.map(
        (piece) => sql`select session_id, first_ts, last_ts, messages from session_parts as x
          where ${inPiece(piece, 'x')} and ${filtersOn('x')}`,
      ),
      sql`select h.session_id, h.first_ts, h.last_ts, h.messages::bigint
        from dirty as d
          join ${grains} on g.grain = d.grain
          join event_activity_hourly as h on h.project_id = ${p} and h.hour >= d.bucket and h.hour < d.bucket + g.step
        where h.session_id <> '' and ${filtersOn('h')}`,
    );
  }
  return sql`
    with ${dirtySql}
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

/**
 * The sessions of an edge that starts or ends on the hour, [since, hour end) or [hour, until), from that hour's
 * activity rows (kept by the insert trigger, so the tail's too): a session whose every event of the hour lies in
 * the edge is that row; the few that straddle the edge's other end (active at `since` or at `until`) are read
 * from their raw events in the edge, a scan that stops at the last of them instead of at the hour's end.
 */
function edgeFromHour(scope: Scope, edge: HourEdge, filters: Filters): SQL {
  const p = scope.projectId;
  const hourEnd = new Date(edge.hour.getTime() + GRAIN_MS.hour);
  const since = edge.since ? at(edge.since) : null;
  const until = edge.until ? at(edge.until) : null;
  const [overlaps, inside, straddling, window] = since
    ? [
        sql`last_ts >= ${since}`,
        sql`first_ts >= ${since}`,
        sql`first_ts < ${since}`,
        sql`ts >= ${since} and ts < ${at(hourEnd)}
          and ts <= (select max(last_ts) from s where first_ts < ${since})`,
      ]
    : [
        sql`first_ts < ${until}`,
        sql`last_ts < ${until}`,
        sql`last_ts >= ${until}`,
        sql`ts < ${until} and ts >= ${at(edge.hour)}
          and ts >= (select min(first_ts) from s where last_ts >= ${until})`,
      ];
  return sql`select session_id, first_ts, last_ts, messages from (
    with s as materialized (
      select session_id, min(first_ts) as first_ts, max(last_ts) as last_ts, sum(messages)::bigint as messages
      from event_activity_hourly
      where project_id = ${p} and hour = ${at(edge.hour)} and session_id <> '' and ${overlaps}
        and ${filtersSql(filters)}
      group by session_id
    )
    select session_id, first_ts, last_ts, messages from s where ${inside}
    union all
    select session_id, min(ts), max(ts), count(*) filter (where type = 'message.received')
    from events
    where project_id = ${p} and ${window} and ${filtersSql(filters)}
      and session_id in (select session_id from s where ${straddling})
    group by session_id
  ) as h`;
}
