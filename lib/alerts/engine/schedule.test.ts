import { describe, expect, it } from 'vitest';
import { digestDayDue, dueNotification, utcDayBounds } from './schedule';

const H = 3_600_000;
const since = new Date('2026-03-01T10:00:00Z');
const at = (ms: number) => new Date(since.getTime() + ms);

describe('dueNotification', () => {
  it('notifies a never-notified firing alert as firing', () => {
    expect(
      dueNotification({
        firingSince: since,
        deliveries: 0,
        maxSeq: -1,
        repeatIntervalMs: 4 * H,
        now: at(10 * H),
      }),
    ).toEqual({
      kind: 'firing',
      seq: 0,
    });
  });

  it('repeats exactly at the interval, not a millisecond before', () => {
    const base = { firingSince: since, deliveries: 2, maxSeq: 0, repeatIntervalMs: 4 * H };
    expect(dueNotification({ ...base, now: at(4 * H - 1) })).toBeNull();
    expect(dueNotification({ ...base, now: at(4 * H) })).toEqual({ kind: 'repeat', seq: 1 });
  });

  it('queues each repeat once and skips a backlog of missed intervals', () => {
    expect(
      dueNotification({
        firingSince: since,
        deliveries: 3,
        maxSeq: 1,
        repeatIntervalMs: 4 * H,
        now: at(5 * H),
      }),
    ).toBeNull();
    expect(
      dueNotification({
        firingSince: since,
        deliveries: 3,
        maxSeq: 1,
        repeatIntervalMs: 4 * H,
        now: at(13 * H),
      }),
    ).toEqual({
      kind: 'repeat',
      seq: 3,
    });
  });

  it('defaults to 4 h and never repeats with an interval of 0', () => {
    expect(
      dueNotification({
        firingSince: since,
        deliveries: 1,
        maxSeq: 0,
        repeatIntervalMs: undefined,
        now: at(4 * H),
      }),
    ).toEqual({
      kind: 'repeat',
      seq: 1,
    });
    expect(
      dueNotification({ firingSince: since, deliveries: 1, maxSeq: 0, repeatIntervalMs: 0, now: at(40 * H) }),
    ).toBeNull();
  });

  it('ignores a run whose clock is before the firing time', () => {
    expect(
      dueNotification({ firingSince: since, deliveries: 1, maxSeq: 0, repeatIntervalMs: H, now: at(-2 * H) }),
    ).toBeNull();
  });
});

describe('digestDayDue', () => {
  it('is the previous UTC day from the digest hour on', () => {
    expect(digestDayDue(new Date('2026-03-01T07:59:59Z'), 8)).toBeNull();
    expect(digestDayDue(new Date('2026-03-01T08:00:00Z'), 8)).toBe('2026-02-28');
    expect(digestDayDue(new Date('2026-01-01T23:59:59Z'), 8)).toBe('2025-12-31');
    expect(digestDayDue(new Date('2026-01-01T00:00:00Z'), 0)).toBe('2025-12-31');
  });

  it('bounds a day', () => {
    expect(utcDayBounds('2024-02-28')).toEqual({
      start: new Date('2024-02-28T00:00:00Z'),
      end: new Date('2024-02-29T00:00:00Z'),
    });
    expect(() => utcDayBounds('2024-02-30')).toThrow('invalid day');
  });
});
