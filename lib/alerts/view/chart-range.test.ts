import { describe, expect, it } from 'vitest';
import {
  alertChartWindow,
  chooseBucketMs,
  maxPointsForWindow,
  pointTimes,
  type TransitionMark,
} from './chart-range';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const at = (iso: string) => new Date(iso);

describe('alert chart range', () => {
  it('picks the smallest nice bucket that keeps the chart under 120 points', () => {
    expect(chooseBucketMs(90 * MIN)).toBe(MIN);
    expect(chooseBucketMs(121 * MIN)).toBe(2 * MIN);
    expect(chooseBucketMs(24 * HOUR)).toBe(15 * MIN);
    expect(chooseBucketMs(30 * DAY)).toBe(6 * HOUR);
    expect(chooseBucketMs(400 * DAY)).toBe(4 * DAY);
    expect(chooseBucketMs(90 * MIN, 30)).toBe(5 * MIN);
  });

  it('keeps fewer points for long rolling windows', () => {
    expect(maxPointsForWindow(5 * MIN)).toBe(120);
    expect(maxPointsForWindow(24 * HOUR)).toBe(30);
    expect(maxPointsForWindow(7 * DAY)).toBe(12);
  });

  it('places points on multiples of the bucket, both ends included', () => {
    expect(
      pointTimes(at('2030-01-01T10:00:30Z'), at('2030-01-01T10:03:00Z'), MIN).map((t) =>
        new Date(t).toISOString(),
      ),
    ).toEqual(['2030-01-01T10:01:00.000Z', '2030-01-01T10:02:00.000Z', '2030-01-01T10:03:00.000Z']);
    expect(pointTimes(at('2030-01-01T10:00:10Z'), at('2030-01-01T10:00:50Z'), MIN)).toEqual([]);
  });

  it('spans 1 h before the latest firing to 30 min after its resolution', () => {
    const transitions: TransitionMark[] = [
      { fromState: 'ok', toState: 'firing', at: at('2030-01-01T08:00:00Z') },
      { fromState: 'firing', toState: 'resolved', at: at('2030-01-01T08:10:00Z') },
      { fromState: 'resolved', toState: 'ok', at: at('2030-01-01T08:11:00Z') },
      { fromState: 'ok', toState: 'firing', at: at('2030-01-01T10:00:00Z') },
      { fromState: 'firing', toState: 'resolved', at: at('2030-01-01T10:20:00Z') },
    ];
    const window = alertChartWindow(transitions.reverse(), at('2030-01-02T00:00:00Z'));
    expect(window).toEqual({
      from: at('2030-01-01T09:00:00Z'),
      to: at('2030-01-01T10:50:00Z'),
      firedAt: at('2030-01-01T10:00:00Z'),
      resolvedAt: at('2030-01-01T10:20:00Z'),
    });
  });

  it('runs to now while the alert fires, and never past now', () => {
    const fired = [{ fromState: 'ok' as const, toState: 'firing' as const, at: at('2030-01-01T10:00:00Z') }];
    expect(alertChartWindow(fired, at('2030-01-01T10:05:00Z'))).toMatchObject({
      from: at('2030-01-01T09:00:00Z'),
      to: at('2030-01-01T10:05:00Z'),
      resolvedAt: null,
    });
    const resolvedJustNow = [
      ...fired,
      { fromState: 'firing' as const, toState: 'resolved' as const, at: at('2030-01-01T10:04:00Z') },
    ];
    expect(alertChartWindow(resolvedJustNow, at('2030-01-01T10:05:00Z')).to).toEqual(
      at('2030-01-01T10:05:00Z'),
    );
  });

  it('shows the hour around the latest transition of an alert that never fired', () => {
    const pending = [
      { fromState: 'ok' as const, toState: 'pending' as const, at: at('2030-01-01T10:00:00Z') },
    ];
    expect(alertChartWindow(pending, at('2030-01-03T00:00:00Z'))).toEqual({
      from: at('2030-01-01T09:00:00Z'),
      to: at('2030-01-01T11:00:00Z'),
      firedAt: null,
      resolvedAt: null,
    });
    expect(alertChartWindow([], at('2030-01-03T00:00:00Z'))).toMatchObject({
      from: at('2030-01-02T23:00:00Z'),
      to: at('2030-01-03T00:00:00Z'),
    });
  });
});
