import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import { getDb, rawRows } from '@/db/client';
import type { EventType } from '@/lib/ingest/schema';
import type { Filters } from './range';
import type { Window } from './rollup';
import type { Scope } from './types';

export type { Window };

export async function query<T>(statement: SQL): Promise<T[]> {
  return rawRows<T>(await getDb(), statement);
}

/** Event types are our own constants: inlined, the planner sees each type's row estimate when planning. */
export function typeIs(type: EventType): SQL {
  return sql.raw(`type = '${type}'`);
}

export function at(date: Date): SQL {
  return sql`${date.toISOString()}::timestamptz`;
}

/** The project, the time window and the service/environment filters; `model` only where asked for. */
export function scoped(
  scope: Scope,
  window: Window,
  filters: Filters,
  options: { model?: boolean } = {},
): SQL {
  return scopedAs(null, scope, window, filters, options);
}

/** `scoped` for a table under an alias, e.g. in a join. */
export function scopedAs(
  alias: string | null,
  scope: Scope,
  window: Window,
  filters: Filters,
  options: { model?: boolean } = {},
): SQL {
  const c = (column: string) => sql.raw(alias ? `${alias}.${column}` : column);
  const parts = [
    sql`${c('project_id')} = ${scope.projectId}`,
    sql`${c('ts')} >= ${at(window.from)}`,
    sql`${c('ts')} < ${at(window.to)}`,
  ];
  if (filters.service !== null) parts.push(sql`${c('service')} = ${filters.service}`);
  if (filters.environment !== null) parts.push(sql`${c('environment')} = ${filters.environment}`);
  if (options.model && filters.model !== null) parts.push(sql`${c('model')} = ${filters.model}`);
  return sql.join(parts, sql` and `);
}

/**
 * The bucket of `ts` (epoch-aligned, like `bucketStart` in buckets.ts). Group by it and select
 * `epochMs` of it: the epoch is then computed once per group, not per row. The SQL is constant text (no
 * parameters), which lets Postgres match the select expression to the group key.
 */
export function bucketOf(bucketMs: number): SQL {
  if (!Number.isInteger(bucketMs) || bucketMs % 1000 !== 0 || bucketMs <= 0)
    throw new RangeError(`bad bucket ${bucketMs}`);
  return sql.raw(`date_bin(interval '${bucketMs / 1000} seconds', ts, timestamptz '1970-01-01 00:00:00+00')`);
}

/** `percentile_cont(p)` of an expression; fractions are our own constants. */
export function pct(p: number, expression: string, filter?: string): SQL {
  return sql.raw(
    `percentile_cont(${p}) within group (order by ${expression})${filter ? ` filter (where ${filter})` : ''}`,
  );
}

export function minutes(window: Window): number {
  return (window.to.getTime() - window.from.getTime()) / 60_000;
}

/**
 * Timestamps leave SQL as epoch ms: drivers differ in how they parse timestamptz text. `date_part` is float8
 * arithmetic; `extract` computes in numeric, which cost a 24-hour chart a quarter of its time (once per
 * histogram bin read). Exact for whole milliseconds up to the year 287,000; finer parts within a microsecond.
 */
export function epochMs(expression: string | SQL): SQL {
  return sql`(date_part('epoch', ${typeof expression === 'string' ? sql.raw(expression) : expression}) * 1000)`;
}
