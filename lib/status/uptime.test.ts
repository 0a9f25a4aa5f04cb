import { describe, expect, it } from 'vitest';
import {
  BAR_TONES,
  BAR_WORDS,
  barTitle,
  barTone,
  dayRange,
  fillDays,
  firstDayStart,
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

  it('fills days without checks as grey no-data bars and colours each day by its share, keeping no share', () => {
    const days = fillDays(
      [count('2026-03-31', 9, 1), count('2026-03-29', 10, 0), count('2025-12-31', 0, 5)],
      now,
    );
    expect(days).toHaveLength(90);
    expect(days.at(-1)).toEqual({ day: '2026-03-31', tone: 'down' });
    expect(days.at(-2)).toEqual({ day: '2026-03-30', tone: 'none' });
    expect(days.at(-3)).toEqual({ day: '2026-03-29', tone: 'up' });
    expect(fillDays([count('2026-03-31', 999, 1)], now).at(-1)!.tone).toBe('partial');
    expect(days.filter((d) => d.tone === 'none')).toHaveLength(88);
  });

  it('titles a bar with its date and the words of its colour, never a percentage', () => {
    expect(barTitle({ day: '2026-03-03', tone: 'partial' })).toBe('3 Mar 2026: a few failed checks');
    expect(barTitle({ day: '2026-03-04', tone: 'none' })).toBe('4 Mar 2026: no data');
    for (const tone of BAR_TONES) {
      expect(barTitle({ day: '2026-03-03', tone })).toBe(`3 Mar 2026: ${BAR_WORDS[tone]}`);
      expect(BAR_WORDS[tone]).not.toMatch(/\d/);
    }
  });
});
