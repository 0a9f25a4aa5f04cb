import { describe, expect, it } from 'vitest';
import { bucketStart, bucketStarts, fillBuckets, fillSeries } from './buckets';

const MINUTE = 60_000;
const at = (iso: string) => new Date(iso);
const ms = (iso: string) => at(iso).getTime();

describe('buckets', () => {
  it('align to the epoch', () => {
    expect(bucketStart(125_000, MINUTE)).toBe(120_000);
    expect(bucketStarts(at('2025-01-01T10:00:30Z'), at('2025-01-01T10:03:00Z'), MINUTE)).toEqual([
      ms('2025-01-01T10:00:00Z'),
      ms('2025-01-01T10:01:00Z'),
      ms('2025-01-01T10:02:00Z'),
    ]);
    expect(bucketStarts(at('2025-01-01T10:00:30Z'), at('2025-01-01T10:03:00.001Z'), MINUTE)).toHaveLength(4);
  });

  it('fill every bucket of the range, with the empty value where no row is', () => {
    const range = { from: at('2025-01-01T10:00:30Z'), to: at('2025-01-01T10:03:00Z'), bucketMs: MINUTE };
    const rows = [{ bucket: ms('2025-01-01T10:01:00Z'), n: 5, p95: 120 }];
    expect(
      fillBuckets(rows, range, (r) => ({ requests: r.n, p95Ms: r.p95 as number | null }), {
        requests: 0,
        p95Ms: null,
      }),
    ).toEqual([
      { t: '2025-01-01T10:00:00.000Z', requests: 0, p95Ms: null },
      { t: '2025-01-01T10:01:00.000Z', requests: 5, p95Ms: 120 },
      { t: '2025-01-01T10:02:00.000Z', requests: 0, p95Ms: null },
    ]);
  });

  it('fill each series separately', () => {
    const range = { from: at('2025-01-01T10:00:00Z'), to: at('2025-01-01T10:02:00Z'), bucketMs: MINUTE };
    const rows = [
      { key: 'a', bucket: ms('2025-01-01T10:00:00Z'), n: 1 },
      { key: 'b', bucket: ms('2025-01-01T10:01:00Z'), n: 2 },
      { key: 'a', bucket: ms('2025-01-01T10:01:00Z'), n: 3 },
    ];
    expect(fillSeries(rows, range, (r) => ({ n: r.n }), { n: 0 })).toEqual([
      {
        key: 'a',
        points: [
          { t: '2025-01-01T10:00:00.000Z', n: 1 },
          { t: '2025-01-01T10:01:00.000Z', n: 3 },
        ],
      },
      {
        key: 'b',
        points: [
          { t: '2025-01-01T10:00:00.000Z', n: 0 },
          { t: '2025-01-01T10:01:00.000Z', n: 2 },
        ],
      },
    ]);
  });
});
