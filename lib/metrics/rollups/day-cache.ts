import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import type { Window } from './plan';

/**
 * Results read over whole days of rollups, kept in this process: a 30-day window's whole days are the same
 * for a day, so a read sums them once and then only its edges. Each result carries the rollup job's mark it
 * was read at (in microseconds). It holds while no later step added events of its days: each step notes
 * the days it touched with its mark (rollup_day_changes, written by ./job.ts), and the reader checks them in
 * the statement that reads its edges and tail, one snapshot with the mark. A result is only an optimization:
 * a process keeps a few, least recently used first out, and a restart starts empty.
 */

const MAX_KEPT = 16;

export type Kept<T> = { mark: bigint; value: T };

/** The rollup job's mark in microseconds since the epoch, as text (no mark yet: 0, before any change). */
export const MARK_US = sql`(extract(epoch from coalesce(
  (select rolled_through from metric_rollup_state where id = 1), timestamptz 'epoch')) * 1000000)::bigint::text`;

/** The latest mark at which a step added events of the window's days to the project's rollups (null: none). */
export function changedUs(projectId: string, days: Window): SQL {
  return sql`(select (extract(epoch from max(rolled_through)) * 1000000)::bigint::text from rollup_day_changes
    where project_id = ${projectId} and day >= ${days.from.toISOString()}::timestamptz
      and day < ${days.to.toISOString()}::timestamptz)`;
}

/** Whether a result read at `kept` still holds for a statement that read `mark` and `changed`. */
export function stillHolds(kept: bigint, mark: bigint, changed: bigint | null): boolean {
  return kept <= mark && (changed === null || changed <= kept);
}

export class DayCache<T> {
  private readonly byDb = new WeakMap<object, Map<string, Promise<Kept<T>>>>();

  /** The kept result of `key`, or `build`'s (shared by concurrent readers; a failed build is not kept). */
  get(db: object, key: string, build: () => Promise<Kept<T>>): Promise<Kept<T>> {
    let kept = this.byDb.get(db);
    if (!kept) this.byDb.set(db, (kept = new Map()));
    const found = kept.get(key);
    if (found) {
      kept.delete(key);
      kept.set(key, found);
      return found;
    }
    const built = build();
    kept.set(key, built);
    built.catch(() => {
      if (kept.get(key) === built) kept.delete(key);
    });
    while (kept.size > MAX_KEPT) kept.delete(kept.keys().next().value!);
    return built;
  }

  /** Forgets `key`'s result if it is still `stale` (a newer one may have replaced it). */
  drop(db: object, key: string, stale: Promise<Kept<T>>): void {
    const kept = this.byDb.get(db);
    if (kept?.get(key) === stale) kept.delete(key);
  }
}
