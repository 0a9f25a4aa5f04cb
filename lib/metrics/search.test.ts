import { describe, expect, it } from 'vitest';
import { AppError } from '@/lib/http/errors';
import { decodeCursor, encodeCursor, escapeLike } from './search';

describe('escapeLike', () => {
  it('makes LIKE wildcards and the escape character literal', () => {
    expect(escapeLike('50%_a\\b')).toBe('50\\%\\_a\\\\b');
    expect(escapeLike('plain text')).toBe('plain text');
  });
});

describe('log cursors', () => {
  it('round-trip the keyset position, url-safe', () => {
    const cursor = encodeCursor('2025-01-01T10:00:00.123456Z', 'evt/+1');
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(['2025-01-01T10:00:00.123456Z', 'evt/+1']);
  });

  it('refuse anything this API did not hand out with a 400', () => {
    const bad = [
      'garbage!',
      Buffer.from('["2025-01-01", "x"]').toString('base64url'),
      Buffer.from('{"a":1}').toString('base64url'),
    ];
    for (const cursor of bad) {
      expect(() => decodeCursor(cursor)).toThrow(AppError);
      try {
        decodeCursor(cursor);
      } catch (error) {
        expect((error as AppError).status).toBe(400);
      }
    }
  });
});
