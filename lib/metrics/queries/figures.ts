import 'server-only';
import type { Db } from '@/db/client';
import { bucketStart } from '../buckets';
import {
  groupRows,
  metricDef,
  specForAll,
  valueOf,
  valuesOf,
  type MetricId,
  type MetricValue,
} from '../catalog';
import type { Filters } from '../range';
import { readActiveUsers, readRollupsIn } from '../rollups/read';
import type { Window } from '../rollups/plan';
import { ANY_TYPE, type Dimension } from '../rollups/shape';
import type { Scope } from '../types';

export type FigureRow<I extends MetricId> = {
  key: Partial<Record<Dimension, string>>;
  /** The chart bucket's start (epoch ms), or null over the whole window. */
  bucket: number | null;
  values: Record<I, MetricValue>;
};

export type FigureOptions = {
  groupBy?: readonly Dimension[];
  bucketMs?: number | null;
  where?: Partial<Record<Dimension, string>>;
  /** A metric event's labels must include these. */
  labels?: Readonly<Record<string, string>>;
  db?: Db;
};

/**
 * Catalog metrics over one window, per group of `groupBy` (and per chart bucket): one statement per event
 * type (two with histograms), all in one snapshot. A group that holds no event of a metric's type gets
 * that metric's empty value (null, or 0 for counts).
 */
export async function readFigures<I extends MetricId>(
  scope: Scope,
  window: Window,
  filters: Filters,
  ids: readonly I[],
  options: FigureOptions = {},
): Promise<FigureRow<I>[]> {
  const [rows] = await readFiguresAt(scope, [window], filters, ids, options);
  return rows!;
}

/** `readFigures` over several windows (an alert's current and baseline windows, chart points) in one snapshot. */
export async function readFiguresAt<I extends MetricId>(
  scope: Scope,
  windows: readonly Window[],
  filters: Filters,
  ids: readonly I[],
  options: FigureOptions = {},
): Promise<FigureRow<I>[][]> {
  const views = await readViews(scope, windows, filters, ids, options, []);
  return views.map(([rows]) => rows!);
}

/**
 * A coarser view of a read's figures: grouped by some of its `groupBy` dimensions only, and per chart bucket
 * of the read (`bucketMs` left out), of a multiple of it, or over the whole window (`bucketMs: null`). Counts,
 * sums and histograms merge exactly, so a view equals the figures read on their own, without another statement.
 */
export type FigureView = { groupBy?: readonly Dimension[]; bucketMs?: number | null };

/**
 * `readFigures`, and the same read's figures in each of `views` (the page's totals beside its chart, the
 * web vitals of every page beside those per page): one read, regrouped. Distinct users do not merge, so
 * views cannot hold them.
 */
export async function readFigureViews<I extends MetricId>(
  scope: Scope,
  window: Window,
  filters: Filters,
  ids: readonly I[],
  options: FigureOptions,
  views: readonly FigureView[],
): Promise<FigureRow<I>[][]> {
  const [rows] = await readViews(scope, [window], filters, ids, options, views);
  return rows!;
}

async function readViews<I extends MetricId>(
  scope: Scope,
  windows: readonly Window[],
  filters: Filters,
  ids: readonly I[],
  options: FigureOptions,
  views: readonly FigureView[],
): Promise<FigureRow<I>[][][]> {
  const groupBy = options.groupBy ?? [];
  const byType = new Map<string, I[]>();
  const distinct: I[] = [];
  for (const id of ids) {
    const type = metricDef(id).type;
    if (type === null) distinct.push(id);
    else byType.set(type, [...(byType.get(type) ?? []), id]);
  }
  const readBucket = options.bucketMs ?? null;
  for (const view of views) {
    const extra = (view.groupBy ?? []).filter((d) => !groupBy.includes(d));
    if (extra.length > 0)
      throw new Error(`a view groups by dimensions of the read only: ${extra.join(', ')}`);
    if (typeof view.bucketMs === 'number' && (readBucket === null || view.bucketMs % readBucket !== 0)) {
      throw new Error(`a view's buckets are a multiple of the read's: ${view.bucketMs} ms of ${readBucket}`);
    }
  }
  if (views.length > 0 && distinct.length > 0)
    throw new Error(`distinct users do not merge: ${distinct.join(', ')}`);
  const groups = [...byType.values()];
  const specs = groups.map((group) => specForAll(group, options));
  const results =
    specs.length === 0
      ? []
      : await readRollupsIn(
          scope,
          filters,
          windows.flatMap((window) => specs.map((spec) => ({ window, spec }))),
          { db: options.db },
        );
  const all: FigureView[] = [{ groupBy }, ...views];
  return Promise.all(
    windows.map(async (window, w) =>
      Promise.all(
        all.map(async (view, v) => {
          const by = view.groupBy ?? [];
          const out = new Map<string, FigureRow<I>>();
          const rowFor = (id: string, key: FigureRow<I>['key'], bucket: number | null) => {
            let row = out.get(id);
            if (!row) {
              row = { key, bucket, values: emptyFigures(ids) };
              out.set(id, row);
            }
            return row;
          };
          groups.forEach((group, i) => {
            const rows = results[w * specs.length + i]!;
            const to = view.bucketMs;
            const viewed =
              to === undefined
                ? rows
                : rows.map((r) => ({ ...r, bucket: to === null ? null : bucketStart(r.bucket!, to) }));
            for (const [id, grouped] of groupRows(viewed, by)) {
              const key = Object.fromEntries(by.map((d) => [d, grouped[0]!.key[d] ?? '']));
              const row = rowFor(id, key, grouped[0]!.bucket);
              Object.assign(row.values, valuesOf(group, grouped));
            }
          });
          if (v === 0 && distinct.length > 0) {
            for (const r of await distinctUsers(scope, window, filters, groupBy, options.db)) {
              const row = rowFor(JSON.stringify([null, ...groupBy.map((d) => r.key[d] ?? '')]), r.key, null);
              for (const metric of distinct) row.values[metric] = { value: r.users, samples: r.users };
            }
          }
          return [...out.values()];
        }),
      ),
    ),
  );
}

function emptyValue(id: MetricId): MetricValue {
  return metricDef(id).type === null ? { value: 0, samples: 0 } : valueOf(id, []);
}

/** Catalog metrics over a whole window, ungrouped. */
export async function readTotals<I extends MetricId>(
  scope: Scope,
  window: Window,
  filters: Filters,
  ids: readonly I[],
  options: Omit<FigureOptions, 'groupBy' | 'bucketMs'> = {},
): Promise<Record<I, MetricValue>> {
  const [row] = await readFigures(scope, window, filters, ids, options);
  return row?.values ?? emptyFigures(ids);
}

/** The figures of a window without events: counts 0, every other figure null. */
export function emptyFigures<I extends MetricId>(ids: readonly I[]): Record<I, MetricValue> {
  return Object.fromEntries(ids.map((id) => [id, emptyValue(id)])) as Record<I, MetricValue>;
}

/** Distinct users with an event in the window, per service when grouped so; exact, from the user sets. */
async function distinctUsers(
  scope: Scope,
  window: Window,
  filters: Filters,
  groupBy: readonly Dimension[],
  db?: Db,
): Promise<{ key: Partial<Record<Dimension, string>>; users: number }[]> {
  if (groupBy.some((d) => d !== 'service')) throw new Error('active users group by service only');
  const groups = await readActiveUsers(scope, window, filters, { types: [ANY_TYPE], groupBy }, { db });
  if (groupBy.length === 0) return [{ key: {}, users: groups[0]?.users ?? 0 }];
  return groups.map((g) => ({ key: g.key, users: g.users }));
}
