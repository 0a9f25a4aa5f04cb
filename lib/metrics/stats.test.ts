import { describe, expect, it } from 'vitest';
import { int, mean, num, percentile, ratio, trend } from './stats';

describe('percentile (percentile_cont)', () => {
  it('interpolates linearly between the closest ranks', () => {
    const values = [400, 100, 300, 200];
    expect(percentile(values, 0.5)).toBe(250);
    expect(percentile(values, 0.95)).toBeCloseTo(385, 10);
    expect(percentile(values, 0.99)).toBeCloseTo(397, 10);
    expect(percentile(values, 0)).toBe(100);
    expect(percentile(values, 1)).toBe(400);
  });

  it('answers the only value for one sample and null for none', () => {
    expect(percentile([7], 0.95)).toBe(7);
    expect(percentile([], 0.5)).toBeNull();
  });

  it('does not reorder its input and refuses p outside [0, 1]', () => {
    const values = [3, 1, 2];
    percentile(values, 0.5);
    expect(values).toEqual([3, 1, 2]);
    expect(() => percentile(values, 95)).toThrow(RangeError);
  });
});

describe('ratio, mean and trend', () => {
  it('gives null, not 0, when there is nothing to divide by', () => {
    expect(ratio(3, 4)).toBe(0.75);
    expect(ratio(0, 5)).toBe(0);
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(null, 5)).toBeNull();
    expect(ratio(5, null)).toBeNull();
    expect(mean([1, 2, 6])).toBe(3);
    expect(mean([])).toBeNull();
  });

  it('is the relative change vs the previous period, null without a previous value', () => {
    expect(trend(120, 100)).toBeCloseTo(0.2, 12);
    expect(trend(80, 100)).toBeCloseTo(-0.2, 12);
    expect(trend(5, 0)).toBeNull();
    expect(trend(5, null)).toBeNull();
    expect(trend(null, 5)).toBeNull();
  });
});

describe('num and int', () => {
  it('read driver values: numeric strings, numbers and SQL NULL', () => {
    expect(num('12.5')).toBe(12.5);
    expect(num(3)).toBe(3);
    expect(num(null)).toBeNull();
    expect(num('abc')).toBeNull();
    expect(int(null)).toBe(0);
    expect(int('42')).toBe(42);
  });
});
