import { describe, expect, it } from 'vitest';
import { formatUtc } from './format';

describe('status formatting', () => {
  it('writes times in UTC with the zone named', () => {
    expect(formatUtc('2026-03-03T04:05:59.000Z')).toBe('3 Mar 2026, 04:05 UTC');
  });
});
