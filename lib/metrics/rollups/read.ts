import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import { getDb, rawRows, type Db } from '@/db/client';
import type { EventType } from '@/lib/ingest/schema';
import type { Filters } from '../range';
import { epochMs } from '../sql';
import type { Scope } from '../types';
import { KeptResults, readChecked, readWithKept, stillHolds, type Kept } from './kept';
import { GRAIN_MS, grainsFor, planRead, splitMiddle, type Grain, type ReadPlan, type Window } from './plan';
import {
  DIMENSION_SQL,
  FIELD_ID,
  FIELD_NAMES,
  FIELDS,
  histColumns,
  MEASURES,
  ANY_TYPE,
  ALL_TOGETHER,
  ROLLUP_TABLES,
  rollupAggregateSql,
  USER_CHUNK_BITS,
  type AnyType,
  type Dimension,
  type Field,
  type Measure,
  type RollupTable,
} from './shape';
import { addTotals, mergeTop, sortTotals, type SortedTotals, type UserTotal } from './top';

/**
 * Every figure of the dashboards, the read API and the alert rules is read here: whole buckets from the
 * rollups, the edges of the window and the events not yet rolled up (received at or after the job's mark)
 * from raw rows, aggregated the same way. One read is one statement, one snapshot, so an event is
 * counted once even while the job moves it into the rollups. Counts and sums are exact; percentiles come
 * from the merged histograms (within 1%, lib/metrics/histogram.ts).
 */

export type RollupSpec = {
  /** The rollup table of the whole buckets (default: metrics). */
  table?: RollupTable;
  /** ANY_TYPE: every event (user_rollups only). */
  types: readonly (EventType | AnyType)[];
  /** Exact dimension values to keep (one value or any of several). */
  where?: Partial<Record<Dimension, string | readonly string[]>>;
  groupBy?: readonly Dimension[];
  /** Group by chart buckets of this size (epoch-aligned), or over the whole window. */
  bucketMs?: number | null;
  measures: readonly Measure[];
  fields?: readonly Field[];
  /** A metric event's labels must include these (a `metric` rule's label filter). */
  labels?: Readonly<Record<string, string>>;
  /** Apply the model filter (AI figures only). Default: when every type is `ai.call`. */
  modelFilter?: boolean;
  /** Only the first `limit` groups by these measures, largest first (a list's top rows): measures only, no fields. */
  top?: { by: readonly Measure[]; limit: number };
};

/**
 * One group's figures over a window or chart bucket. A read's rows share their values and histograms with the
 * middle kept for later reads (MergedRows below): read them, never write to them.
 */
export type RollupRow = {
  key: Partial<Record<Dimension, string>>;
  /** The chart bucket's start (epoch ms), or null for whole-window reads. */
  bucket: number | null;
  values: Record<Measure, number | null>;
  bins: Partial<Record<Field, Map<number, number>>>;
};

export type Executor = Pick<Db, 'execute'>;

/**
 * The events not rolled up yet: received at or after the job's mark as each statement reads it, none older
 * than `oldest` (null: none).
 */
type Tail = { oldest: Date | null };

const CURRENT_MARK = sql`coalesce((select rolled_through from metric_rollup_state where id = 1), '-infinity'::timestamptz)`;

const literal = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const binOfBucket = (bucketMs: number, column: string) =>
  sql.raw(`date_bin(interval '${bucketMs / 1000} seconds', ${column}, timestamptz '1970-01-01 00:00:00+00')`);

/** Reads one spec in its own snapshot. */
export async function readRollups(scope: Scope, window: Window, filters: Filters, spec: RollupSpec) {
  const [rows] = await readRollupsIn(scope, filters, [{ window, spec }]);
  return rows!;
}

/**
 * Reads several specs, each over its own window, in parallel: each in one statement, whose snapshot holds
 * the job's mark and the rows together, so no event is counted twice or missed.
 */
export async function readRollupsIn(
  scope: Scope,
  filters: Filters,
  reads: readonly { window: Window; spec: RollupSpec }[],
  options: { db?: Db } = {},
): Promise<RollupRow[][]> {
  const db = options.db ?? (await getDb());
  return Promise.all(
    reads.map(({ window, spec }) =>
      tailOf(db, scope, [window], spec).then((tail) => readSpec(db, scope, window, filters, spec, tail)),
    ),
  );
}

/** The tail of the scope, looked up when one of the windows has whole buckets to take from the rollups. */
async function tailOf(db: Db, scope: Scope, windows: readonly Window[], spec: RollupSpec): Promise<Tail> {
  const covered = windows.some((window) => planRead(window, grainsOf(spec)).covered !== null);
  return { oldest: covered ? await tailBound(db, scope) : null };
}

/**
 * The oldest event received at or after the job's mark, found once per scope object and database: a scope
 * lives for one request (one dashboard, one API answer) or one project's rules in a cron run, and all of its reads share
 * this bound. Each read then takes the events received since the mark as its own statement reads it, from
 * this bound on, so its statements touch the partitions of the last minutes (and of a late event's day) only,
 * not every partition of the range: the mark only moves forward, so the events of a later statement's
 * tail are among those the bound covers, or were stored after it was found (they show from the next request
 * on, as if stored after this one).
 */
const tailBounds = new WeakMap<Scope, WeakMap<Db, Promise<Date | null>>>();

export function tailBound(db: Db, scope: Scope): Promise<Date | null> {
  const byDb = boundsOf(scope);
  let bound = byDb.get(db);
  if (!bound) {
    bound = findTailBounds(db, [scope.projectId]).then((bounds) => bounds.get(scope.projectId) ?? null);
    remember(byDb, db, bound);
  }
  return bound;
}

/**
 * Finds the tail bounds of many scopes in one statement (the projects of a cron run, whose every rule is a
 * scope's reads): the events received since the mark are one range of recent blocks, whichever project
 * they belong to, so one scan serves all of them, where a statement per project scanned them again each
 * time (and planned over every partition).
 */
export async function primeTailBounds(scopes: readonly Scope[], options: { db?: Db } = {}): Promise<void> {
  const db = options.db ?? (await getDb());
  const todo = scopes.filter((scope) => !boundsOf(scope).has(db));
  if (todo.length === 0) return;
  const found = findTailBounds(db, null);
  for (const scope of todo) {
    remember(
      boundsOf(scope),
      db,
      found.then((bounds) => bounds.get(scope.projectId) ?? null),
    );
  }
  await found;
}

function boundsOf(scope: Scope): WeakMap<Db, Promise<Date | null>> {
  let byDb = tailBounds.get(scope);
  if (!byDb) tailBounds.set(scope, (byDb = new WeakMap()));
  return byDb;
}

/** A failed lookup is not kept: the scope's next read looks again. */
function remember(byDb: WeakMap<Db, Promise<Date | null>>, db: Db, bound: Promise<Date | null>): void {
  byDb.set(db, bound);
  bound.catch(() => byDb.delete(db));
}

/**
 * The oldest event received at or after the job's mark, per project (of these, or of every project: null),
 * from event_arrivals: a row per insert statement and project, written by the insert's trigger (its latest
 * received_at and its oldest ts), deleted by the job once behind its mark. A statement's row has a
 * received_at at or after that of each of its events, and a ts at or before theirs, so the bound is never
 * later than the oldest event of the tail.
 */
async function findTailBounds(
  db: Executor,
  projectIds: readonly string[] | null,
): Promise<Map<string, Date | null>> {
  const projects =
    projectIds === null
      ? sql``
      : sql`project_id in (${sql.join(
          projectIds.map((id) => sql`${id}`),
          sql`, `,
        )}) and `;
  const rows = await rawRows<{ project_id: string; oldest: Date | string | null }>(
    db,
    sql`select project_id, min(oldest_ts) as oldest from event_arrivals
      where ${projects}received_at >= ${CURRENT_MARK} group by project_id`,
  );
  return new Map(rows.map((r) => [r.project_id, r.oldest ? new Date(r.oldest) : null]));
}

export type ActiveUsersSpec = {
  /** ai.call: the users of AI calls (and their cost); ANY_TYPE: the users of any event. */
  types: readonly [EventType | AnyType];
  /** Count users per value of these (a user active in two services counts in both). */
  groupBy?: readonly Dimension[];
};

export type ActiveUsers = {
  key: Partial<Record<Dimension, string>>;
  users: number;
  /** The cost of these users' AI calls (ai.call only; null for ANY_TYPE or without a cost). */
  cost: number | null;
}[];

/**
 * Distinct users of a window, exact, per group: whole buckets from user_sets (a bit_or of their bitmaps per
 * chunk, then a bit_count), and the users of the edges and the tail from raw rows, counted only where their
 * bit is not set already (or they have no number yet). One statement, so the sets, the numbers and the raw
 * rows are one snapshot. Its cost follows the chunks of the buckets read (a few rows per 4,096 users), not
 * the events.
 */
export async function readActiveUsers(
  scope: Scope,
  window: Window,
  filters: Filters,
  summary: ActiveUsersSpec,
  options: { db?: Db } = {},
): Promise<ActiveUsers> {
  const [users] = await readActiveUsersAt(scope, [window], filters, summary, options);
  return users!;
}

/** `readActiveUsers` over several windows (DAU, WAU and MAU) in one statement: one snapshot for all. */
export async function readActiveUsersAt(
  scope: Scope,
  windows: readonly Window[],
  filters: Filters,
  summary: ActiveUsersSpec,
  options: { db?: Db } = {},
): Promise<ActiveUsers[]> {
  const db = options.db ?? (await getDb());
  const groupBy = [...(summary.groupBy ?? [])];
  // The sets of every event keep no model (model ''): only AI users group by it.
  const groupable =
    summary.types[0] === 'ai.call' ? ['service', 'environment', 'model'] : ['service', 'environment'];
  if (groupBy.some((d) => !groupable.includes(d)))
    throw new Error(`${summary.types[0]} users group by ${groupable.join(', ')} only: ${groupBy.join(', ')}`);
  if (windows.length === 0) return [];
  const spec: RollupSpec = { table: 'sets', types: summary.types, groupBy, measures: [] };
  const ai = summary.types[0] === 'ai.call';
  const bits = sql.raw(String(USER_CHUNK_BITS));
  const keyList = (prefix: string) => sql.raw(groupBy.map((d) => `${prefix}${d}, `).join(''));
  const where = whereOf(spec, filters);
  const plans = windows.map((window) => planRead(window, grainsOf(spec)));
  const tail = await tailOf(db, scope, windows, spec);
  const ctes: SQL[] = [];
  const extras: SQL[] = [];
  const selects: SQL[] = [];
  plans.forEach((plan, i) => {
    const pieces = rollupWhere(scope, spec, plan, where).map(
      (w) => sql`select ${keyList('')}chunk, users, sum_cost from user_sets where ${w}`,
    );
    // The users of any event in an edge that ends or starts on the hour are in that hour's activity rows
    // (kept by the insert trigger, so the tail's too): the last event of the hour at or after the edge's
    // start, or its first before the edge's end. A few rows per user instead of every event of the edge.
    const edges = ai ? { hourly: [], raw: plan.raw } : edgesByHour(plan.raw);
    const raw = rawWhere(scope, spec, { ...plan, raw: edges.raw }, where, tail);
    const hourly = edges.hourly.map(
      (e) => sql`select ${keyList('')}user_id, null::float8 as cost from event_activity_hourly
        where ${sql.join(
          [
            sql`project_id = ${scope.projectId} and hour = ${literal(e.hour)} and user_id <> ''`,
            e.since ? sql`last_ts >= ${literal(e.since)}` : sql`first_ts < ${literal(e.until!)}`,
            ...dimEquals(where, false),
          ],
          sql` and `,
        )}`,
    );
    const sets = pieces.length
      ? sql`select ${keyList('')}chunk, bit_or(users) as users, sum(sum_cost) as cost
          from (${sql.join(pieces, sql` union all `)}) as p group by ${keyList('')}chunk`
      : sql`select ${keyList('null::text as ')}null::int as chunk, null::varbit as users, null::float8 as cost where false`;
    const rawParts = [
      ...(raw
        ? [
            sql`select ${sql.join(
              [
                ...groupColumns(groupBy, true, null),
                sql.raw(`user_id, ${ai ? 'cost_usd' : 'null::float8'} as cost`),
              ],
              sql`, `,
            )} from events where ${raw}`,
          ]
        : []),
      ...hourly,
    ];
    // Grouped by user once: the raw events and the hours' activity rows of the same user are one user.
    const rawUsers = rawParts.length
      ? sql`select ${keyList('')}user_id, sum(cost) as cost from (${sql.join(rawParts, sql` union all `)}) as e
          group by ${keyList('')}user_id`
      : sql`select ${keyList('null::text as ')}null::text as user_id, null::float8 as cost where false`;
    const joinKeys = sql.join(
      [sql`s.chunk = r.idx / ${bits}`, ...groupBy.map((d) => sql.raw(`s.${d} = r.${d}`))],
      sql` and `,
    );
    const rawGroup = sql.raw(groupBy.length ? ` group by ${groupBy.map((d) => `r.${d}`).join(', ')}` : '');
    const [s, r, x] = [`sets_${i}`, `raw_${i}`, `extra_${i}`].map((name) => sql.raw(name));
    ctes.push(sql`${s} as materialized (${sets}),
      ${r} as materialized (${rawUsers})`);
    extras.push(sql`${x} as (
        select ${keyList('r.')}count(*) filter (where s.users is null or get_bit(s.users, r.idx % ${bits}) = 0) as users,
          sum(r.cost) as cost
        from (select r.*, n.idx from ${r} as r join numbers as n on n.user_id = r.user_id) as r
          left join ${s} as s on ${joinKeys}${rawGroup}
      )`);
    selects.push(sql`select ${sql.raw(String(i))} as w, ${keyList('')}sum(users)::bigint as users, sum(cost) as cost from (
        select ${keyList('')}bit_count(users) as users, cost from ${s}
        union all
        select ${keyList('')}users, cost from ${x}
      ) as u${sql.raw(groupBy.length ? ` group by ${groupBy.join(', ')}` : '')}`);
  });
  // Each edge user's number, looked up once by primary key (the windows share their end edge: DAU, WAU and MAU
  // end at the same moment). The edges hold few users, the index many. offset 0 keeps the lookup in this select:
  // flattened into the windows' joins, it ran once per window and again for get_bit.
  const numbers = sql`numbers as materialized (
    select u.user_id, (select idx from user_index where project_id = ${scope.projectId} and user_id = u.user_id) as idx
    from (select distinct user_id from (${sql.join(
      windows.map((_, i) => sql`select user_id from ${sql.raw(`raw_${i}`)}`),
      sql` union all `,
    )}) as e) as u
    offset 0
  )`;
  const rows = await rawRows<Record<string, unknown> & { w: unknown; users: unknown; cost: unknown }>(
    db,
    sql`with ${sql.join([...ctes, numbers, ...extras], sql`, `)} ${sql.join(selects, sql` union all `)}`,
  );
  return windows.map((_, i) =>
    rows
      .filter((r) => Number(r.w) === i)
      .map((r) => ({
        key: Object.fromEntries(groupBy.map((d) => [d, String(r[d] ?? '')])),
        users: Number(r.users ?? 0),
        cost: r.cost === null || r.cost === undefined ? null : Number(r.cost),
      })),
  );
}

const HOUR_MS = GRAIN_MS.hour;

/** An edge within one hour that starts at `since` and ends on the hour, or starts on it and ends at `until`. */
export type HourEdge = { hour: Date; since?: Date; until?: Date };

/**
 * Splits a plan's raw edges into those within one hour that start or end on it (read from the hour's activity
 * rows: `since` the edge's start, or `until` its end) and the rest (raw events).
 */
export function edgesByHour(raw: readonly Window[]): { hourly: HourEdge[]; raw: Window[] } {
  const hourly: HourEdge[] = [];
  const rest: Window[] = [];
  for (const w of raw) {
    const [from, to] = [w.from.getTime(), w.to.getTime()];
    const hour = Math.floor(from / HOUR_MS) * HOUR_MS;
    if (to - hour > HOUR_MS) rest.push(w);
    else if (to === hour + HOUR_MS) hourly.push({ hour: new Date(hour), since: w.from });
    else if (from === hour) hourly.push({ hour: new Date(hour), until: w.to });
    else rest.push(w);
  }
  return { hourly, raw: rest };
}

const TOP_USERS_SPEC: RollupSpec = {
  table: 'users',
  types: ['ai.call'],
  groupBy: ['user_id'],
  measures: ['n', 'sum_cost'],
};

/** Each user's calls and cost over a window's whole days, per project, filters and days (./kept.ts). */
const keptUserTotals = new KeptResults<SortedTotals>(1_000_000, (totals) => totals.users.length);

/**
 * The users with the highest cost of AI calls in a window (ties by user id), from the per-user rollups. The
 * window's whole hours and coarser are summed per user and kept while they hold (./kept.ts): its whole days
 * once a day, and with them its hours once an hour (the days' kept totals plus the hours' rows). Each read then
 * sums only its raw edges and tail and merges them with the kept totals (./top.ts). Summing a month per user
 * each time took a read that grows with the users, 150 ms at 30 M events; the hours each time, 30 ms.
 */
export async function readTopUsers(
  scope: Scope,
  window: Window,
  filters: Filters,
  limit: number,
  options: { db?: Db } = {},
): Promise<UserTotal[]> {
  const db = options.db ?? (await getDb());
  const spec = TOP_USERS_SPEC;
  const plan = planRead(window, grainsOf(spec));
  const { middle, edges } = splitMiddle(plan, 'hour');
  const where = whereOf(spec, filters);
  const tail = await tailOf(db, scope, [window], spec);
  const sums = (p: ReadPlan, t: Tail) => measuresSql(scope, spec, p, ['user_id'], where, null, t);
  if (middle !== null) {
    const span = middle.covered!;
    const top = await readWithKept({
      kept: keptUserTotals,
      db,
      key: JSON.stringify([scope.projectId, where, span]),
      projectId: scope.projectId,
      span,
      build: () => readMiddleTotals(db, scope, middle, where, sums),
      rest: sums(edges, tail),
      merge: (kept, rest: UserRow[]) => mergeTop(kept, totalsOf(rest), limit),
    });
    if (top !== null) return top;
  }
  const all = measuresSql(
    scope,
    { ...spec, top: { by: ['sum_cost'], limit } },
    plan,
    ['user_id'],
    where,
    null,
    tail,
  );
  return all ? totalsOf(await rawRows<UserRow>(db, all)) : [];
}

/**
 * Every user's totals over a plan's middle: its whole days' kept totals (read once and kept) plus its hours'
 * rows, read in a statement that checks the days still hold; or, when they did not twice, the middle whole.
 */
async function readMiddleTotals(
  db: Executor,
  scope: Scope,
  middle: ReadPlan,
  where: Where,
  sums: (plan: ReadPlan, tail: Tail) => SQL | null,
): Promise<Kept<SortedTotals>> {
  const { middle: days, edges: hours } = splitMiddle(middle, 'day');
  const read = async (plan: ReadPlan) => {
    const rows = await readChecked<UserRow>(db, scope.projectId, null, sums(plan, { oldest: null }));
    return { mark: rows.mark, value: sortTotals(totalsOf(rows.rows)) };
  };
  if (days === null || hours.pieces.length === 0) return read(middle);
  const span = days.covered!;
  const key = JSON.stringify([scope.projectId, where, span]);
  for (let attempt = 0; attempt < 2; attempt++) {
    const keptAt = keptUserTotals.get(db, key, () => read(days));
    const kept = await keptAt;
    const rest = await readChecked<UserRow>(db, scope.projectId, span, sums(hours, { oldest: null }));
    if (stillHolds(kept.mark, rest.mark, rest.changed))
      return { mark: rest.mark, value: addTotals(kept.value, totalsOf(rest.rows)) };
    keptUserTotals.drop(db, key, keptAt);
  }
  return read(middle);
}

type UserRow = { user_id: unknown; n: unknown; sum_cost: unknown };

function totalsOf(rows: readonly UserRow[]): UserTotal[] {
  return rows.map((r) => ({
    userId: String(r.user_id),
    events: Number(r.n ?? 0),
    cost: r.sum_cost === null || r.sum_cost === undefined ? null : Number(r.sum_cost),
  }));
}

async function readSpec(
  db: Executor,
  scope: Scope,
  window: Window,
  filters: Filters,
  spec: RollupSpec,
  tail: Tail,
): Promise<RollupRow[]> {
  const plan = planRead(window, grainsOf(spec));
  const where = whereOf(spec, filters);
  const fields = spec.fields ?? [];
  if (fields.length > 0 && tableOf(spec) !== ROLLUP_TABLES.metrics)
    throw new Error('histograms are kept in metric_rollups only');
  const groupBy = [...(spec.groupBy ?? [])];
  const bucketMs = spec.bucketMs ?? null;
  const [measures, bins] = await Promise.all([
    spec.measures.length > 0
      ? readKeptParts(db, scope, spec, where, plan, tail, 'measures', (p, t) =>
          measuresSql(scope, spec, p, groupBy, where, bucketMs, t),
        )
      : null,
    fields.length > 0
      ? readKeptParts(db, scope, spec, where, plan, tail, 'bins', (p, t) =>
          binsSql(scope, spec, p, groupBy, where, bucketMs, t, fields),
        )
      : null,
  ]);
  const merged = new MergedRows(spec);
  // The kept middles' rows are shared with later reads: the edges' rows merge into copies of those they touch.
  merged.take(measures?.kept ?? null, bins?.kept ?? null);
  merged.add('measures', measures?.rest ?? []);
  merged.add('bins', bins?.rest ?? []);
  return [...merged.rows.values()];
}

type Part = Record<string, unknown>;
type Kind = 'measures' | 'bins';

/**
 * A spec's rows merged per group and chart bucket: the measures as their aggregates merge them in SQL, the
 * histograms bin by bin. Rows taken from kept results share their values and histograms with them, so those
 * are copied before a write (`owned` holds what this object may write).
 */
class MergedRows {
  readonly rows = new Map<string, RollupRow>();
  private readonly owned = new WeakSet<object>();
  private readonly groupBy: Dimension[];
  private readonly bucketMs: number | null;

  constructor(private readonly spec: RollupSpec) {
    this.groupBy = [...(spec.groupBy ?? [])];
    this.bucketMs = spec.bucketMs ?? null;
  }

  /** Takes the rows of kept middles (of the measures and of the histograms) without copying them. */
  take(measures: ReadonlyMap<string, RollupRow> | null, bins: ReadonlyMap<string, RollupRow> | null): void {
    for (const [id, kept] of measures ?? []) {
      this.rows.set(id, { key: kept.key, bucket: kept.bucket, values: kept.values, bins: {} });
    }
    for (const [id, kept] of bins ?? []) {
      const row = this.rows.get(id);
      if (row) Object.assign(row.bins, kept.bins);
      else this.rows.set(id, { key: kept.key, bucket: kept.bucket, values: kept.values, bins: { ...kept.bins } });
    }
  }

  /** Merges one statement's rows (of measures or of histograms) into the rows. */
  add(kind: Kind, parts: readonly Part[]): void {
    for (const r of parts) {
      const row = this.rowFor(r);
      if (kind === 'measures') {
        const values = this.ownValues(row);
        for (const m of this.spec.measures) values[m] = mergeMeasure(m, values[m], r[m]);
        continue;
      }
      const field = FIELD_NAMES.find((f) => FIELD_ID[f] === Number(r.field))!;
      const bins = this.ownBins(row, field);
      const [ids, counts] = [jsonArray(r.bins), jsonArray(r.counts)];
      for (let i = 0; i < ids.length; i++) {
        const bin = Number(ids[i]);
        bins.set(bin, (bins.get(bin) ?? 0) + Number(counts[i]));
      }
    }
  }

  private rowFor(r: Part): RollupRow {
    const key = Object.fromEntries(this.groupBy.map((d) => [d, String(r[d] ?? '')])) as RollupRow['key'];
    const bucket = this.bucketMs === null ? null : Number(r.cb);
    const id = JSON.stringify([bucket, ...this.groupBy.map((d) => key[d])]);
    let row = this.rows.get(id);
    if (!row) {
      const values = Object.fromEntries(this.spec.measures.map((m) => [m, null])) as RollupRow['values'];
      this.owned.add(values);
      row = { key, bucket, values, bins: {} };
      this.rows.set(id, row);
    }
    return row;
  }

  private ownValues(row: RollupRow): RollupRow['values'] {
    if (!this.owned.has(row.values)) {
      row.values = { ...row.values };
      this.owned.add(row.values);
    }
    return row.values;
  }

  private ownBins(row: RollupRow, field: Field): Map<number, number> {
    const found = row.bins[field];
    if (found && this.owned.has(found)) return found;
    const bins = new Map(found);
    this.owned.add(bins);
    row.bins[field] = bins;
    return bins;
  }
}

/** The merged rows of a spec's statement over whole quarter hours or longer, per kind of statement (./kept.ts). */
const keptParts = new KeptResults<ReadonlyMap<string, RollupRow>>(1_000_000, (rows) => {
  // One per row and per histogram bin.
  let weight = 0;
  for (const row of rows.values()) {
    weight += 1;
    for (const bins of Object.values(row.bins)) weight += bins?.size ?? 0;
  }
  return weight;
});

/**
 * The rows of one statement over a plan: its middle (whole quarter hours, hours, days and weeks) kept merged
 * per group and bucket, its edges and tail read each time (`rest`). A list of the top groups only (`top`)
 * cannot be merged: read whole, as `rest`. Merging the middle once keeps a read's work to its edges and its
 * groups, where merging its rows each time grew with the rows a busy project writes per bucket.
 */
async function readKeptParts(
  db: Executor,
  scope: Scope,
  spec: RollupSpec,
  where: Where,
  plan: ReadPlan,
  tail: Tail,
  kind: Kind,
  statement: (plan: ReadPlan, tail: Tail) => SQL | null,
): Promise<{ kept: ReadonlyMap<string, RollupRow> | null; rest: Part[] }> {
  const { middle, edges } = spec.top ? { middle: null, edges: plan } : splitMiddle(plan, 'quarter');
  if (middle !== null) {
    const span = middle.covered!;
    const read = await readWithKept({
      kept: keptParts,
      db,
      key: JSON.stringify([kind, scope.projectId, spec, where, span]),
      projectId: scope.projectId,
      span,
      build: async () => {
        const read = await readChecked<Part>(db, scope.projectId, null, statement(middle, { oldest: null }));
        const merged = new MergedRows(spec);
        merged.add(kind, read.rows);
        return { mark: read.mark, value: merged.rows };
      },
      rest: statement(edges, tail),
      merge: (kept, rest: Part[]) => ({ kept, rest }),
    });
    if (read !== null) return read;
  }
  const all = statement(plan, tail);
  return { kept: null, rest: all ? await rawRows<Part>(db, all) : [] };
}

/** A measure of two rows of one group together, as its aggregate over rollup rows (null: no value). */
function mergeMeasure(measure: Measure, a: number | null, b: unknown): number | null {
  if (b === null || b === undefined) return a;
  const v = Number(b);
  if (a === null) return v;
  const { merge } = MEASURES[measure];
  return merge === 'sum' ? a + v : merge === 'min' ? Math.min(a, v) : Math.max(a, v);
}

const tableOf = (spec: RollupSpec) => ROLLUP_TABLES[spec.table ?? 'metrics'];

/** The grains a spec may read: those of its table that tile its chart buckets. */
function grainsOf(spec: RollupSpec): Grain[] {
  const { grains } = tableOf(spec);
  return grainsFor(spec.bucketMs ?? null).filter((g) => (grains as readonly Grain[]).includes(g));
}

type Where = Partial<Record<Dimension, readonly string[]>>;

function whereOf(spec: RollupSpec, filters: Filters): Where {
  const where: Where = {};
  for (const [d, v] of Object.entries(spec.where ?? {}) as [Dimension, string | readonly string[]][]) {
    where[d] = typeof v === 'string' ? [v] : v;
  }
  if (filters.service !== null) where.service = [filters.service];
  if (filters.environment !== null) where.environment = [filters.environment];
  const modelFilter = spec.modelFilter ?? spec.types.every((t) => t === 'ai.call');
  if (modelFilter && filters.model !== null) where.model = [filters.model];
  return where;
}

/**
 * Conditions on dimension values: on rollup columns, or on the expressions of raw rows. Labels are matched
 * by containment (the labels a filter names, whatever others the event has).
 */
function dimConditions(where: Where, raw: boolean, labels?: Readonly<Record<string, string>>): SQL[] {
  const contain =
    labels && Object.keys(labels).length > 0
      ? [
          raw
            ? sql`coalesce(attributes -> 'labels' @> ${JSON.stringify(labels)}::jsonb, false)`
            : sql`case when labels <> '' then labels::jsonb @> ${JSON.stringify(labels)}::jsonb else false end`,
        ]
      : [];
  return [...contain, ...dimEquals(where, raw)];
}

function dimEquals(where: Where, raw: boolean): SQL[] {
  return (Object.entries(where) as [Dimension, readonly string[]][]).map(([d, values]) => {
    const column = sql.raw(raw ? DIMENSION_SQL[d] : d);
    return values.length === 1
      ? sql`${column} = ${values[0]}`
      : sql`${column} in (${sql.join(
          values.map((v) => sql`${v}`),
          sql`, `,
        )})`;
  });
}

/** The rollup rows of `types`, or the raw rows of those types (of any type for ANY_TYPE). */
function typeCondition(types: readonly (EventType | AnyType)[], raw: boolean): SQL {
  if (raw && types.includes(ANY_TYPE)) return sql.raw('true');
  return sql.raw(`type in (${types.map((t) => `'${t}'`).join(', ')})`);
}

/**
 * Rollup rows of the plan's pieces, one condition per piece: each piece is read by its own range scan (an OR
 * of pieces scans, or filters, every bucket between them).
 */
function rollupWhere(scope: Scope, spec: RollupSpec, plan: ReadPlan, where: Where): SQL[] {
  const common = [
    sql`project_id = ${scope.projectId}`,
    typeCondition(spec.types, false),
    ...dimConditions(where, false, spec.labels),
    ...togetherCondition(spec, where),
  ];
  return plan.pieces.map((p) =>
    sql.join(
      [...common, sql`grain = ${p.grain} and bucket >= ${literal(p.from)} and bucket < ${literal(p.to)}`],
      sql` and `,
    ),
  );
}

/**
 * Rows of a table's `together` dimensions come per value and once for all values together (ALL_TOGETHER): a
 * read takes the latter unless it filters or groups by one of them.
 */
function togetherCondition(spec: RollupSpec, where: Where): SQL[] {
  const { together } = tableOf(spec);
  if (together.length === 0) return [];
  const split = together.some((d) => where[d] !== undefined || (spec.groupBy ?? []).includes(d));
  // A literal, so the planner can use user_rollups_every_service_idx (partial: service = ALL_TOGETHER).
  const all = sql.raw(`'${ALL_TOGETHER}'`);
  return [split ? sql`service <> ${all}` : sql`service = ${all}`];
}

/** Raw rows of the plan's edges, and of the covered span received at or after the mark; null: none. */
function rawWhere(scope: Scope, spec: RollupSpec, plan: ReadPlan, where: Where, tail: Tail): SQL | null {
  const windows = plan.raw.map((w) => sql`(ts >= ${literal(w.from)} and ts < ${literal(w.to)})`);
  const covered = plan.covered;
  if (covered && tail.oldest !== null && tail.oldest < covered.to) {
    const from = tail.oldest > covered.from ? tail.oldest : covered.from;
    windows.push(
      sql`(ts >= ${literal(from)} and ts < ${literal(covered.to)} and received_at >= ${CURRENT_MARK})`,
    );
  }
  if (windows.length === 0) return null;
  const { userOnly } = tableOf(spec);
  return sql.join(
    [
      sql`project_id = ${scope.projectId}`,
      typeCondition(spec.types, true),
      ...(userOnly ? [sql`user_id is not null`] : []),
      sql`(${sql.join(windows, sql` or `)})`,
      ...dimConditions(where, true, spec.labels),
    ],
    sql` and `,
  );
}

function groupColumns(groupBy: Dimension[], raw: boolean, bucketMs: number | null): SQL[] {
  const cols = groupBy.map((d) => sql.raw(raw ? `${DIMENSION_SQL[d]} as ${d}` : d));
  if (bucketMs !== null) cols.push(sql`${epochMs(binOfBucket(bucketMs, raw ? 'ts' : 'bucket'))} as cb`);
  return cols;
}

function outerGroup(groupBy: Dimension[], bucketMs: number | null, extra: string[] = []): SQL {
  const cols = [...groupBy, ...(bucketMs === null ? [] : ['cb']), ...extra];
  return cols.length === 0 ? sql`` : sql.raw(` group by ${cols.join(', ')}`);
}

function innerGroup(groupBy: Dimension[], bucketMs: number | null, extra: string[] = []): SQL {
  const n = groupBy.length + (bucketMs === null ? 0 : 1);
  const positions = Array.from({ length: n }, (_, i) => String(i + 1));
  const cols = [...positions, ...extra];
  return cols.length === 0 ? sql`` : sql.raw(` group by ${cols.join(', ')}`);
}

function selectList(cols: SQL[], rest: SQL[]): SQL {
  return sql.join([...cols, ...rest], sql`, `);
}

function measuresSql(
  scope: Scope,
  spec: RollupSpec,
  plan: ReadPlan,
  groupBy: Dimension[],
  where: Where,
  bucketMs: number | null,
  tail: Tail,
): SQL | null {
  const outerCols = [...groupBy, ...(bucketMs === null ? [] : ['cb'])].map((c) => sql.raw(c));
  const parts: SQL[] = [];
  for (const rw of rollupWhere(scope, spec, plan, where)) {
    parts.push(sql`select ${selectList(
      groupColumns(groupBy, false, bucketMs),
      spec.measures.map((m) => sql.raw(m)),
    )}
      from ${sql.raw(tableOf(spec).table)} where ${rw}`);
  }
  const raw = rawWhere(scope, spec, plan, where, tail);
  if (raw) {
    parts.push(sql`select ${selectList(
      groupColumns(groupBy, true, bucketMs),
      spec.measures.map((m) => sql.raw(`${MEASURES[m].raw}::${MEASURES[m].sqlType} as ${m}`)),
    )}
    from events where ${raw}${innerGroup(groupBy, bucketMs)}`);
  }
  if (parts.length === 0) return null;
  const top = spec.top
    ? sql.raw(
        ` order by ${[
          ...spec.top.by.map((m) => `${m} desc nulls last`),
          ...groupBy.map((d) => `${d} collate "C"`),
        ].join(', ')} limit ${Math.trunc(spec.top.limit)}`,
      )
    : sql``;
  return sql`select ${selectList(
    outerCols,
    spec.measures.map((m) => sql.raw(`${rollupAggregateSql(m)} as ${m}`)),
  )}
    from (${sql.join(parts, sql` union all `)}) as s${outerGroup(groupBy, bucketMs)}${top}`;
}

function binsSql(
  scope: Scope,
  spec: RollupSpec,
  plan: ReadPlan,
  groupBy: Dimension[],
  where: Where,
  bucketMs: number | null,
  tail: Tail,
  fields: readonly Field[],
): SQL | null {
  const outerCols = [...groupBy, ...(bucketMs === null ? [] : ['cb'])].map((c) => sql.raw(c));
  const parts: SQL[] = [];
  const values = sql.raw(
    fields
      .map((f) => {
        const { bins, counts } = histColumns(f);
        return `(${FIELD_ID[f]}, ${bins}, ${counts})`;
      })
      .join(', '),
  );
  // Each rollup row's histograms leave as they are stored, and the app merges them: unnesting 45 k bins and
  // regrouping them by bucket and bin took a 30-day chart's statement 40 ms, handing its rows over 9 ms.
  for (const rw of rollupWhere(scope, spec, plan, where)) {
    parts.push(sql`select ${selectList(groupColumns(groupBy, false, bucketMs), [
      sql.raw('f.field, array_to_json(f.bins) as bins, array_to_json(f.counts) as counts'),
    ])}
      from metric_rollups cross join lateral (values ${values}) as f(field, bins, counts)
      where ${rw} and f.bins is not null`);
  }
  const raw = rawWhere(scope, spec, plan, where, tail);
  if (raw) {
    // Raw rows are counted per bin here, then leave as one histogram per group, bucket and field: bins and
    // counts in the same order (one pass feeds both aggregates).
    const values = sql.raw(fields.map((f) => `(${FIELD_ID[f]}, ${FIELDS[f]})`).join(', '));
    parts.push(sql`select ${selectList(outerCols, [sql.raw('field, json_agg(bin) as bins, json_agg(c) as counts')])}
    from (
      select ${selectList(groupColumns(groupBy, true, bucketMs), [
        sql.raw('f.field, f.bin::bigint as bin, count(*)::bigint as c'),
      ])}
      from events cross join lateral (values ${values}) as f(field, bin)
      where ${raw} and f.bin is not null${innerGroup(groupBy, bucketMs, ['field', 'bin'])}
    ) as r${outerGroup(groupBy, bucketMs, ['field'])}`);
  }
  if (parts.length === 0) return null;
  return sql.join(parts, sql` union all `);
}

/** A JSON array as the driver hands it over: parsed already (postgres-js), or as text. */
function jsonArray(value: unknown): unknown[] {
  return (typeof value === 'string' ? JSON.parse(value) : value) as unknown[];
}
