import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import { rawRows } from '@/db/client';
import { CHANGE_GRAINS } from '@/db/schema/rollups';
import { GRAIN_MS, planRead, type Window } from './plan';

/**
 * Results read over whole buckets of rollups, kept in this process. A rolling window's middle (its whole
 * quarter hours, hours, days and weeks) stays the same for up to a quarter hour, a 30-day window's whole days
 * for a day, so a read takes it once and then only its edges: minutes, raw seconds and the tail.
 *
 * Each kept result carries the rollup job's mark it was read at (in microseconds). It holds while no later
 * step added events of its buckets: each step notes the quarter hours and days it touched with its mark
 * (rollup_changes, written by ./job.ts), and the reader checks them in the statement that reads its edges and
 * tail, one snapshot with the mark. Kept results are only an optimization: a process keeps those read last, up
 * to a weight, and a restart starts empty.
 */

export type Kept<T> = { mark: bigint; value: T };

/** The rollup job's mark in microseconds since the epoch, as text (no mark yet: 0, before any change). */
export const MARK_US = sql`(extract(epoch from coalesce(
  (select rolled_through from metric_rollup_state where id = 1), timestamptz 'epoch')) * 1000000)::bigint::text`;

/**
 * The latest mark at which a step added events of a span's buckets to the project's rollups (null: none), as
 * text in microseconds: its whole days from the day rows, the rest from the quarter hours' (the span widened to
 * whole quarter hours).
 */
export function changedUs(projectId: string, span: Window): SQL {
  const q = GRAIN_MS.quarter;
  const widened = {
    from: new Date(Math.floor(span.from.getTime() / q) * q),
    to: new Date(Math.ceil(span.to.getTime() / q) * q),
  };
  const pieces = planRead(widened, CHANGE_GRAINS).pieces.map(
    (
      p,
    ) => sql`select rolled_through from rollup_changes where project_id = ${projectId} and grain = ${p.grain}
      and bucket >= ${p.from.toISOString()}::timestamptz and bucket < ${p.to.toISOString()}::timestamptz`,
  );
  if (pieces.length === 0) return sql`null::text`;
  return sql`(select (extract(epoch from max(rolled_through)) * 1000000)::bigint::text
    from (${sql.join(pieces, sql` union all `)}) as c)`;
}

/** Whether a result kept at `kept` still holds for a statement that read `mark` and `changed`. */
export function stillHolds(kept: bigint, mark: bigint, changed: bigint | null): boolean {
  return kept <= mark && (changed === null || changed <= kept);
}

type Entry<T> = { value: Promise<Kept<T>>; weight: number };

/** Kept results per database and key, the least recently used out first once their weight passes `maxWeight`. */
export class KeptResults<T> {
  private readonly byDb = new WeakMap<object, Map<string, Entry<T>>>();
  private readonly weights = new WeakMap<object, number>();

  /** `weight`: what a result costs to keep (rows, bins) besides 1 for its entry; one heavier than `maxWeight` is not kept. */
  constructor(
    private readonly maxWeight: number,
    private readonly weight: (value: T) => number = () => 0,
  ) {}

  /** The kept result of `key`, or `build`'s (shared by concurrent readers; a failed build is not kept). */
  get(db: object, key: string, build: () => Promise<Kept<T>>): Promise<Kept<T>> {
    let kept = this.byDb.get(db);
    if (!kept) this.byDb.set(db, (kept = new Map()));
    const found = kept.get(key);
    if (found) {
      kept.delete(key);
      kept.set(key, found);
      return found.value;
    }
    const entry: Entry<T> = { value: build(), weight: 0 };
    kept.set(key, entry);
    const map = kept;
    entry.value.then(
      (result) => {
        if (map.get(key) !== entry) return;
        // Each entry weighs at least 1 (its key and mark), so empty results too are bounded in number.
        entry.weight = 1 + this.weight(result.value);
        if (entry.weight > this.maxWeight) {
          map.delete(key); // too heavy to keep: read again next time, leaving the others in place
          return;
        }
        this.weights.set(db, (this.weights.get(db) ?? 0) + entry.weight);
        this.evict(db, map);
      },
      () => {
        if (map.get(key) === entry) map.delete(key);
      },
    );
    return entry.value;
  }

  /** The kept result of `key`, if any (without building one). */
  peek(db: object, key: string): Promise<Kept<T>> | undefined {
    return this.byDb.get(db)?.get(key)?.value;
  }

  /** Keeps `result` as `key`'s, in place of any kept before. */
  put(db: object, key: string, result: Kept<T>): void {
    const kept = this.byDb.get(db);
    const entry = kept?.get(key);
    if (kept && entry) this.remove(db, kept, key, entry);
    void this.get(db, key, () => Promise.resolve(result));
  }

  /** Forgets `key`'s result if it is still `stale` (a newer one may have replaced it). */
  drop(db: object, key: string, stale: Promise<Kept<T>>): void {
    const kept = this.byDb.get(db);
    const entry = kept?.get(key);
    if (kept && entry?.value === stale) this.remove(db, kept, key, entry);
  }

  private evict(db: object, kept: Map<string, Entry<T>>) {
    for (const [key, entry] of kept) {
      if ((this.weights.get(db) ?? 0) <= this.maxWeight) break;
      this.remove(db, kept, key, entry);
    }
  }

  private remove(db: object, kept: Map<string, Entry<T>>, key: string, entry: Entry<T>) {
    kept.delete(key);
    this.weights.set(db, (this.weights.get(db) ?? 0) - entry.weight);
  }
}

/** A statement's rows with the mark and the latest change to `span`, read in its snapshot. */
export type Checked<R> = { rows: R[]; mark: bigint; changed: bigint | null };

/**
 * Runs `statement` (null: no rows) with the job's mark and the latest change to the span's buckets (null span:
 * none read), in one statement: a kept result's rows and mark, or whether one over the span holds for these rows.
 */
export async function readChecked<R extends Record<string, unknown>>(
  db: Parameters<typeof rawRows>[0],
  projectId: string,
  span: Window | null,
  statement: SQL | null,
): Promise<Checked<R>> {
  const changed = span === null ? sql`null::text` : changedUs(projectId, span);
  const rows = await rawRows<R & { cw_mark: string; cw_changed: string | null; cw_row: unknown }>(
    db,
    sql`select m.cw_mark, m.cw_changed, r.* from (select ${MARK_US} as cw_mark, ${changed} as cw_changed) as m
      left join (select 1 as cw_row, s.* from (${statement ?? sql`select where false`}) as s) as r on true`,
  );
  const first = rows[0]!;
  return {
    // Without the check's columns: kept rows hold only what the statement read.
    rows: rows
      .filter((r) => r.cw_row !== null && r.cw_row !== undefined)
      // eslint-disable-next-line @typescript-eslint/no-unused-vars
      .map(({ cw_mark, cw_changed, cw_row, ...row }) => row as unknown as R),
    mark: BigInt(first.cw_mark),
    changed: first.cw_changed === null ? null : BigInt(first.cw_changed),
  };
}

/**
 * A read whose span's part is kept: takes the kept part (or builds it), then reads the rest with the check, and
 * merges them. A kept part that no longer holds (a step rolled a late event into its buckets) is read again,
 * once; null when even that one did not hold (the caller reads everything fresh).
 */
export async function readWithKept<T, R extends Record<string, unknown>, Out>(options: {
  kept: KeptResults<T>;
  db: Parameters<typeof rawRows>[0] & object;
  key: string;
  projectId: string;
  span: Window;
  build: () => Promise<Kept<T>>;
  rest: SQL | null;
  merge: (kept: T, rest: R[]) => Out;
}): Promise<Out | null> {
  const { kept, db, key } = options;
  for (let attempt = 0; attempt < 2; attempt++) {
    const keptAt = kept.get(db, key, options.build);
    const part = await keptAt;
    const rest = await readChecked<R>(db, options.projectId, options.span, options.rest);
    if (stillHolds(part.mark, rest.mark, rest.changed)) return options.merge(part.value, rest.rows);
    kept.drop(db, key, keptAt);
  }
  return null;
}
