import { describe, expect, it } from 'vitest';
import { binOf } from '../histogram';
import {
  bucketKey,
  bucketKeys,
  middleOf,
  refreshBuckets,
  sessionTotals,
  type SessionActivity,
  type SessionBucket,
} from './session-middle';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const s = (sessionId: string, firstMs: number, lastMs: number, messages = 1): SessionActivity => ({
  sessionId,
  firstUs: firstMs * 1000,
  lastUs: lastMs * 1000,
  messages,
});

/** The same figures computed the plain way: every row of every session merged, then summed. */
function expected(rolled: SessionBucket['rolled'], rows: SessionActivity[]) {
  const per = new Map<string, SessionActivity>();
  for (const r of rows) {
    const m = per.get(r.sessionId);
    per.set(
      r.sessionId,
      m
        ? {
            ...m,
            firstUs: Math.min(m.firstUs, r.firstUs),
            lastUs: Math.max(m.lastUs, r.lastUs),
            messages: m.messages + r.messages,
          }
        : r,
    );
  }
  const bins = new Map<number, number>();
  let [count, messages, sum] = [0, 0, 0];
  for (const r of rolled) {
    count += r.count;
    messages += r.messages;
    sum += r.sumDurationMs;
    for (const [b, c] of r.bins) bins.set(b, (bins.get(b) ?? 0) + c);
  }
  for (const m of per.values()) {
    const d = (m.lastUs - m.firstUs) / 1000;
    count += 1;
    messages += m.messages;
    sum += d;
    bins.set(binOf(d), (bins.get(binOf(d)) ?? 0) + 1);
  }
  return { count, messages, sum, bins };
}

describe('session middle', () => {
  it('lists every bucket of the pieces, hours and days', () => {
    const keys = bucketKeys([
      { grain: 'hour', from: new Date(22 * HOUR), to: new Date(DAY) },
      { grain: 'day', from: new Date(DAY), to: new Date(3 * DAY) },
    ]);
    expect(keys).toEqual([
      bucketKey('hour', 22 * HOUR),
      bucketKey('hour', 23 * HOUR),
      bucketKey('day', DAY),
      bucketKey('day', 2 * DAY),
    ]);
    expect(bucketKeys([])).toEqual([]);
  });

  it('merges a session with parts in the middle and activity at the edges once, as merging every row would', () => {
    const rolled = [
      {
        count: 3,
        messages: 7,
        sumDurationMs: 4_000,
        bins: [[binOf(1_000), 2] as const, [binOf(2_000), 1] as const],
      },
    ];
    const buckets = new Map<string, SessionBucket>([
      [
        bucketKey('hour', HOUR),
        { rolled, parts: [s('a', HOUR + 10, 2 * HOUR - 1, 2), s('b', HOUR + 5, 2 * HOUR - 5)] },
      ],
      [
        bucketKey('hour', 2 * HOUR),
        { rolled: [], parts: [s('a', 2 * HOUR, 2 * HOUR + 500, 1), s('c', 2 * HOUR + 9, 3 * HOUR - 1)] },
      ],
    ]);
    const middle = middleOf(buckets);
    expect(middle.sessions.get('a')).toEqual(s('a', HOUR + 10, 2 * HOUR + 500, 3));
    // Edges: 'a' earlier, 'c' later, 'd' only at an edge, 'd' twice (two services).
    const edges = [
      s('a', HOUR - 300, HOUR - 200, 1),
      s('c', 3 * HOUR + 1, 3 * HOUR + 2_000, 4),
      s('d', 5, 9),
      s('d', 1, 3, 2),
    ];
    const got = sessionTotals(middle, edges);
    const want = expected(rolled, [...buckets.values()].flatMap((b) => b.parts).concat(edges));
    expect(got.count).toBe(want.count);
    expect(got.messages).toBe(want.messages);
    expect(got.sumDurationMs).toBeCloseTo(want.sum, 6);
    expect(new Map([...got.bins].sort())).toEqual(new Map([...want.bins].sort()));
    // The kept middle is not changed by a read.
    expect(middleOf(buckets).totals).toEqual(middle.totals);
  });

  it('answers zero sessions for an empty middle and no activity', () => {
    const got = sessionTotals(middleOf(new Map()), []);
    expect(got).toEqual({ count: 0, messages: 0, sumDurationMs: 0, bins: new Map() });
  });

  it('keeps the buckets unchanged when nothing was rebuilt or is dirty, and refreshes those that were', () => {
    const one: SessionBucket = { rolled: [], parts: [s('a', 0, 10)] };
    const two: SessionBucket = { rolled: [], parts: [s('b', 0, 10)] };
    const kept = new Map([
      ['h1', one],
      ['h2', two],
    ]);
    expect(refreshBuckets(kept, [], [], new Map())).toBeNull();
    // Dirty now: out, and read again once no longer dirty (it is then missing).
    expect([...refreshBuckets(kept, [], ['h2'], new Map())!.keys()]).toEqual(['h1']);
    // Rebuilt since: replaced by its fresh rows.
    const fresh: SessionBucket = { rolled: [], parts: [s('b', 0, 99)] };
    const refreshed = refreshBuckets(kept, ['h2'], [], new Map([['h2', fresh]]))!;
    expect(refreshed.get('h2')).toBe(fresh);
    expect(refreshed.get('h1')).toBe(one);
    // Nothing kept yet: the fresh buckets.
    expect([...refreshBuckets(null, [], [], new Map([['h1', one]]))!.keys()]).toEqual(['h1']);
    // A dirty bucket that was not kept changes nothing.
    expect(refreshBuckets(kept, [], ['h3'], new Map())).toBeNull();
  });
});
