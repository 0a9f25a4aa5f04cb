import { describe, expect, it } from 'vitest';
import { Rng } from '@/lib/demo/random';
import { addTotals, compareCodePoints, compareTop, mergeTop, sortTotals, type UserTotal } from './top';

/** The top list summed directly: every user's kept and edge parts added, sorted, cut. */
function direct(kept: UserTotal[], edges: UserTotal[], limit: number): UserTotal[] {
  const all = new Map<string, UserTotal>();
  for (const u of [...kept, ...edges]) {
    const t = all.get(u.userId) ?? { userId: u.userId, events: 0, cost: null };
    t.events += u.events;
    if (u.cost !== null) t.cost = (t.cost ?? 0) + u.cost;
    all.set(u.userId, t);
  }
  return [...all.values()].sort(compareTop).slice(0, limit);
}

describe('mergeTop', () => {
  it('equals the direct sum of kept and edge totals, over many random lists with ties and no costs', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const rng = new Rng(seed);
      const next = () => rng.next();
      const users = Array.from({ length: 1 + Math.floor(next() * 40) }, (_, i) => `u${i}`);
      // Costs in quarters, so sums are exact and ties are common; some users without any cost.
      const total = (): UserTotal['cost'] => (next() < 0.15 ? null : Math.floor(next() * 8) / 4);
      const kept = users
        .filter(() => next() < 0.7)
        .map((userId) => ({ userId, events: 1 + Math.floor(next() * 5), cost: total() }));
      const edges = users.filter(() => next() < 0.3).map((userId) => ({ userId, events: 1, cost: total() }));
      const limit = Math.floor(next() * 12);
      expect(mergeTop(sortTotals(kept), edges, limit), `seed ${seed}`).toEqual(direct(kept, edges, limit));
    }
  });

  it('lifts a user of the edges over the kept leaders, and adds users only in the edges', () => {
    const kept = sortTotals([
      { userId: 'a', events: 3, cost: 3 },
      { userId: 'b', events: 2, cost: 2 },
      { userId: 'c', events: 1, cost: 1 },
    ]);
    const edges = [
      { userId: 'c', events: 1, cost: 2.5 },
      { userId: 'new', events: 1, cost: 2.25 },
    ];
    expect(mergeTop(kept, edges, 3)).toEqual([
      { userId: 'c', events: 2, cost: 3.5 },
      { userId: 'a', events: 3, cost: 3 },
      { userId: 'new', events: 1, cost: 2.25 },
    ]);
    expect(mergeTop(kept, [], 0)).toEqual([]);
    expect(mergeTop(sortTotals([]), [], 5)).toEqual([]);
  });

  it('keeps a cost where only one part has one', () => {
    const kept = sortTotals([{ userId: 'a', events: 2, cost: null }]);
    expect(mergeTop(kept, [{ userId: 'a', events: 1, cost: 0.5 }], 1)).toEqual([
      { userId: 'a', events: 3, cost: 0.5 },
    ]);
    expect(mergeTop(kept, [{ userId: 'a', events: 1, cost: null }], 1)).toEqual([
      { userId: 'a', events: 3, cost: null },
    ]);
  });
});

describe('compareTop', () => {
  it('orders by cost descending, no cost last, then user id as Postgres collate "C" (UTF-8 bytes)', () => {
    const ids = ['b', 'a', 'ab', '', 'Z', 'é', '\uffff', '😀', '\ue000x', 'a\u0000'];
    const bytes = [...ids].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect([...ids].sort(compareCodePoints)).toEqual(bytes);
    // UTF-16 order puts the emoji (a surrogate pair) before U+FFFF; code points do not.
    expect(compareCodePoints('😀', '\uffff')).toBeGreaterThan(0);
    const sorted = sortTotals([
      { userId: 'x', events: 1, cost: null },
      { userId: 'b', events: 1, cost: 1 },
      { userId: 'a', events: 1, cost: 1 },
      { userId: 'c', events: 1, cost: 2 },
    ]);
    expect(sorted.users.map((u) => u.userId)).toEqual(['c', 'a', 'b', 'x']);
    expect(sorted.at.get('b')).toBe(2);
  });
});

describe('addTotals', () => {
  it('adds users to kept totals and sorts them again, as the direct sum', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const rng = new Rng(seed);
      const next = () => rng.next();
      const users = Array.from({ length: 1 + Math.floor(next() * 30) }, (_, i) => `u${i}`);
      const total = (): UserTotal['cost'] => (next() < 0.15 ? null : Math.floor(next() * 8) / 4);
      const kept = users.filter(() => next() < 0.6).map((userId) => ({ userId, events: 2, cost: total() }));
      const more = users.filter(() => next() < 0.5).map((userId) => ({ userId, events: 1, cost: total() }));
      const added = addTotals(sortTotals(kept), more);
      const want = direct(kept, more, users.length);
      expect(added.users, `seed ${seed}`).toEqual(want);
      expect([...added.at].every(([id, i]) => added.users[i]!.userId === id)).toBe(true);
    }
  });
});
