import { describe, expect, it } from 'vitest';
import { describeMs, msOf, splitDuration, toFraction, toPercent } from './units';

describe('rule editor units', () => {
  it('splits a duration into the largest unit that divides it evenly', () => {
    expect(splitDuration(90_000)).toEqual({ amount: 90, unit: 's' });
    expect(splitDuration(300_000)).toEqual({ amount: 5, unit: 'm' });
    expect(splitDuration(86_400_000)).toEqual({ amount: 1, unit: 'd' });
    expect(msOf(1.5, 'h')).toBe(5_400_000);
  });

  it('converts percent and fractions without binary noise', () => {
    expect(toPercent(0.07)).toBe(7);
    expect(toFraction(7)).toBe(0.07);
  });

  it('words a bound for messages', () => {
    expect(describeMs(60_000)).toBe('1 minute');
    expect(describeMs(7 * 86_400_000)).toBe('7 days');
  });
});
