import { describe, expect, it } from 'vitest';
import {
  barTitle,
  barTone,
  dayRange,
  fillDays,
  firstDayStart,
  formatUptime,
  rangeUptime,
  utcDay,
  UPTIME_DAYS,
  type DayCount,
} from './uptime';

const now = new Date('2026-03-31T00:30:00.000Z');
const count = (
  day: string,
  ok: number,
  fail: number,
  dependency: DayCount['dependency'] = 'database',
): DayCount => ({
  dependency,
  day,
  ok,
  fail,
});

describe('days', () => {
  it('covers 90 UTC days ending with today, oldest first, across month ends', () => {
    const days = dayRange(now);
    expect(days).toHaveLength(UPTIME_DAYS);
    expect(days.at(-1)).toBe('2026-03-31');
    expect(days[0]).toBe('2026-01-01');
    expect(new Set(days).size).toBe(90);
    expect(firstDayStart(now).toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('reads the UTC day, not the local one', () => {
    expect(utcDay(new Date('2026-03-30T23:59:59.999Z'))).toBe('2026-03-30');
    expect(utcDay(Date.parse('2026-03-31T00:00:00.000Z'))).toBe('2026-03-31');
  });
});

describe('bars', () => {
  it('classifies a day: all ok up, 95% or more partial, less down, nothing no data', () => {
    expect(barTone(null)).toBe('none');
    expect(barTone(1)).toBe('up');
    expect(barTone(1439 / 1440)).toBe('partial');
    expect(barTone(0.95)).toBe('partial');
    expect(barTone(0.9499)).toBe('down');
    expect(barTone(0)).toBe('down');
  });

  it('fills days without checks as grey no-data bars and computes each day share', () => {
    const days = fillDays(
      [count('2026-03-31', 9, 1), count('2026-03-29', 10, 0), count('2025-12-31', 0, 5)],
      now,
    );
    expect(days).toHaveLength(90);
    expect(days.at(-1)).toEqual({ day: '2026-03-31', uptime: 0.9, tone: 'down' });
    expect(days.at(-2)).toEqual({ day: '2026-03-30', uptime: null, tone: 'none' });
    expect(days.at(-3)).toEqual({ day: '2026-03-29', uptime: 1, tone: 'up' });
    expect(days.filter((d) => d.tone === 'none')).toHaveLength(88);
  });

  it('counts the whole range only, and answers null without checks', () => {
    expect(
      rangeUptime([count('2026-03-31', 9, 1), count('2026-03-01', 90, 0), count('2025-12-31', 0, 100)], now),
    ).toBe(99 / 100);
    expect(rangeUptime([], now)).toBeNull();
    expect(rangeUptime([count('2026-03-31', 0, 0)], now)).toBeNull();
  });

  it('formats uptime truncated, so a failure never reads 100%', () => {
    expect(formatUptime(1)).toBe('100%');
    expect(formatUptime(0.99999)).toBe('99.99%');
    expect(formatUptime(0.9)).toBe('90.00%');
    expect(formatUptime(0)).toBe('0.00%');
    expect(formatUptime(null)).toBe('no data');
  });

  it('titles a bar with its date and share', () => {
    expect(barTitle({ day: '2026-03-03', uptime: 0.99931, tone: 'partial' })).toBe(
      '3 Mar 2026: 99.93% uptime',
    );
    expect(barTitle({ day: '2026-03-04', uptime: null, tone: 'none' })).toBe('4 Mar 2026: no data');
  });
});
