import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import { getDb, rawRows, type Db } from '@/db/client';
import { SESSION_GRAINS } from '@/db/schema/rollups';
import { quantile } from '../histogram';
import type { Filters } from '../range';
import { KeptResults, MARK_US } from '../rollups/kept';
import { GRAIN_MS, planRead, type Piece, type ReadPlan, type Window } from '../rollups/plan';
import { edgesByHour, tailBound, type HourEdge } from '../rollups/read';
import {
  bucketKey,
  bucketKeys,
  middleOf,
  refreshBuckets,
  sessionTotals,
  type SessionActivity,
  type SessionBucket,
  type SessionMiddle,
} from '../rollups/session-middle';
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
 *
 * The middle's buckets, their parts merged per session, are kept in this process with the mark they were read at
 * (lib/metrics/rollups/session-middle.ts): a later read takes them and reads again only the buckets the job rebuilt
 * since (session_changes), those it could not keep (dirty then) and those dirty now, besides the edges. A rolling
 * range thus merges its middle's thousands of session parts once an hour, not at every read.
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
  const key = JSON.stringify([scope.projectId, filters.service, filters.environment, plan.pieces]);
  const all = bucketKeys(plan.pieces);
  let kept = plan.pieces.length > 0 ? await keptMiddles.peek(db, key) : undefined;
  for (;;) {
    const missing = kept ? all.filter((k) => !kept!.value.buckets.has(k)) : all;
    const since = kept && missing.length <= MAX_MISSING ? { mark: kept.mark, missing } : null;
    const read = await readSessions(db, scope, plan, filters, tail, since);
    // Kept at a mark this read's snapshot has not reached (another request's, just now): read the middle whole.
    if (since && kept!.mark > read.mark) {
      kept = undefined;
      continue;
    }
    const dirty = new Set(read.dirty);
    const requested = since ? new Set([...read.changed, ...since.missing]) : new Set(all);
    const fresh = new Map<string, SessionBucket>();
    for (const k of requested)
      if (!dirty.has(k)) fresh.set(k, read.fresh.get(k) ?? { rolled: [], parts: [] });
    const buckets = refreshBuckets(since ? kept!.value.buckets : null, read.changed, dirty, fresh);
    const middle = buckets ? middleOf(buckets) : kept!.value;
    if (plan.pieces.length > 0 && (buckets || read.mark > kept!.mark))
      keptMiddles.put(db, key, { mark: read.mark, value: middle });
    const totals = sessionTotals(middle, read.activity);
    return {
      count: totals.count,
      messagesPerSession: ratio(totals.messages, totals.count),
      avgDurationMs: totals.count === 0 ? null : ratio(totals.sumDurationMs, totals.count),
      p50DurationMs: quantile(totals.bins, 0.5),
    };
  }
}

/** Middles kept per project, filters and pieces: up to about a million parts and sessions in all. */
const keptMiddles = new KeptResults<SessionMiddle>(
  1_000_000,
  (m) => m.sessions.size + [...m.buckets.values()].reduce((n, b) => n + b.rolled.length + b.parts.length, 0),
);

/** Buckets a kept middle may lack and still be read around (past this, the middle is read whole). */
const MAX_MISSING = 100;

type Read = {
  mark: bigint;
  dirty: string[];
  changed: string[];
  fresh: Map<string, SessionBucket>;
  activity: SessionActivity[];
};

type Row = {
  mark: string;
  kind: 'd' | 'c' | 'r' | 'p' | 'a' | null;
  grain: string | null;
  bucket_ms: unknown;
  session_id: string | null;
  first_us: unknown;
  last_us: unknown;
  messages: unknown;
  sessions: unknown;
  sum_duration: unknown;
  bins: unknown;
  counts: unknown;
};

const json = (v: unknown): unknown[] => (typeof v === 'string' ? JSON.parse(v) : ((v ?? []) as unknown[]));

async function readSessions(
  db: Db,
  scope: Scope,
  plan: ReadPlan,
  filters: Filters,
  tail: Date | null,
  since: { mark: bigint; missing: string[] } | null,
): Promise<Read> {
  const rows = await rawRows<Row>(db, statement(scope, plan.pieces, plan.raw, filters, tail, since));
  const read: Read = { mark: BigInt(rows[0]!.mark), dirty: [], changed: [], fresh: new Map(), activity: [] };
  const bucketOf = (r: Row) => {
    const k = bucketKey(r.grain!, Number(r.bucket_ms));
    let b = read.fresh.get(k);
    if (!b) read.fresh.set(k, (b = { rolled: [], parts: [] }));
    return b;
  };
  const activity = (r: Row): SessionActivity => ({
    sessionId: r.session_id!,
    firstUs: Number(r.first_us),
    lastUs: Number(r.last_us),
    messages: int(r.messages),
  });
  for (const r of rows) {
    if (r.kind === 'd') read.dirty.push(bucketKey(r.grain!, Number(r.bucket_ms)));
    else if (r.kind === 'c') read.changed.push(bucketKey(r.grain!, Number(r.bucket_ms)));
    else if (r.kind === 'a') read.activity.push(activity(r));
    else if (r.kind === 'p') bucketOf(r).parts.push(activity(r));
    else if (r.kind === 'r') {
      const [bins, counts] = [json(r.bins), json(r.counts)];
      bucketOf(r).rolled.push({
        count: int(r.sessions),
        messages: int(r.messages),
        sumDurationMs: num(r.sum_duration) ?? 0,
        bins: bins.map((bin, i) => [Number(bin), Number(counts[i])] as const),
      });
    }
  }
  return read;
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

const us = (column: string) => sql.raw(`(extract(epoch from ${column}) * 1000000)::bigint`);
const ms = (column: string) => sql.raw(`(extract(epoch from ${column}) * 1000)::bigint`);

/**
 * `tail`: the oldest event received at or after the job's mark when the request began (null: none). `since`: the
 * kept middle's mark and the buckets it lacks; null reads every bucket of the middle.
 *
 * One row per dirty bucket of the middle (kind d), per bucket rebuilt since the kept mark (c), per rolled row (r)
 * and part (p) of the buckets read again, and per session of the edges and dirty buckets (a); the job's mark on
 * every row (and alone on one row when there is nothing else).
 */
function statement(
  scope: Scope,
  pieces: Piece[],
  edges: Window[],
  filters: Filters,
  tail: Date | null,
  since: { mark: bigint; missing: string[] } | null,
): SQL {
  const p = scope.projectId;
  const filtersOn = (alias: string) => filtersSql(filters, `${alias}.`);
  const { hourly, raw } = edgesByHour(edges);
  const activity: SQL[] = [
    ...raw.map(
      (edge) => sql`select session_id, first_ts, last_ts, messages
        from (${activityRows(scope, edge, filters)}) as e where session_id is not null`,
    ),
    ...hourly.map((edge) => edgeFromHour(scope, edge, filters)),
  ];
  const nulls = (n: number) => sql.raw(Array.from({ length: n }, () => 'null').join(', '));
  const rows: SQL[] = [];
  let ctes = sql``;
  if (pieces.length > 0) {
    const inPieces = sql.join(
      pieces.map(
        (piece) => sql`(grain = ${piece.grain} and bucket >= ${at(piece.from)} and bucket < ${at(piece.to)})`,
      ),
      sql` or `,
    );
    // Read again: every bucket of the middle, or those rebuilt since the kept mark and those the middle lacks;
    // neither when dirty now. One select per piece, so each reads its grain's rows in one index range scan.
    const readAgain = (alias: string) => {
      const [grain, bucket] = [sql.raw(`${alias}.grain`), sql.raw(`${alias}.bucket`)];
      const notDirty = sql`(${grain}, ${bucket}) not in (select grain, bucket from dirty)`;
      return since
        ? [
            sql`${sql.raw(alias)}.project_id = ${p} and (${grain}, ${bucket}) in (select grain, bucket from fresh)`,
          ]
        : pieces.map(
            (piece) => sql`${sql.raw(alias)}.project_id = ${p} and ${grain} = ${piece.grain}
              and ${bucket} >= ${at(piece.from)} and ${bucket} < ${at(piece.to)} and ${notDirty}`,
          );
    };
    const grains = sql.raw(SESSION_GRAIN_VALUES);
    const missing = since?.missing.length
      ? sql`union select grain, bucket from (values ${sql.join(
          since.missing.map((k) => {
            const [grain, bucketMs] = k.split(' ');
            return sql`(${grain}, ${at(new Date(Number(bucketMs)))})`;
          }),
          sql`, `,
        )}) as m (grain, bucket)`
      : sql``;
    ctes = sql`
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
      ),
      changed as materialized (
        select grain, bucket from session_changes
        where ${
          since
            ? sql`project_id = ${p} and (${inPieces})
              and rolled_through > timestamptz 'epoch' + ${since.mark.toString()}::bigint * interval '1 microsecond'`
            : sql`false`
        }
      ),
      fresh as materialized (
        select grain, bucket from changed ${missing}
        except select grain, bucket from dirty
      ),`;
    rows.push(
      sql`select 'd' as kind, grain, ${ms('bucket')} as bucket_ms, ${nulls(8)} from dirty`,
      sql`select 'c', grain, ${ms('bucket')}, ${nulls(8)} from changed`,
      ...readAgain('r').map(
        (where) => sql`select 'r', r.grain, ${ms('r.bucket')}, null, null, null, r.messages, r.sessions,
            r.sum_duration, to_json(r.h_duration_bins), to_json(r.h_duration_counts)
          from session_rollups as r
          where ${where} and r.service = ${filters.service ?? ANY_VALUE}
            and r.environment = ${filters.environment ?? ANY_VALUE}`,
      ),
      ...readAgain('x').map(
        (where) => sql`select 'p', x.grain, ${ms('x.bucket')}, x.session_id, ${us('x.first_ts')},
            ${us('x.last_ts')}, x.messages, ${nulls(4)}
          from session_parts as x
          where ${where} and ${filtersOn('x')}`,
      ),
    );
    activity.push(
      sql`select h.session_id, h.first_ts, h.last_ts, h.messages::bigint
        from dirty as d
          join ${grains} on g.grain = d.grain
          join event_activity_hourly as h on h.project_id = ${p} and h.hour >= d.bucket and h.hour < d.bucket + g.step
        where h.session_id <> '' and ${filtersOn('h')}`,
    );
  }
  if (activity.length > 0)
    rows.push(
      sql`select 'a', null, null, session_id, ${us('min(first_ts)')}, ${us('max(last_ts)')}, sum(messages)::bigint,
          ${nulls(4)}
        from (${sql.join(activity, sql` union all `)}) as a
        group by session_id`,
    );
  const typed = sql`select null::text as kind, null::text as grain, null::bigint as bucket_ms,
    null::text as session_id, null::bigint as first_us, null::bigint as last_us, null::bigint as messages,
    null::bigint as sessions, null::float8 as sum_duration, null::json as bins, null::json as counts where false`;
  return sql`
    with ${ctes}
    found as (${sql.join([typed, ...rows], sql` union all `)})
    select ${MARK_US} as mark, found.* from (select 1) as one left join found on true`;
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
