import { describe, expect, it } from 'vitest';
import { formatDuration, formatUtc } from './format';

describe('status formatting', () => {
  it('writes times in UTC with the zone named', () => {
    expect(formatUtc('2026-03-03T04:05:59.000Z')).toBe('3 Mar 2026, 04:05 UTC');
  });

  it('writes spans rounded down to the minute', () => {
    expect(formatDuration(59_999)).toBe('under a minute');
    expect(formatDuration(-5)).toBe('under a minute');
    expect(formatDuration(42 * 60_000 + 59_000)).toBe('42 min');
    expect(formatDuration(3 * 3_600_000)).toBe('3 h');
    expect(formatDuration(3 * 3_600_000 + 5 * 60_000)).toBe('3 h 5 min');
    expect(formatDuration(2 * 86_400_000 + 4 * 3_600_000 + 59 * 60_000)).toBe('2 d 4 h');
    expect(formatDuration(86_400_000)).toBe('1 d');
  });
});
