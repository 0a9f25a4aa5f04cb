import { describe, expect, it } from 'vitest';
import { parseLogFilters } from './search-params';

describe('parseLogFilters', () => {
  it('keeps known levels and trims values', () => {
    expect(parseLogFilters({ levels: 'warn,bogus,error', q: '  timeout ', user: ['u1', 'u2'] })).toEqual({
      levels: ['warn', 'error'],
      event: null,
      userId: 'u1',
      traceId: null,
      text: 'timeout',
      cursor: null,
    });
  });
  it('treats empty values as absent', () => {
    expect(parseLogFilters({ q: '', levels: '' })).toMatchObject({ levels: [], text: null });
  });
});
