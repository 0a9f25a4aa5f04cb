import { describe, expect, it } from 'vitest';
import { pivotSeries } from './pivot';

describe('pivotSeries', () => {
  it('makes one row per bucket with a column per series, in time order', () => {
    const rows = pivotSeries(
      [
        { key: 'opus', points: [{ t: '2026-01-01T01:00:00Z', n: 2 }, { t: '2026-01-01T00:00:00Z', n: 1 }] },
        { key: 'haiku', points: [{ t: '2026-01-01T00:00:00Z', n: 5 }] },
      ],
      (p) => p.n,
    );
    expect(rows).toEqual([
      { t: '2026-01-01T00:00:00Z', opus: 1, haiku: 5 },
      { t: '2026-01-01T01:00:00Z', opus: 2 },
    ]);
  });
});
