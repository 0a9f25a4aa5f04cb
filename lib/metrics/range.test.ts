import { describe, expect, it } from 'vitest';
import { AppError } from '@/lib/http/errors';
import {
  bucketFor,
  parseBucket,
  parseFilters,
  parseInstant,
  parseRange,
  previousPeriod,
  RANGE_MS,
  RANGES,
} from './range';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const now = new Date('2025-03-10T12:00:00Z');

function badRequest(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(400);
    return (error as AppError).message;
  }
  throw new Error('expected a bad_request AppError');
}

describe('parseRange', () => {
  it('defaults to the last 24 hours, with the previous 24 hours for trends', () => {
    const range = parseRange({}, now);
    expect(range.preset).toBe('24h');
    expect(range.to).toEqual(now);
    expect(range.from).toEqual(new Date('2025-03-09T12:00:00Z'));
    expect(range.previous).toEqual({
      from: new Date('2025-03-08T12:00:00Z'),
      to: new Date('2025-03-09T12:00:00Z'),
    });
  });

  it('sizes buckets so every preset charts at most 100 points', () => {
    const buckets = Object.fromEntries(RANGES.map((r) => [r, parseRange({ range: r }, now).bucketMs]));
    expect(buckets).toEqual({
      '15m': MINUTE,
      '1h': MINUTE,
      '6h': 5 * MINUTE,
      '24h': 15 * MINUTE,
      '7d': 2 * HOUR,
      '30d': 12 * HOUR,
    });
    for (const r of RANGES) expect(RANGE_MS[r] / buckets[r]!).toBeLessThanOrEqual(100);
    expect(bucketFor(90 * DAY)).toBe(DAY);
  });

  it('takes from/to as ISO 8601 or epoch ms, and either one alone', () => {
    const iso = parseRange({ from: '2025-03-01T00:00:00Z', to: '2025-03-02T06:30:00+02:00' }, now);
    expect(iso.preset).toBe('custom');
    expect(iso.from.toISOString()).toBe('2025-03-01T00:00:00.000Z');
    expect(iso.to.toISOString()).toBe('2025-03-02T04:30:00.000Z');
    const epoch = parseRange(
      { from: String(Date.parse('2025-03-10T11:00:00Z')), to: String(now.getTime()) },
      now,
    );
    expect(epoch.from.toISOString()).toBe('2025-03-10T11:00:00.000Z');
    expect(epoch.bucketMs).toBe(MINUTE);
    expect(parseRange({ from: '2025-03-10T06:00:00Z' }, now).to).toEqual(now);
    expect(parseRange({ to: '2025-03-05T00:00:00Z' }, now).from.toISOString()).toBe(
      '2025-03-04T00:00:00.000Z',
    );
    expect(parseRange({ range: '7d', from: '2025-03-09T00:00:00Z' }, now).preset).toBe('custom');
  });

  it('refuses reversed, empty, too long and unreadable ranges with a message', () => {
    expect(
      badRequest(() => parseRange({ from: '2025-03-02T00:00:00Z', to: '2025-03-01T00:00:00Z' }, now)),
    ).toMatch(/before/);
    expect(
      badRequest(() => parseRange({ from: '2025-03-01T00:00:00Z', to: '2025-03-01T00:00:00Z' }, now)),
    ).toMatch(/before/);
    expect(badRequest(() => parseRange({ from: '2024-01-01T00:00:00Z' }, now))).toMatch(/90 days/);
    expect(badRequest(() => parseRange({ from: 'yesterday' }, now))).toMatch(/"from" must be an ISO 8601/);
    expect(badRequest(() => parseRange({ range: '2w' }, now))).toMatch(/15m, 1h, 6h, 24h, 7d, 30d/);
  });
});

describe('parseInstant', () => {
  it('reads dates as UTC midnight and zone-less times as UTC', () => {
    expect(parseInstant('2025-03-01', 'from').toISOString()).toBe('2025-03-01T00:00:00.000Z');
    expect(parseInstant('2025-03-01T10:20', 'from').toISOString()).toBe('2025-03-01T10:20:00.000Z');
    expect(parseInstant('2025-03-01 10:20:30.5', 'from').toISOString()).toBe('2025-03-01T10:20:30.500Z');
    expect(() => parseInstant('2025-13-01', 'to')).toThrow(AppError);
  });
});

describe('previousPeriod', () => {
  it('is the span of equal length ending at from', () => {
    expect(previousPeriod(new Date(10_000), new Date(25_000))).toEqual({
      from: new Date(-5_000),
      to: new Date(10_000),
    });
  });
});

describe('parseBucket', () => {
  it('accepts a bucket step that keeps the chart at 1000 points or fewer', () => {
    expect(parseBucket('5m', DAY)).toBe(5 * MINUTE);
    expect(parseBucket('1d', 30 * DAY)).toBe(DAY);
    expect(badRequest(() => parseBucket('7m', DAY))).toMatch(/1m, 2m, 5m/);
    expect(badRequest(() => parseBucket('1m', 30 * DAY))).toMatch(/more than 1000 points/);
  });
});

describe('parseFilters', () => {
  it('trims, turns empty into null and bounds the length', () => {
    expect(parseFilters({ service: ' api ', environment: '', model: null })).toEqual({
      service: 'api',
      environment: null,
      model: null,
    });
    expect(badRequest(() => parseFilters({ model: 'x'.repeat(129) }))).toMatch(/"model"/);
  });
});
