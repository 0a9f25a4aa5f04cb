import { describe, expect, it } from 'vitest';
import { AppError } from './errors';
import {
  checkText,
  parseDateParam,
  parseIsoDate,
  quote,
  readPageParam,
  readQuery,
  singleParam,
} from './query-params';

const now = new Date('2025-03-10T12:00:00Z');

/** The message of the 400 that `fn` throws; fails the test on anything else. */
function badRequest(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(400);
    return (error as AppError).message;
  }
  throw new Error('expected a bad_request AppError');
}

describe('checkText', () => {
  it('passes ordinary text, including other scripts, emoji and LIKE wildcards', () => {
    for (const text of ['api', 'claude-haiku-4-5', 'Zürich 東京 🚀', '100% _done_', ' spaced ']) {
      expect(checkText(text, 'q')).toBe(text);
    }
  });

  it('refuses every C0 control character and DEL, naming the parameter and the character', () => {
    expect(badRequest(() => checkText('\u0000', 'service'))).toBe(
      '"service" contains the control character U+0000; remove it.',
    );
    expect(badRequest(() => checkText('a\u007fb', 'model'))).toMatch(/"model" .* U\+007F/);
    for (let code = 0; code <= 0x1f; code += 1) {
      expect(badRequest(() => checkText(`x${String.fromCharCode(code)}`, 'q'))).toMatch(/control character/);
    }
  });

  it('refuses half a surrogate pair, which no UTF-8 client can send', () => {
    expect(badRequest(() => checkText('\ud800', 'q'))).toMatch(/"q" is not valid text/);
    expect(badRequest(() => checkText('a\udc00', 'q'))).toMatch(/surrogate/);
  });
});

describe('quote', () => {
  it('shows control characters as escapes and cuts long text', () => {
    expect(quote('a\u0000b')).toBe('"a\\u0000b"');
    expect(quote('x'.repeat(100))).toBe(`"${'x'.repeat(64)}…"`);
  });
});

describe('readQuery', () => {
  const allowed = ['from', 'to', 'user', 'q'] as const;
  const read = (query: string) => readQuery(new URLSearchParams(query), allowed, { userId: 'user' });

  it('answers one trimmed value per parameter, leaving empty ones out', () => {
    expect(read('from=2025-01-01&user=%20u1%20&q=')).toEqual({ from: '2025-01-01', user: 'u1' });
  });

  it('names an unknown parameter and lists the allowed ones, with a hint for a known alias', () => {
    expect(badRequest(() => read('userId=u1'))).toBe(
      'Unknown parameter "userId" (did you mean "user"?); the parameters are from, to, user, q.',
    );
    expect(badRequest(() => read('q=x&Q=y'))).toMatch(/^Unknown parameter "Q"; the parameters are/);
    expect(badRequest(() => read('__proto__=1'))).toMatch(/Unknown parameter "__proto__";/);
    expect(badRequest(() => read('toString=1'))).toMatch(/Unknown parameter "toString";/);
    expect(badRequest(() => read('%00=1'))).toMatch(/Unknown parameter "\\u0000"/);
  });

  it('refuses a parameter given twice instead of picking one', () => {
    expect(badRequest(() => read('user=a&user=b'))).toBe('"user" is given more than once; pass it once.');
  });

  it('refuses control characters in values, decoded or not', () => {
    expect(badRequest(() => read('q=%00'))).toMatch(/"q" contains the control character U\+0000/);
    expect(badRequest(() => read('q=a%7Fb'))).toMatch(/U\+007F/);
    expect(badRequest(() => read('q=line%0Abreak'))).toMatch(/U\+000A/);
  });
});

describe('singleParam', () => {
  it('reads one parameter ahead of the rest, refusing repeats and control characters', () => {
    expect(singleParam(new URLSearchParams('project=%20shop%20'), 'project')).toBe('shop');
    expect(singleParam(new URLSearchParams('project='), 'project')).toBeNull();
    expect(singleParam(new URLSearchParams(''), 'project')).toBeNull();
    expect(badRequest(() => singleParam(new URLSearchParams('project=a&project=b'), 'project'))).toMatch(
      /more than once/,
    );
    expect(badRequest(() => singleParam(new URLSearchParams('project=%00'), 'project'))).toMatch(/U\+0000/);
  });
});

describe('readPageParam', () => {
  it('takes the first of repeats, trims, and refuses control characters', () => {
    expect(readPageParam([' a ', 'b'], 'q')).toBe('a');
    expect(readPageParam('  ', 'q')).toBeNull();
    expect(readPageParam(undefined, 'q')).toBeNull();
    expect(badRequest(() => readPageParam('\u0000', 'service'))).toMatch(/"service"/);
  });
});

describe('parseIsoDate', () => {
  it('reads dates as UTC midnight, zone-less times as UTC, and zones', () => {
    expect(parseIsoDate('2025-03-01')).toBe(Date.parse('2025-03-01T00:00:00Z'));
    expect(parseIsoDate('2025-03-01T10:20')).toBe(Date.parse('2025-03-01T10:20:00Z'));
    expect(parseIsoDate('2025-03-01 10:20:30.5')).toBe(Date.parse('2025-03-01T10:20:30.500Z'));
    expect(parseIsoDate('2025-03-01T10:20:30.123456Z')).toBe(Date.parse('2025-03-01T10:20:30.123Z'));
    expect(parseIsoDate('2025-03-02T06:30:00+02:00')).toBe(Date.parse('2025-03-02T04:30:00Z'));
    expect(parseIsoDate('2025-03-02T06:30:00-0530')).toBe(Date.parse('2025-03-02T12:00:00Z'));
    expect(parseIsoDate('2024-02-29')).toBe(Date.parse('2024-02-29T00:00:00Z'));
    expect(parseIsoDate('0001-01-01')).toBe(Date.parse('0001-01-01T00:00:00Z'));
  });

  it('refuses dates the calendar does not have instead of rolling them over', () => {
    for (const text of [
      '2025-02-29',
      '2025-02-30',
      '2025-04-31',
      '2025-13-01',
      '2025-00-10',
      '2025-01-00',
      '2025-01-01T24:00:00Z',
      '2025-01-01T23:60:00Z',
      '2025-01-01T23:59:60Z',
      '2025-01-01T10:00:00+25:00',
      '2025-01-01T10:00:00+02:60',
      '2025-1-1',
      '20250101',
      'March 3, 2025',
      '2025-01-01T10:00:00z',
    ]) {
      expect(parseIsoDate(text), text).toBeNaN();
    }
  });
});

describe('parseDateParam', () => {
  it('takes ISO 8601 or epoch milliseconds within 2000-01-01 and a day from now', () => {
    expect(parseDateParam('2025-03-01T00:00:00Z', 'from', now).toISOString()).toBe(
      '2025-03-01T00:00:00.000Z',
    );
    expect(parseDateParam(String(now.getTime()), 'to', now)).toEqual(now);
    expect(parseDateParam('2000-01-01', 'from', now).toISOString()).toBe('2000-01-01T00:00:00.000Z');
    expect(parseDateParam('2025-03-11T12:00:00Z', 'to', now).toISOString()).toBe('2025-03-11T12:00:00.000Z');
  });

  it('refuses years 0000 and 0001, far futures and 15-digit epochs with the window to use', () => {
    for (const value of [
      '0000-01-01',
      '0001-01-01T00:00:00Z',
      '1999-12-31T23:59:59.999Z',
      '9999-12-31',
      '2025-03-11T12:00:00.001Z',
      '123456789012345',
      '999999999999999999999999',
      '9'.repeat(400),
      '0',
      '2025',
    ]) {
      expect(
        badRequest(() => parseDateParam(value, 'from', now)),
        value,
      ).toMatch(/^"from" must lie between 2000-01-01 and one day from now; got "/);
    }
  });

  it('refuses what is no date at all, naming the parameter and the forms it takes', () => {
    for (const value of ['yesterday', '-1', '1e12', '0x1F', '2025-02-30', '', 'NaN', 'Infinity']) {
      expect(
        badRequest(() => parseDateParam(value, 'to', now)),
        value,
      ).toMatch(/^"to" must be an ISO 8601 date-time/);
    }
  });

  it('refuses control characters before reading the date', () => {
    expect(badRequest(() => parseDateParam('2025-03-01\u0000', 'from', now))).toMatch(/U\+0000/);
  });

  it('says to encode "+" when a zone offset arrived as a space', () => {
    const plus = new URLSearchParams('from=2025-03-01T10:00:00+02:00').get('from')!;
    expect(badRequest(() => parseDateParam(plus, 'from', now))).toMatch(
      /Encode the "\+" of a zone offset as %2B/,
    );
  });
});
