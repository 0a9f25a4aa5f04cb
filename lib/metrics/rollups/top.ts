/**
 * Top lists merged from a kept part and a fresh one, without I/O: a window's whole days summed once per user
 * (kept, sorted) and its edges summed per request. Exact: a user absent from the edges keeps their whole-day
 * total, so the best of them are the first kept users not in the edges; the others are the edges' users.
 */

export type UserTotal = { userId: string; events: number; cost: number | null };

/** Users sorted as the top list shows them (compareTop), with each user's position. */
export type SortedTotals = { users: readonly UserTotal[]; at: ReadonlyMap<string, number> };

/**
 * Cost descending, users without a cost last, then user id in code point order (Postgres' `collate "C"`,
 * the order of the SQL path): UTF-16 order differs from it only past U+FFFF, so compare code points.
 */
export function compareTop(a: UserTotal, b: UserTotal): number {
  if (a.cost !== b.cost) {
    if (a.cost === null) return 1;
    if (b.cost === null) return -1;
    return b.cost - a.cost;
  }
  return compareCodePoints(a.userId, b.userId);
}

export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const [x, y] = [Array.from(a), Array.from(b)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** Sorts totals and indexes them by user. */
export function sortTotals(totals: Iterable<UserTotal>): SortedTotals {
  const users = [...totals].sort(compareTop);
  return { users, at: new Map(users.map((u, i) => [u.userId, i])) };
}

const add = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : a + b);

/** The first `limit` users of kept totals plus the edges' (each user at most once among the edges). */
export function mergeTop(kept: SortedTotals, edges: readonly UserTotal[], limit: number): UserTotal[] {
  if (limit <= 0) return [];
  const inEdges = new Set<string>();
  const candidates: UserTotal[] = [];
  for (const e of edges) {
    inEdges.add(e.userId);
    const k = kept.at.get(e.userId);
    const base = k === undefined ? null : kept.users[k]!;
    candidates.push({
      userId: e.userId,
      events: (base?.events ?? 0) + e.events,
      cost: add(base?.cost ?? null, e.cost),
    });
  }
  let taken = 0;
  for (const u of kept.users) {
    if (taken === limit) break;
    if (inEdges.has(u.userId)) continue;
    candidates.push(u);
    taken += 1;
  }
  return candidates.sort(compareTop).slice(0, limit);
}

/** Kept totals with more users' totals added (each user at most once among them), sorted again. */
export function addTotals(kept: SortedTotals, more: readonly UserTotal[]): SortedTotals {
  const users = [...kept.users];
  for (const m of more) {
    const k = kept.at.get(m.userId);
    if (k === undefined) users.push(m);
    else {
      const base = kept.users[k]!;
      users[k] = { userId: m.userId, events: base.events + m.events, cost: add(base.cost, m.cost) };
    }
  }
  return sortTotals(users);
}
