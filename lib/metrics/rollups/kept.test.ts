import { describe, expect, it } from 'vitest';
import { KeptResults, stillHolds, type Kept } from './kept';

describe('stillHolds', () => {
  it('holds while no step after its mark changed its days, and only for reads at or after its mark', () => {
    expect(stillHolds(100n, 100n, null)).toBe(true);
    expect(stillHolds(100n, 250n, 100n)).toBe(true);
    expect(stillHolds(100n, 250n, 90n)).toBe(true);
    // A step at 200 rolled a late event into one of its days.
    expect(stillHolds(100n, 250n, 200n)).toBe(false);
    // A read at an older mark than the kept result's would count the events between them twice.
    expect(stillHolds(300n, 250n, null)).toBe(false);
  });
});

describe('KeptResults', () => {
  const kept = (mark: bigint): Kept<string> => ({ mark, value: `at ${mark}` });

  it('builds once for concurrent readers and keeps the result per database', async () => {
    const cache = new KeptResults<string>(16);
    const [db1, db2] = [{}, {}];
    let builds = 0;
    const build = async () => kept(BigInt(++builds));
    const [a, b] = await Promise.all([cache.get(db1, 'k', build), cache.get(db1, 'k', build)]);
    expect(a).toBe(b);
    expect(builds).toBe(1);
    expect((await cache.get(db2, 'k', build)).mark).toBe(2n);
    expect((await cache.get(db1, 'k', build)).mark).toBe(1n);
  });

  it('peeks without building, and puts a result in place of the kept one, its weight counted once', async () => {
    const cache = new KeptResults<string>(3, (v) => v.length);
    const db = {};
    expect(cache.peek(db, 'k')).toBeUndefined();
    cache.put(db, 'k', { mark: 1n, value: 'a' });
    expect(await cache.peek(db, 'k')).toEqual({ mark: 1n, value: 'a' });
    cache.put(db, 'k', { mark: 2n, value: 'b' });
    await Promise.resolve();
    expect(await cache.peek(db, 'k')).toEqual({ mark: 2n, value: 'b' });
    // Weight 2 each, at most 3 in all: a second key pushes the first out, though 'k' was put twice.
    cache.put(db, 'j', { mark: 1n, value: 'c' });
    await Promise.resolve();
    await Promise.resolve();
    expect(cache.peek(db, 'k')).toBeUndefined();
    expect((await cache.peek(db, 'j'))?.value).toBe('c');
  });

  it('forgets a stale result, but not a newer one that replaced it, nor a failed build', async () => {
    const cache = new KeptResults<string>(16);
    const db = {};
    const first = cache.get(db, 'k', async () => kept(1n));
    await first;
    cache.drop(db, 'k', first);
    const second = cache.get(db, 'k', async () => kept(2n));
    cache.drop(db, 'k', first);
    expect(await cache.get(db, 'k', async () => kept(3n))).toBe(await second);
    await expect(cache.get(db, 'bad', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect((await cache.get(db, 'bad', async () => kept(4n))).mark).toBe(4n);
  });

  it('keeps the most recently used results, up to its bound', async () => {
    const cache = new KeptResults<string>(16);
    const db = {};
    for (let i = 0; i < 16; i++) await cache.get(db, `k${i}`, async () => kept(BigInt(i)));
    await cache.get(db, 'k0', async () => kept(100n));
    await cache.get(db, 'k16', async () => kept(16n));
    // k0 was used again, so k1 went first.
    expect((await cache.get(db, 'k0', async () => kept(200n))).mark).toBe(0n);
    expect((await cache.get(db, 'k1', async () => kept(201n))).mark).toBe(201n);
  });
});

describe('KeptResults by weight', () => {
  it('keeps results up to their total weight, and none heavier than it', async () => {
    const cache = new KeptResults<number[]>(10, (rows) => rows.length);
    const db = {};
    const build = (mark: bigint, n: number) => async () => ({
      mark,
      value: Array.from({ length: n }, () => 0),
    });
    // Each weighs its rows plus 1.
    await cache.get(db, 'a', build(1n, 3));
    await cache.get(db, 'b', build(2n, 3));
    // c makes 12: a, the least recently used, goes.
    await cache.get(db, 'c', build(3n, 3));
    expect((await cache.get(db, 'a', build(4n, 3))).mark).toBe(4n);
    // Too heavy to keep at all: read again next time, and the others stay.
    await cache.get(db, 'huge', build(5n, 10));
    expect((await cache.get(db, 'huge', build(6n, 0))).mark).toBe(6n);
    expect((await cache.get(db, 'a', build(7n, 3))).mark).toBe(4n);
    // Empty results weigh 1 each: of twelve, the first two go.
    for (let i = 0; i < 12; i++) await cache.get(db, `empty${i}`, build(10n, 0));
    expect((await cache.get(db, 'empty11', build(11n, 0))).mark).toBe(10n);
    expect((await cache.get(db, 'empty0', build(12n, 0))).mark).toBe(12n);
  });
});
