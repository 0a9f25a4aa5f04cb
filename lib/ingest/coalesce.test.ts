import { describe, expect, it } from 'vitest';
import { CoalescerBusyError, createCoalescer, type CoalescerOptions } from './coalesce';

type Row = { key: string };
const rows = (...keys: string[]): Row[] => keys.map((key) => ({ key }));

/** A fake table: writes are held until released, so tests decide what overlaps. */
function table(options: Partial<CoalescerOptions<Row>> = {}) {
  const stored = new Set<string>(['old']);
  const writes: { keys: string[]; release: () => void; fail: (error: unknown) => void }[] = [];
  const afterWrites: string[][] = [];
  const coalescer = createCoalescer<Row>({
    maxInFlight: 1,
    maxRows: 1000,
    maxQueuedRows: 10_000,
    keyOf: (row) => row.key,
    refusedForValues: (error) => (error as Error).message !== 'unreachable',
    afterWrite: async (written) => void afterWrites.push(written.map((row) => row.key)),
    write: (batch) =>
      new Promise((resolve, reject) => {
        writes.push({
          keys: batch.map((row) => row.key),
          fail: reject,
          release: () => {
            if (batch.some((row) => row.key === 'bad')) return reject(new Error('invalid input'));
            const fresh = new Set<string>();
            for (const row of batch) {
              if (stored.has(row.key)) continue;
              fresh.add(row.key);
              stored.add(row.key);
            }
            resolve(fresh.size === batch.length ? 'all' : fresh);
          },
        });
      }),
    ...options,
  });
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return { coalescer, writes, afterWrites, stored, settle };
}

const keysOf = (stored: { rows: Row[] }) => stored.rows.map((row) => row.key);

describe('createCoalescer', () => {
  it('writes a request at once when no write is running', async () => {
    const t = table();
    const pending = t.coalescer.store(rows('a', 'b'));
    expect(t.writes.map((w) => w.keys)).toEqual([['a', 'b']]);
    t.writes[0]!.release();
    expect(keysOf(await pending)).toEqual(['a', 'b']);
  });

  it('merges the requests that wait into one write, in arrival order', async () => {
    const t = table();
    const first = t.coalescer.store(rows('a'));
    const second = t.coalescer.store(rows('b', 'c'));
    const third = t.coalescer.store(rows('d'));
    expect(t.coalescer.load()).toEqual({ inFlight: 1, waiting: 2, queuedRows: 3, writes: 1 });
    t.writes[0]!.release();
    await first;
    await t.settle();
    expect(t.writes.map((w) => w.keys)).toEqual([['a'], ['b', 'c', 'd']]);
    t.writes[1]!.release();
    expect(keysOf(await second)).toEqual(['b', 'c']);
    expect(keysOf(await third)).toEqual(['d']);
    await t.settle();
    expect(t.coalescer.load()).toEqual({ inFlight: 0, waiting: 0, queuedRows: 0, writes: 2 });
  });

  it('keeps a merged write under maxRows', async () => {
    const t = table({ maxRows: 3 });
    void t.coalescer.store(rows('a'));
    void t.coalescer.store(rows('b', 'c'));
    void t.coalescer.store(rows('d', 'e'));
    t.writes[0]!.release();
    await t.settle();
    expect(t.writes.map((w) => w.keys)).toEqual([['a'], ['b', 'c']]);
    t.writes[1]!.release();
    await t.settle();
    expect(t.writes.map((w) => w.keys)).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
  });

  it('runs up to maxInFlight writes side by side', () => {
    const t = table({ maxInFlight: 2 });
    void t.coalescer.store(rows('a'));
    void t.coalescer.store(rows('b'));
    void t.coalescer.store(rows('c'));
    expect(t.writes.map((w) => w.keys)).toEqual([['a'], ['b']]);
    expect(t.coalescer.load()).toMatchObject({ inFlight: 2, waiting: 1 });
  });

  it('counts rows stored before as not stored by this request', async () => {
    const t = table();
    const pending = t.coalescer.store(rows('old', 'new'));
    t.writes[0]!.release();
    expect(keysOf(await pending)).toEqual(['new']);
  });

  it('gives a key sent by two merged requests to the first only', async () => {
    const t = table();
    void t.coalescer.store(rows('x'));
    const first = t.coalescer.store(rows('a', 'b'));
    const second = t.coalescer.store(rows('b', 'c'));
    t.writes[0]!.release();
    await t.settle();
    expect(t.writes[1]!.keys).toEqual(['a', 'b', 'b', 'c']);
    t.writes[1]!.release();
    expect(keysOf(await first)).toEqual(['a', 'b']);
    expect(keysOf(await second)).toEqual(['c']);
  });

  it('retries the requests of a failed merged write one by one, so only the bad one fails', async () => {
    const t = table();
    void t.coalescer.store(rows('x'));
    const good = t.coalescer.store(rows('a'));
    const bad = expect(t.coalescer.store(rows('bad'))).rejects.toThrow('invalid input');
    const alsoGood = t.coalescer.store(rows('c'));
    t.writes[0]!.release();
    await t.settle();
    t.writes[1]!.release();
    for (let i = 2; i < 5; i++) {
      await t.settle();
      t.writes[i]!.release();
    }
    expect(t.writes.map((w) => w.keys).slice(1)).toEqual([['a', 'bad', 'c'], ['a'], ['bad'], ['c']]);
    expect(keysOf(await good)).toEqual(['a']);
    await bad;
    expect(keysOf(await alsoGood)).toEqual(['c']);
  });

  it('hands a request refused alone to salvage without writing it whole again, and answers what salvage stored', async () => {
    const salvaged: string[][] = [];
    const t = table({
      salvage: async (batch, error) => {
        salvaged.push(batch.map((row) => row.key));
        const bad = batch.filter((row) => row.key === 'bad');
        return {
          stored: batch.filter((row) => row.key !== 'bad'),
          refused: bad.map((row) => ({ row, error })),
        };
      },
    });
    const pending = t.coalescer.store(rows('a', 'bad', 'c'));
    t.writes[0]!.release();
    const stored = await pending;
    expect(t.writes).toHaveLength(1);
    expect(salvaged).toEqual([['a', 'bad', 'c']]);
    expect(keysOf(stored)).toEqual(['a', 'c']);
    expect(stored.refused).toEqual([{ row: { key: 'bad' }, error: new Error('invalid input') }]);
    await stored.afterWrite;
    expect(t.afterWrites).toEqual([['a', 'c']]);
  });

  it('salvages only the request that is refused again on its own after a merged write failed', async () => {
    const salvaged: string[][] = [];
    const t = table({
      salvage: async (batch) => {
        salvaged.push(batch.map((row) => row.key));
        return { stored: [], refused: batch.map((row) => ({ row, error: new Error('invalid input') })) };
      },
    });
    void t.coalescer.store(rows('x'));
    const good = t.coalescer.store(rows('a'));
    const bad = t.coalescer.store(rows('bad'));
    t.writes[0]!.release();
    await t.settle();
    t.writes[1]!.release();
    for (let i = 2; i < 4; i++) {
      await t.settle();
      t.writes[i]!.release();
    }
    expect(t.writes.map((w) => w.keys).slice(1)).toEqual([['a', 'bad'], ['a'], ['bad']]);
    expect(keysOf(await good)).toEqual(['a']);
    expect((await good).refused).toEqual([]);
    expect(keysOf(await bad)).toEqual([]);
    expect((await bad).refused.map((r) => r.row.key)).toEqual(['bad']);
    expect(salvaged).toEqual([['bad']]);
  });

  it('never salvages a write that failed for another reason than its values', async () => {
    let salvaged = 0;
    const t = table({
      salvage: async () => {
        salvaged++;
        return { stored: [], refused: [] };
      },
    });
    const pending = t.coalescer.store(rows('a'));
    t.writes[0]!.fail(new Error('unreachable'));
    await expect(pending).rejects.toThrow('unreachable');
    expect(salvaged).toBe(0);
  });

  it('fails a request refused alone when there is no salvage', async () => {
    const t = table();
    const pending = t.coalescer.store(rows('a', 'bad'));
    t.writes[0]!.release();
    await expect(pending).rejects.toThrow('invalid input');
  });

  it('fails every request of a write the database could not take, without retrying', async () => {
    const t = table();
    void t.coalescer.store(rows('x'));
    const first = t.coalescer.store(rows('a'));
    const second = t.coalescer.store(rows('b'));
    t.writes[0]!.release();
    await t.settle();
    t.writes[1]!.fail(new Error('unreachable'));
    await expect(first).rejects.toThrow('unreachable');
    await expect(second).rejects.toThrow('unreachable');
    expect(t.writes).toHaveLength(2);
    expect(t.coalescer.load()).toMatchObject({ inFlight: 0, waiting: 0, queuedRows: 0 });
  });

  it('runs afterWrite once per write with the rows it stored, and hands its promise to every request', async () => {
    const t = table();
    void t.coalescer.store(rows('x'));
    const first = t.coalescer.store(rows('old', 'a'));
    const second = t.coalescer.store(rows('b'));
    t.writes[0]!.release();
    await t.settle();
    t.writes[1]!.release();
    const [a, b] = await Promise.all([first, second]);
    await a.afterWrite;
    expect(a.afterWrite).toBe(b.afterWrite);
    expect(t.afterWrites).toEqual([['x'], ['a', 'b']]);
  });

  it('refuses a request at once while maxQueuedRows rows wait, and takes requests again once they are written', async () => {
    const t = table({ maxQueuedRows: 3 });
    void t.coalescer.store(rows('a'));
    void t.coalescer.store(rows('b', 'c'));
    await expect(t.coalescer.store(rows('d', 'e'))).rejects.toBeInstanceOf(CoalescerBusyError);
    const fits = t.coalescer.store(rows('d'));
    t.writes[0]!.release();
    await t.settle();
    expect(t.coalescer.load()).toMatchObject({ waiting: 0, queuedRows: 0 });
    t.writes[1]!.release();
    expect(keysOf(await fits)).toEqual(['d']);
    await t.settle();
    const later = t.coalescer.store(rows('e', 'f', 'g'));
    t.writes[2]!.release();
    expect(keysOf(await later)).toEqual(['e', 'f', 'g']);
  });

  it('still answers the requests of a write whose afterWrite throws', async () => {
    const t = table({
      afterWrite: () => {
        throw new Error('kv exploded');
      },
    });
    const pending = t.coalescer.store(rows('a'));
    t.writes[0]!.release();
    const stored = await pending;
    await expect(stored.afterWrite).resolves.toBeUndefined();
    expect(keysOf(stored)).toEqual(['a']);
  });

  it('answers an empty request without a write', async () => {
    const t = table();
    expect(keysOf(await t.coalescer.store([]))).toEqual([]);
    expect(t.writes).toHaveLength(0);
  });
});
