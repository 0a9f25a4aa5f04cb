import { describe, expect, it } from 'vitest';
import { bucketStart, GRAIN_MS, grainsFor, planRead, splitMiddle } from './plan';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const at = (iso: string) => new Date(iso);
const span = (w: { from: Date; to: Date }) => [w.from.toISOString(), w.to.toISOString()];

describe('planRead', () => {
  it('takes whole days, then hours, then minutes toward the edges, and raw sub-minute edges', () => {
    const plan = planRead({ from: at('2026-11-01T22:47:30.500Z'), to: at('2026-11-05T01:02:10Z') });
    expect(plan.pieces.map((p) => [p.grain, ...span(p)])).toEqual([
      ['day', '2026-11-02T00:00:00.000Z', '2026-11-05T00:00:00.000Z'],
      ['hour', '2026-11-01T23:00:00.000Z', '2026-11-02T00:00:00.000Z'],
      ['hour', '2026-11-05T00:00:00.000Z', '2026-11-05T01:00:00.000Z'],
      ['minute', '2026-11-01T22:48:00.000Z', '2026-11-01T23:00:00.000Z'],
      ['minute', '2026-11-05T01:00:00.000Z', '2026-11-05T01:02:00.000Z'],
    ]);
    expect(plan.raw.map(span)).toEqual([
      ['2026-11-01T22:47:30.500Z', '2026-11-01T22:48:00.000Z'],
      ['2026-11-05T01:02:00.000Z', '2026-11-05T01:02:10.000Z'],
    ]);
    expect(span(plan.covered!)).toEqual(['2026-11-01T22:48:00.000Z', '2026-11-05T01:02:00.000Z']);
  });

  it('takes whole weeks (from Thursdays 00:00 UTC, as the epoch) where the table keeps them', () => {
    const window = { from: at('2026-11-01T00:00:00Z'), to: at('2026-12-01T00:00:00Z') };
    const plan = planRead(window, ['week', 'day', 'hour']);
    expect(plan.pieces.map((p) => [p.grain, ...span(p)])).toEqual([
      ['week', '2026-11-05T00:00:00.000Z', '2026-11-26T00:00:00.000Z'],
      ['day', '2026-11-01T00:00:00.000Z', '2026-11-05T00:00:00.000Z'],
      ['day', '2026-11-26T00:00:00.000Z', '2026-12-01T00:00:00.000Z'],
    ]);
    expect(new Date('2026-11-05T00:00:00Z').getUTCDay()).toBe(4);
    expect(planRead(window, ['day', 'hour']).pieces.map((p) => p.grain)).toEqual(['day']);
  });

  it('tiles the window exactly: pieces and raw edges cover it once, without gaps or overlaps', () => {
    const windows = [
      [at('2026-11-01T00:00:00Z'), at('2027-11-01T00:00:00Z')],
      [at('2026-12-31T23:59:59.999Z'), at('2027-01-01T00:00:00.001Z')],
      [at('2026-11-01T10:15:00Z'), at('2026-11-01T10:16:00Z')],
      [at('2026-11-01T10:15:01Z'), at('2026-11-01T10:15:59Z')],
      [at('2024-02-28T23:30:00Z'), at('2024-03-01T00:30:00Z')],
    ] as const;
    for (const [from, to] of windows) {
      const plan = planRead({ from, to });
      const parts = [...plan.pieces, ...plan.raw].sort((a, b) => a.from.getTime() - b.from.getTime());
      expect(parts[0]!.from).toEqual(from);
      expect(parts.at(-1)!.to).toEqual(to);
      for (let i = 1; i < parts.length; i++) expect(parts[i]!.from).toEqual(parts[i - 1]!.to);
      for (const p of plan.pieces) {
        expect(p.from.getTime() % GRAIN_MS[p.grain]).toBe(0);
        expect(p.to.getTime() % GRAIN_MS[p.grain]).toBe(0);
      }
    }
  });

  it('reads a window without a whole minute raw, and an aligned window without raw edges', () => {
    const tiny = planRead({ from: at('2026-11-01T10:15:01Z'), to: at('2026-11-01T10:15:59Z') });
    expect(tiny.pieces).toEqual([]);
    expect(tiny.covered).toBeNull();
    expect(tiny.raw.map(span)).toEqual([['2026-11-01T10:15:01.000Z', '2026-11-01T10:15:59.000Z']]);
    const aligned = planRead({ from: at('2026-11-01T00:00:00Z'), to: at('2026-11-03T00:00:00Z') });
    expect(aligned.raw).toEqual([]);
    expect(aligned.pieces.map((p) => p.grain)).toEqual(['day']);
    expect(planRead({ from: at('2026-11-01T00:00:00Z'), to: at('2026-11-01T00:00:00Z') })).toEqual({
      pieces: [],
      covered: null,
      raw: [],
    });
  });

  it('uses only the grains that tile a chart bucket', () => {
    expect(grainsFor(null)).toEqual(['week', 'day', 'hour', 'quarter', 'minute']);
    expect(grainsFor(15 * MINUTE)).toEqual(['quarter', 'minute']);
    expect(grainsFor(5 * MINUTE)).toEqual(['minute']);
    expect(grainsFor(6 * HOUR)).toEqual(['hour', 'quarter', 'minute']);
    expect(grainsFor(7 * DAY)).toEqual(['week', 'day', 'hour', 'quarter', 'minute']);
    // A 24-hour chart of 15-minute buckets: quarters, and minutes toward the edges only.
    const plan = planRead(
      { from: at('2026-11-01T22:47:00Z'), to: at('2026-11-02T22:47:00Z') },
      grainsFor(15 * MINUTE),
    );
    expect(plan.pieces.map((p) => [p.grain, ...span(p)])).toEqual([
      ['quarter', '2026-11-01T23:00:00.000Z', '2026-11-02T22:45:00.000Z'],
      ['minute', '2026-11-01T22:47:00.000Z', '2026-11-01T23:00:00.000Z'],
      ['minute', '2026-11-02T22:45:00.000Z', '2026-11-02T22:47:00.000Z'],
    ]);
  });

  it('puts a timestamp in the bucket of its grain, in UTC', () => {
    const ms = at('2026-03-29T01:59:59.999Z').getTime();
    expect(new Date(bucketStart(ms, 'minute')).toISOString()).toBe('2026-03-29T01:59:00.000Z');
    expect(new Date(bucketStart(ms, 'hour')).toISOString()).toBe('2026-03-29T01:00:00.000Z');
    expect(new Date(bucketStart(ms, 'day')).toISOString()).toBe('2026-03-29T00:00:00.000Z');
    expect(new Date(bucketStart(at('2026-03-29T00:00:00Z').getTime(), 'day')).toISOString()).toBe(
      '2026-03-29T00:00:00.000Z',
    );
  });
});

describe('splitMiddle', () => {
  it("takes a month's weeks and days as its middle and leaves its hours and raw edges", () => {
    const plan = planRead({ from: at('2026-11-04T22:47:30Z'), to: at('2026-12-04T22:47:30Z') }, [
      'week',
      'day',
      'hour',
    ]);
    const { middle, edges } = splitMiddle(plan, 'day');
    expect(span(middle!.covered!)).toEqual(['2026-11-05T00:00:00.000Z', '2026-12-04T00:00:00.000Z']);
    expect(middle!.pieces.map((p) => p.grain)).toEqual(['week', 'day']);
    expect(middle!.raw).toEqual([]);
    expect(edges.pieces.map((p) => [p.grain, ...span(p)])).toEqual([
      ['hour', '2026-11-04T23:00:00.000Z', '2026-11-05T00:00:00.000Z'],
      ['hour', '2026-12-04T00:00:00.000Z', '2026-12-04T22:00:00.000Z'],
    ]);
    expect(edges.raw).toEqual(plan.raw);
    expect(edges.covered).toEqual(plan.covered);
    // The pieces of both halves tile the plan's.
    const all = [...edges.pieces, ...middle!.pieces];
    expect(all.reduce((sum, p) => sum + p.to.getTime() - p.from.getTime(), 0)).toBe(
      plan.covered!.to.getTime() - plan.covered!.from.getTime(),
    );
  });

  it('keeps quarter hours and hours in the middle of a day, minutes and seconds at the edges', () => {
    const plan = planRead({ from: at('2026-11-04T10:07:30Z'), to: at('2026-11-05T10:07:30Z') });
    const { middle, edges } = splitMiddle(plan, 'quarter');
    expect(span(middle!.covered!)).toEqual(['2026-11-04T10:15:00.000Z', '2026-11-05T10:00:00.000Z']);
    expect(edges.pieces.map((p) => [p.grain, ...span(p)])).toEqual([
      ['minute', '2026-11-04T10:08:00.000Z', '2026-11-04T10:15:00.000Z'],
      ['minute', '2026-11-05T10:00:00.000Z', '2026-11-05T10:07:00.000Z'],
    ]);
  });

  it('finds no middle in a window without a whole bucket of the grain', () => {
    const plan = planRead({ from: at('2026-11-04T10:00:00Z'), to: at('2026-11-05T09:30:00Z') });
    expect(splitMiddle(plan, 'day')).toEqual({ middle: null, edges: plan });
  });
});
