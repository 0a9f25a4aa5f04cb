import 'server-only';
import { sql } from 'drizzle-orm';
import { getDb, rawRows, type Db } from '@/db/client';
import { CHANGE_GRAINS } from '@/db/schema/rollups';
import type { Grain } from './plan';
import {
  binSelects,
  bucketSql,
  grainValuesSql,
  stepSql,
  DIMENSION_SQL,
  DIMENSIONS,
  FIELD_ID,
  FIELD_NAMES,
  histColumns,
  histMergeSql,
  MEASURE_NAMES,
  MEASURES,
  mergeSql,
  ANY_TYPE,
  ALL_TOGETHER,
  PICKER_VALUES_SQL,
  ERROR_KEY,
  ERROR_MEASURES,
  ROLLUP_TABLES,
  USER_KEY,
  USER_CHUNK_BITS,
  USER_MEASURES,
} from './shape';
import { rebuildDirtyBuckets, rollSessionSpans } from './sessions';

/**
 * The rollup job. Events enter the rollups by `received_at` (the time Postgres stored them), not by their
 * own timestamp, so late and backfilled events land in their old buckets like any other. Each step reads
 * the events received in [rolled_through, end), adds them to the minute, quarter-hour, hour, day and week rollups
 * (those with a user also to the user sets of hours, days and weeks, AI calls with a user to the per-user
 * rollups too, errors to the error list's days and weeks, their services, environments and
 * models to dimension_values, their sessions to session_spans, rebuilding the session rollups of the hours and days
 * they touch) and moves
 * `rolled_through` to `end`, all in one transaction: a crash mid-step rolls back as a whole and the rerun
 * counts each event once. `end` never passes the start of a transaction still writing (its rows carry
 * received_at >= its start), so no event can commit behind the mark. Reads add the events received at or
 * after the mark from raw rows (lib/metrics/rollups/read.ts).
 */

/** A step covers at most this much received time, halved while it holds more than MAX_STEP_ROWS. */
const MAX_STEP_MS = 6 * 3_600_000;
const MAX_STEP_ROWS = 200_000;
/** A step's statements may take longer than the app's statement timeout (a backfill of millions of rows). */
const STEP_TIMEOUT = '300s';

export type RollupReport = {
  steps: number;
  events: number;
  rolledThrough: Date;
  caughtUp: boolean;
  ms: number;
};

const bucketExpr = (grain: Grain) => bucketSql(stepSql(grain), 'ts');

const KEY = ['project_id', 'type', 'bucket', ...DIMENSIONS.filter((d) => d !== 'type')];
const KEY_LIST = KEY.join(', ');

/** Adds the events received in [from, to) to the rollups of one grain (SQL text; times are parameters). */
function rollGrainSql(grain: Grain): string {
  const dims = DIMENSIONS.filter((d) => d !== 'type')
    .map((d) => `${DIMENSION_SQL[d]} as ${d}`)
    .join(', ');
  const measures = MEASURE_NAMES.map((m) => `${MEASURES[m].raw} as ${m}`).join(', ');
  // One histogram per key and field: max() picks it, pivoting fields into columns.
  const hists = FIELD_NAMES.flatMap((f) => {
    const { bins, counts } = histColumns(f);
    const pick = (column: string, as: string) =>
      `max(h.${column}) filter (where h.field = ${FIELD_ID[f]}) as ${as}`;
    return [pick('bins', bins), pick('counts', counts)];
  }).join(', ');
  const histNames = FIELD_NAMES.flatMap((f) => Object.values(histColumns(f)));
  const columns = [...KEY, ...MEASURE_NAMES, ...histNames];
  const updates = [
    ...MEASURE_NAMES.map((m) => `${m} = ${mergeSql(m)}`),
    ...FIELD_NAMES.map((f) => histMergeSql(histColumns(f))),
  ].join(', ');
  const bins = FIELD_NAMES.map((f) => `(${FIELD_ID[f]}, b_${f})`).join(', ');
  return `
    with src as materialized (
      select project_id, type, ${bucketExpr(grain)} as bucket, ${dims}, ${binSelects()},
        duration_ms, ttft_ms, value, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,
        cost_usd, cached, result_count, length
      from events where received_at >= $1 and received_at < $2
    ),
    agg as (select ${KEY_LIST}, ${measures} from src group by ${KEY_LIST}),
    bins as (
      select ${KEY_LIST}, f.field, f.bin, count(*)::bigint as c
      from src cross join lateral (values ${bins}) as f(field, bin)
      where f.bin is not null
      group by ${KEY_LIST}, f.field, f.bin
    ),
    h as (
      select ${KEY_LIST}, field, array_agg(bin order by bin) as bins, array_agg(c order by bin) as counts
      from bins group by ${KEY_LIST}, field
    ),
    hists as (select ${KEY.map((k) => `h.${k}`).join(', ')}, ${hists} from h group by ${KEY.map((k) => `h.${k}`).join(', ')})
    insert into metric_rollups as r (grain, ${columns.join(', ')})
    select '${grain}', ${KEY.map((k) => `agg.${k}`).join(', ')}, ${MEASURE_NAMES.map((m) => `agg.${m}`).join(', ')},
      ${histNames.map((c) => `hists.${c}`).join(', ')}
    from agg left join hists using (${KEY_LIST})
    on conflict on constraint metric_rollups_pk do update set ${updates}`;
}

const METRIC_GRAINS: readonly Grain[] = ROLLUP_TABLES.metrics.grains;
const ROLL_SQL = Object.fromEntries(METRIC_GRAINS.map((g) => [g, rollGrainSql(g).split(/\$[12]/)])) as Record<
  Grain,
  string[]
>;

const received = (from: Date, to: Date) =>
  sql`received_at >= ${from.toISOString()}::timestamptz and received_at < ${to.toISOString()}::timestamptz`;
const grainValues = (grains: readonly Grain[]) => sql.raw(grainValuesSql(grains));

/**
 * Adds the AI calls with a user received in [from, to) to the per-user rollups, every grain in one scan of the
 * step's events: per service, environment and model, and once more for all of them together (ALL_TOGETHER).
 */
function rollUsers(from: Date, to: Date) {
  const { grains, together } = ROLLUP_TABLES.users;
  const keySql = USER_KEY.filter((d) => d !== 'type').map((d) =>
    (together as readonly string[]).includes(d)
      ? `case when k.every then '${ALL_TOGETHER}' else ${DIMENSION_SQL[d]} end`
      : DIMENSION_SQL[d],
  );
  const updates = USER_MEASURES.map((m) => `${m} = ${mergeSql(m)}`).join(', ');
  return sql`
    insert into user_rollups as r (project_id, grain, bucket, ${sql.raw(USER_KEY.join(', '))}, ${sql.raw(USER_MEASURES.join(', '))})
    select project_id, g.grain, date_bin(g.step, ts, timestamptz '1970-01-01 00:00:00+00'), type,
      ${sql.raw(keySql.join(', '))}, ${sql.raw(USER_MEASURES.map((m) => MEASURES[m].raw).join(', '))}
    from events cross join (values ${grainValues(grains)}) as g(grain, step)
      cross join (values (false), (true)) as k(every)
    where ${received(from, to)} and user_id is not null and type = 'ai.call'
    group by ${sql.raw(Array.from({ length: 3 + USER_KEY.length }, (_, i) => String(i + 1)).join(', '))}
    on conflict on constraint user_rollups_pk do update set ${sql.raw(updates)}`;
}

/**
 * Numbers the users first met among the events received in [from, to) (user_index: the next numbers of
 * their project, in the order of their first event) and moves the others' last_seen. Only the job writes
 * user_index, under its lock, so numbers are never given twice.
 */
function rollUserIndex(from: Date, to: Date) {
  return sql`
    with met as materialized (
      select project_id, user_id, min(ts) as first_ts, max(ts) as last_ts from events
      where ${received(from, to)} and user_id is not null group by 1, 2
    ),
    seen as (
      update user_index as d set last_seen = met.last_ts from met
      where d.project_id = met.project_id and d.user_id = met.user_id and d.last_seen < met.last_ts
    )
    insert into user_index (project_id, user_id, idx, last_seen)
    select project_id, user_id,
      coalesce((select max(d.idx) from user_index as d where d.project_id = met.project_id), -1)
        + row_number() over (partition by project_id order by first_ts, user_id collate "C"),
      last_ts
    from met
    where not exists (select 1 from user_index as d where d.project_id = met.project_id and d.user_id = met.user_id)`;
}

/**
 * Adds the users of the events received in [from, to) to user_sets (after rollUserIndex numbered them), every
 * grain and type in one scan: each user's bit is OR-ed into its chunk's bitmap, so an event counted twice
 * would still count its user once, and a user's AI call cost adds to the chunk's sum_cost.
 */
function rollUserSets(from: Date, to: Date) {
  const { grains, types } = ROLLUP_TABLES.sets;
  const kinds = sql.raw(types.map((t) => `('${t}')`).join(', '));
  const model = `case when k.kind = '${ANY_TYPE}' then '' else ${DIMENSION_SQL.model} end`;
  const cost = `case when k.kind = 'ai.call' then sum(cost_usd) end`;
  const bits = sql.raw(String(USER_CHUNK_BITS));
  return sql`
    insert into user_sets as r (project_id, grain, type, bucket, service, environment, model, chunk, users, sum_cost)
    select project_id, grain, kind, bucket, service, environment, model, idx / ${bits},
      bit_or(set_bit(repeat('0', ${bits})::varbit, idx % ${bits}, 1)),
      sum(cost)
    from (
      select events.project_id, g.grain, k.kind, date_bin(g.step, ts, timestamptz '1970-01-01 00:00:00+00') as bucket,
        ${sql.raw(DIMENSION_SQL.service)} as service, ${sql.raw(DIMENSION_SQL.environment)} as environment,
        ${sql.raw(model)} as model, d.idx, ${sql.raw(cost)} as cost
      from events
        join user_index as d on d.project_id = events.project_id and d.user_id = events.user_id
        cross join (values ${grainValues(grains)}) as g(grain, step)
        cross join (values ${kinds}) as k(kind)
      where ${received(from, to)} and events.user_id is not null and (k.kind = '${sql.raw(ANY_TYPE)}' or type = k.kind)
      group by 1, 2, 3, 4, 5, 6, 7, 8
    ) as u
    group by 1, 2, 3, 4, 5, 6, 7, 8
    on conflict on constraint user_sets_pk do update
      set users = r.users | excluded.users, sum_cost = ${sql.raw(mergeSql('sum_cost'))}`;
}

/** Adds the errors received in [from, to) to the error list's rollups, every grain in one scan. */
function rollErrors(from: Date, to: Date) {
  const { grains } = ROLLUP_TABLES.errors;
  const updates = ERROR_MEASURES.map((m) => `${m} = ${mergeSql(m)}`).join(', ');
  return sql`
    insert into error_rollups as r (project_id, grain, bucket, ${sql.raw(ERROR_KEY.join(', '))}, ${sql.raw(ERROR_MEASURES.join(', '))})
    select project_id, g.grain, date_bin(g.step, ts, timestamptz '1970-01-01 00:00:00+00'),
      ${sql.raw(ERROR_KEY.map((d) => DIMENSION_SQL[d]).join(', '))},
      ${sql.raw(ERROR_MEASURES.map((m) => MEASURES[m].raw).join(', '))}
    from events cross join (values ${grainValues(grains)}) as g(grain, step)
    where ${received(from, to)} and type = 'error'
    group by ${sql.raw(Array.from({ length: 3 + ERROR_KEY.length }, (_, i) => String(i + 1)).join(', '))}
    on conflict on constraint error_rollups_pk do update set ${sql.raw(updates)}`;
}

/** Adds the services, environments and models of the events received in [from, to) to dimension_values. */
function rollDimensions(from: Date, to: Date) {
  return sql`
    insert into dimension_values as d (project_id, dimension, value, last_seen)
    select project_id, v.dimension, v.value, max(ts)
    from events cross join lateral ${sql.raw(PICKER_VALUES_SQL)} as v(dimension, value)
    where ${received(from, to)} and v.value <> ''
    group by 1, 2, 3
    on conflict on constraint dimension_values_pk do update set last_seen = greatest(d.last_seen, excluded.last_seen)`;
}

/**
 * Notes, per project, the quarter hours and days of the events received in [from, to) as changed at `to` (the
 * mark this step moves to): what a result kept over whole buckets checks to know it still holds (./kept.ts).
 */
function noteChanges(from: Date, to: Date) {
  return sql`
    insert into rollup_changes as c (project_id, grain, bucket, rolled_through)
    select distinct project_id, g.grain, date_bin(g.step, ts, timestamptz '1970-01-01 00:00:00+00'),
      ${to.toISOString()}::timestamptz
    from events cross join (values ${grainValues(CHANGE_GRAINS)}) as g(grain, step)
    where ${received(from, to)}
    on conflict on constraint rollup_changes_pk do update set rolled_through = excluded.rolled_through`;
}

function rollGrain(grain: Grain, from: Date, to: Date) {
  const [head, middle, tail] = ROLL_SQL[grain];
  return sql`${sql.raw(head!)}${from.toISOString()}::timestamptz${sql.raw(middle!)}${to.toISOString()}::timestamptz${sql.raw(tail!)}`;
}

/**
 * Rolls up what has been received since the mark, in steps of bounded size, until caught up or until
 * `budgetMs` is spent. Concurrent runs wait for each other on the state row.
 */
export async function rollUp(options: { db?: Db; budgetMs?: number } = {}): Promise<RollupReport> {
  const db = options.db ?? (await getDb());
  const started = performance.now();
  const budget = options.budgetMs ?? 10_000;
  let steps = 0;
  let events = 0;
  let mark = new Date(0);
  let caughtUp = false;
  while (performance.now() - started < budget) {
    const step = await db.transaction((tx) => rollStep(tx));
    steps += 1;
    events += step.rows;
    mark = step.to;
    if (step.done) {
      caughtUp = true;
      break;
    }
  }
  return { steps, events, rolledThrough: mark, caughtUp, ms: Math.round(performance.now() - started) };
}

export type StepResult = { done: boolean; rows: number; to: Date };

/**
 * One step, inside the caller's transaction: locks the state row, adds the events received since the mark
 * (at most MAX_STEP_MS of them, fewer while they are more than MAX_STEP_ROWS) and moves the mark.
 */
export async function rollStep(tx: Pick<Db, 'execute'>): Promise<StepResult> {
  await tx.execute(sql.raw(`set local statement_timeout = '${STEP_TIMEOUT}'`));
  const [state] = await rawRows<{ from: Date | string; safe: Date | string }>(
    tx,
    sql`select rolled_through as "from", ${safeEnd()} as safe from metric_rollup_state where id = 1 for update`,
  );
  if (!state) {
    // A database whose state row went missing: start again at the oldest event.
    await tx.execute(sql`insert into metric_rollup_state (id, rolled_through)
      values (1, coalesce((select min(received_at) from events), now())) on conflict (id) do nothing`);
    return { done: false, rows: 0, to: new Date(0) };
  }
  const from = new Date(state.from);
  const safe = new Date(state.safe);
  if (safe <= from) {
    const sessions = await rebuildDirtyBuckets(tx, from);
    return { done: !sessions.more, rows: 0, to: from };
  }
  let to = new Date(Math.min(safe.getTime(), from.getTime() + MAX_STEP_MS));
  let rows = await countReceived(tx, from, to);
  while (rows > MAX_STEP_ROWS && to.getTime() - from.getTime() > 1) {
    to = new Date(from.getTime() + Math.ceil((to.getTime() - from.getTime()) / 2));
    rows = await countReceived(tx, from, to);
  }
  if (rows > 0) {
    for (const grain of METRIC_GRAINS) await tx.execute(rollGrain(grain, from, to));
    await tx.execute(rollUsers(from, to));
    await tx.execute(rollUserIndex(from, to));
    await tx.execute(rollUserSets(from, to));
    await tx.execute(rollErrors(from, to));
    await tx.execute(rollDimensions(from, to));
    await tx.execute(rollSessionSpans(from, to));
    await tx.execute(noteChanges(from, to));
  }
  const sessions = await rebuildDirtyBuckets(tx, to);
  await tx.execute(
    sql`update metric_rollup_state set rolled_through = ${to.toISOString()}::timestamptz where id = 1`,
  );
  // Statements whose every event is now behind the mark no longer bound a read's tail.
  await tx.execute(sql`delete from event_arrivals where received_at < ${to.toISOString()}::timestamptz`);
  return { done: to.getTime() === safe.getTime() && !sessions.more, rows, to };
}

/**
 * The latest safe mark: a second ago, and never past the start of another transaction in progress (its
 * rows carry received_at >= its start and may still commit). Where pg_stat_activity shows nothing of
 * other sessions (PGlite: one connection), the second is the margin.
 */
function safeEnd() {
  return sql`least(clock_timestamp() - interval '1 second', (
    select min(xact_start) from pg_stat_activity
    where pid <> pg_backend_pid() and datname = current_database() and backend_type = 'client backend'
      and xact_start is not null))`;
}

async function countReceived(db: Pick<Db, 'execute'>, from: Date, to: Date): Promise<number> {
  const [row] = await rawRows<{ n: unknown }>(
    db,
    sql`select count(*) as n from events where ${received(from, to)}`,
  );
  return Number(row?.n ?? 0);
}
