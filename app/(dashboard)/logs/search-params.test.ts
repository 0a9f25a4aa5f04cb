import { describe, expect, it } from 'vitest';
import { encodeCursor } from '@/lib/metrics/search';
import { parseLogFilters } from './search-params';

const now = new Date('2025-03-10T12:00:00Z');
const cursor = encodeCursor('2025-03-10T11:00:00.000000Z', 'evt-1');
const NO_FILTERS = { levels: [], event: null, userId: null, traceId: null, text: null, cursor: null };

describe('parseLogFilters', () => {
  it('keeps known levels and trims values', () => {
    expect(parseLogFilters({ levels: 'warn,bogus,error', q: '  timeout ', user: ['u1', 'u2'] }, now)).toEqual(
      {
        levels: ['warn', 'error'],
        event: null,
        userId: 'u1',
        traceId: null,
        text: 'timeout',
        cursor: null,
        problem: null,
      },
    );
  });

  it('treats empty values as absent and ignores params it does not read', () => {
    expect(parseLogFilters({ q: '', levels: '', utm_source: 'x\u0000', userId: 'u1' }, now)).toEqual({
      ...NO_FILTERS,
      problem: null,
    });
  });

  it('keeps a cursor this app wrote', () => {
    expect(parseLogFilters({ cursor, levels: 'error' }, now)).toMatchObject({
      cursor,
      levels: ['error'],
      problem: null,
    });
  });

  it('drops every log filter and says why when one holds a control character', () => {
    for (const name of ['levels', 'event', 'user', 'trace', 'q', 'cursor']) {
      const filters = parseLogFilters({ event: 'job.run', [name]: 'a\u0000b' }, now);
      expect(filters, name).toEqual({
        ...NO_FILTERS,
        problem: `"${name}" contains the control character U+0000; remove it. Showing the newest logs without filters instead.`,
      });
    }
    expect(parseLogFilters({ q: 'x\u007f' }, now).problem).toMatch(
      /^"q" contains the control character U\+007F/,
    );
  });

  it('drops a cursor it did not write, keeps the other filters, and says why', () => {
    for (const bad of ['abc', Buffer.from('["0000-01-01T00:00:00.000000Z","e"]').toString('base64url')]) {
      expect(parseLogFilters({ cursor: bad, event: 'job.run' }, now)).toEqual({
        ...NO_FILTERS,
        event: 'job.run',
        problem:
          '"cursor" is not one this API returned; drop it to start from the newest. Showing the newest logs instead.',
      });
    }
  });
});
