import { describe, expect, it } from 'vitest';
import { cumulativeDaily, failureRuns, projectedSpend, sumsPerPoint } from './series';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY0 = Date.UTC(2030, 0, 1);
const k = (ms: number, bucketMs: number) => Math.floor(ms / bucketMs);

describe('alert chart series', () => {
  it('gives each point the sum of the bucket just before it', () => {
    const times = [DAY0 + MIN, DAY0 + 2 * MIN, DAY0 + 3 * MIN];
    expect(
      sumsPerPoint(
        [
          { k: k(DAY0, MIN), sum: 4 },
          { k: k(DAY0 + 2 * MIN, MIN), sum: 1 },
        ],
        times,
        MIN,
      ),
    ).toEqual([4, 0, 1]);
  });

  it('adds spend up from midnight UTC and starts again the next day', () => {
    const bucket = 6 * HOUR;
    const rows = [
      { k: k(DAY0, bucket), sum: 1 },
      { k: k(DAY0 + 6 * HOUR, bucket), sum: 2 },
      { k: k(DAY0 + 18 * HOUR, bucket), sum: 4 },
      { k: k(DAY0 + 24 * HOUR, bucket), sum: 8 },
    ];
    const times = [0, 6, 12, 18, 24, 30].map((h) => DAY0 + h * HOUR);
    expect(cumulativeDaily(rows, times, bucket)).toEqual([0, 1, 3, 3, 0, 8]);
  });

  it('projects spend to the whole UTC day, with the floor on the elapsed fraction', () => {
    expect(projectedSpend(30, DAY0 + 12 * HOUR, 1 / 24)).toBe(60);
    expect(projectedSpend(1, DAY0 + MIN, 1 / 24)).toBe(24);
  });

  it('counts failed checks in a row as of each point, skipping not-configured checks', () => {
    const checks = [
      { at: DAY0 + 1 * MIN, state: 'fail' as const },
      { at: DAY0 + 2 * MIN, state: 'ok' as const },
      { at: DAY0 + 3 * MIN, state: 'fail' as const },
      { at: DAY0 + 4 * MIN, state: 'not_configured' as const },
      { at: DAY0 + 5 * MIN, state: 'fail' as const },
      { at: DAY0 + 6 * MIN, state: 'fail' as const },
    ].reverse();
    const times = [0, 1, 2, 3, 4, 5, 6, 7].map((m) => DAY0 + m * MIN);
    expect(failureRuns(checks, times)).toEqual([null, 1, 0, 1, 1, 2, 3, 3]);
  });
});
