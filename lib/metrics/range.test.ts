import { describe, expect, it } from 'vitest';
import { AppError } from '@/lib/http/errors';
import {
  bucketFor,
  parseBucket,
  MAX_SPAN_DAYS,
  parseFilters,
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
      '30d': DAY,
      '90d': DAY,
      '1y': 7 * DAY,
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
    expect(badRequest(() => parseRange({ from: '2024-01-01T00:00:00Z' }, now))).toMatch(/366 days/);
    expect(badRequest(() => parseRange({ from: 'yesterday' }, now))).toMatch(/"from" must be an ISO 8601/);
    expect(badRequest(() => parseRange({ range: '2w' }, now))).toMatch(/15m, 1h, 6h, 24h, 7d, 30d, 90d, 1y/);
  });
});

describe('parseRange with hostile input', () => {
  it('refuses NUL and DEL in any of range, from and to, naming it', () => {
    expect(badRequest(() => parseRange({ range: '24h\u0000' }, now))).toMatch(
      /"range" contains the control character U\+0000/,
    );
    expect(badRequest(() => parseRange({ from: '\u0000' }, now))).toMatch(/"from" contains/);
    expect(badRequest(() => parseRange({ to: '2025-03-01\u007f' }, now))).toMatch(/"to" contains .*U\+007F/);
  });

  it('refuses dates outside 2000-01-01 to a day from now: years 0000 and 0001, 15-digit epochs', () => {
    expect(badRequest(() => parseRange({ from: '0000-01-01' }, now))).toMatch(
      /"from" must lie between 2000-01-01/,
    );
    expect(badRequest(() => parseRange({ from: '0001-01-01T00:00:00Z', to: '0001-01-02' }, now))).toMatch(
      /"to" must lie between/,
    );
    expect(badRequest(() => parseRange({ to: '123456789012345' }, now))).toMatch(/"to" must lie between/);
    expect(badRequest(() => parseRange({ from: '999999999999999' }, now))).toMatch(/"from" must lie between/);
    expect(badRequest(() => parseRange({ to: '2025-03-12T00:00:00Z' }, now))).toMatch(/one day from now/);
  });

  it(`refuses inverted ranges and ranges longer than ${MAX_SPAN_DAYS} days, and takes exactly ${MAX_SPAN_DAYS}`, () => {
    expect(
      badRequest(() => parseRange({ from: '2025-03-10T11:00:00Z', to: '2025-03-10T10:00:00Z' }, now)),
    ).toBe('"from" must be before "to".');
    const longest = parseRange({ from: '2024-03-09T12:00:00Z', to: '2025-03-10T12:00:00Z' }, now);
    expect(longest.to.getTime() - longest.from.getTime()).toBe(MAX_SPAN_DAYS * DAY);
    expect(
      badRequest(() => parseRange({ from: '2024-03-09T11:59:59.999Z', to: '2025-03-10T12:00:00Z' }, now)),
    ).toMatch(/more than 366 days/);
    expect(badRequest(() => parseRange({ from: '2000-01-01', to: '2025-03-10' }, now))).toMatch(
      /more than 366 days/,
    );
  });

  it('treats blank values as absent, as an empty form field sends them', () => {
    expect(parseRange({ from: ' ', to: '', range: '' }, now)).toMatchObject({ preset: '24h', to: now });
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

  it('refuses control characters, which Postgres cannot compare (NUL) or no name holds', () => {
    expect(badRequest(() => parseFilters({ service: '\u0000' }))).toBe(
      '"service" contains the control character U+0000; remove it.',
    );
    expect(badRequest(() => parseFilters({ environment: 'prod\u007f' }))).toMatch(/"environment"/);
    expect(badRequest(() => parseFilters({ model: 'a\nb' }))).toMatch(/"model" .*U\+000A/);
  });
});
