import { describe, expect, it } from 'vitest';
import { SalvageBudgetError, salvageRows } from './salvage';

type Row = { id: number; bad?: boolean };

class RefusedError extends Error {}

/** A fake table: a write is all or nothing, refused when any row is bad; rows stored before are duplicates. */
function table(options: { storedBefore?: number[]; refuse?: (rows: Row[]) => boolean } = {}) {
  const stored = new Set(options.storedBefore ?? []);
  const writes: number[][] = [];
  const refuse = options.refuse ?? ((rows: Row[]) => rows.some((row) => row.bad));
  return {
    stored,
    writes,
    write: async (rows: Row[]) => {
      writes.push(rows.map((row) => row.id));
      if (refuse(rows)) throw new RefusedError(`refused ${rows.length}`);
      const fresh = rows.filter((row) => !stored.has(row.id));
      for (const row of fresh) stored.add(row.id);
      return fresh;
    },
  };
}

const rowsOf = (n: number, bad: number[] = []) =>
  Array.from({ length: n }, (_, id) => (bad.includes(id) ? { id, bad: true } : { id }));
const isRefusal = (error: unknown) => error instanceof RefusedError;
const ids = (rows: { id: number }[]) => rows.map((row) => row.id).sort((a, b) => a - b);

describe('salvageRows', () => {
  it.each([
    [1000, [0]],
    [1000, [999]],
    [1000, [3, 500, 501, 998]],
    [7, [0, 1, 2, 3, 4, 5, 6]],
    [2, [1]],
    [1, [0]],
  ])(
    'of %i rows with %j refused, stores every other row once and refuses exactly the bad ones',
    async (n, bad) => {
      const t = table();
      const rows = rowsOf(n, bad);
      const result = await salvageRows(rows, new RefusedError('whole'), {
        write: t.write,
        isRefusal,
        maxWrites: 1000,
      });
      expect(ids(result.refused.map((r) => r.row))).toEqual(bad);
      expect(ids(result.stored)).toEqual(rows.filter((row) => !row.bad).map((row) => row.id));
      expect(t.stored.size).toBe(n - bad.length);
      // Every refused row was refused in a write of that row alone (for one row, the caller's write was that).
      if (n > 1) for (const id of bad) expect(t.writes).toContainEqual([id]);
      else expect(t.writes).toEqual([]);
      expect(result.refused.every((r) => r.error instanceof RefusedError)).toBe(true);
    },
  );

  it('finds one bad row among 1000 in about log2(1000) writes, never rewriting the whole', async () => {
    const t = table();
    await salvageRows(rowsOf(1000, [617]), new RefusedError('whole'), {
      write: t.write,
      isRefusal,
      maxWrites: 1000,
    });
    expect(t.writes.length).toBeLessThanOrEqual(22);
    expect(t.writes.some((w) => w.length === 1000)).toBe(false);
  });

  it('counts rows stored before as neither stored nor refused', async () => {
    const t = table({ storedBefore: [0, 1] });
    const result = await salvageRows(rowsOf(4, [3]), new RefusedError('whole'), {
      write: t.write,
      isRefusal,
      maxWrites: 100,
    });
    expect(ids(result.stored)).toEqual([2]);
    expect(ids(result.refused.map((r) => r.row))).toEqual([3]);
  });

  it('refuses no row that was not refused alone, even when the fault lay in the size of the write', async () => {
    // Refuses any write of more than 3 rows, whatever they hold.
    const t = table({ refuse: (rows) => rows.length > 3 });
    const result = await salvageRows(rowsOf(20), new RefusedError('whole'), {
      write: t.write,
      isRefusal,
      maxWrites: 100,
    });
    expect(result.refused).toEqual([]);
    expect(ids(result.stored)).toEqual(rowsOf(20).map((row) => row.id));
  });

  it('stops at the write budget and refuses the rows not tried, storing none twice', async () => {
    const t = table();
    const rows = rowsOf(
      64,
      Array.from({ length: 64 }, (_, i) => i).filter((i) => i % 2 === 0),
    );
    const result = await salvageRows(rows, new RefusedError('whole'), {
      write: t.write,
      isRefusal,
      maxWrites: 10,
    });
    expect(t.writes).toHaveLength(10);
    const untried = result.refused.filter((r) => r.error instanceof SalvageBudgetError);
    expect(untried.length).toBeGreaterThan(0);
    expect(result.stored.length + result.refused.length).toBe(64);
    expect(new Set([...ids(result.stored), ...ids(result.refused.map((r) => r.row))]).size).toBe(64);
    expect(t.stored.size).toBe(result.stored.length);
  });

  it('throws an error that is not a refusal, such as a lost connection', async () => {
    let calls = 0;
    const write = async (rows: Row[]) => {
      if (++calls === 2) throw new Error('connection lost');
      if (rows.some((row) => row.bad)) throw new RefusedError('refused');
      return rows;
    };
    await expect(
      salvageRows(rowsOf(8, [7]), new RefusedError('whole'), { write, isRefusal, maxWrites: 100 }),
    ).rejects.toThrow('connection lost');
  });
});
