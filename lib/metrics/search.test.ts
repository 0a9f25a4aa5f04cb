import { describe, expect, it } from 'vitest';
import { AppError } from '@/lib/http/errors';
import { decodeCursor, encodeCursor, escapeLike, MAX_CURSOR_LENGTH } from './search';

const now = new Date('2025-03-10T12:00:00Z');
const TS = '2025-01-01T10:00:00.123456Z';
const b64 = (text: string) => Buffer.from(text).toString('base64url');

describe('escapeLike', () => {
  it('makes LIKE wildcards and the escape character literal', () => {
    expect(escapeLike('50%_a\\b')).toBe('50\\%\\_a\\\\b');
    expect(escapeLike('plain text')).toBe('plain text');
  });
});

describe('log cursors', () => {
  it('round-trip the keyset position, url-safe, for any id an event can have', () => {
    const cursor = encodeCursor(TS, 'evt/+1');
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, now)).toEqual({ tsKey: TS, eventId: 'evt/+1' });
    for (const id of [
      'a',
      'x'.repeat(128),
      '東京🚀',
      'tab\there',
      '\u0001'.repeat(128),
      crypto.randomUUID(),
    ]) {
      const long = encodeCursor(TS, id);
      expect(long.length).toBeLessThanOrEqual(MAX_CURSOR_LENGTH);
      expect(decodeCursor(long, now).eventId).toBe(id);
    }
  });

  it('refuse anything this API did not hand out with a 400 that says to drop it', () => {
    const bad: [string, string][] = [
      ['not base64url', 'garbage!'],
      [
        'standard base64 (+, / and padding)',
        Buffer.from(JSON.stringify([TS, '~~~???>>>'])).toString('base64'),
      ],
      ['padding appended', `${encodeCursor(TS, 'e1')}=`],
      ['whitespace around', ` ${encodeCursor(TS, 'e1')}`],
      ['trailing bits changed', `${encodeCursor(TS, 'e1').slice(0, -1)}x`],
      ['empty JSON', b64('')],
      ['not JSON', b64('[2025')],
      ['an object', b64('{"a":1}')],
      ['null', b64('null')],
      ['one element', b64(JSON.stringify([TS]))],
      ['three elements', b64(JSON.stringify([TS, 'e1', 'x']))],
      ['a number for the ts', b64(JSON.stringify([1735725600123, 'e1']))],
      ['a huge number for the ts', b64(`[1e999, "e1"]`)],
      ['a huge number for the id', b64(`["${TS}", 123456789012345678901234567890]`)],
      ['a number for the id', b64(JSON.stringify([TS, 42]))],
      ['null id', b64(JSON.stringify([TS, null]))],
      ['nested array', b64(JSON.stringify([[TS], 'e1']))],
      ['a date without microseconds', b64(JSON.stringify(['2025-01-01', 'e1']))],
      ['year 0000', b64(JSON.stringify(['0000-01-01T00:00:00.000000Z', 'e1']))],
      ['year 0001', b64(JSON.stringify(['0001-01-01T00:00:00.000000Z', 'e1']))],
      ['month 13', b64(JSON.stringify(['2025-13-01T00:00:00.000000Z', 'e1']))],
      ['February 30', b64(JSON.stringify(['2025-02-30T00:00:00.000000Z', 'e1']))],
      ['hour 24', b64(JSON.stringify(['2025-01-01T24:00:00.000000Z', 'e1']))],
      ['far future', b64(JSON.stringify(['9999-12-31T23:59:59.999999Z', 'e1']))],
      ['empty id', b64(JSON.stringify([TS, '']))],
      ['NUL in the id', b64(JSON.stringify([TS, 'e\u00001']))],
      ['half a surrogate pair in the id', b64(JSON.stringify([TS, '\ud800']))],
      ['an id longer than ingest allows', encodeCursor(TS, 'x'.repeat(129))],
      ['JSON spaced differently', b64(`["${TS}", "e1"]`)],
      ['too long', 'A'.repeat(MAX_CURSOR_LENGTH + 4)],
    ];
    for (const [why, cursor] of bad) {
      let thrown: unknown = null;
      try {
        decodeCursor(cursor, now);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, why).toBeInstanceOf(AppError);
      expect((thrown as AppError).status, why).toBe(400);
      expect((thrown as AppError).message, why).toBe(
        '"cursor" is not one this API returned; drop it to start from the newest.',
      );
    }
  });
});
