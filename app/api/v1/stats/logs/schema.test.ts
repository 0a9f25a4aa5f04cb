import { describe, expect, it } from 'vitest';
import { AppError } from '@/lib/http/errors';
import { encodeCursor } from '@/lib/metrics/search';
import { LOGS_PARAMS, parseLogsQuery } from './schema';

const now = new Date('2025-03-10T12:00:00Z');
const parse = (query: string) => parseLogsQuery(new URLSearchParams(query), now);

const cursor = encodeCursor('2025-03-10T11:30:00.000000Z', 'evt-1');

describe('parseLogsQuery', () => {
  it('reads levels, filters, text, cursor and limit', () => {
    const { project, query } = parse(
      `range=1h&levels=warn, error&service=api&event=ai.retry&user=u1&trace=t1&q=100%25&cursor=${cursor}&limit=10&project=shop`,
    );
    expect(project).toBe('shop');
    expect(query).toEqual({
      from: new Date('2025-03-10T11:00:00Z'),
      to: now,
      levels: ['warn', 'error'],
      service: 'api',
      event: 'ai.retry',
      userId: 'u1',
      traceId: 't1',
      text: '100%',
      cursor,
      limit: 10,
    });
  });

  it('defaults to 50 entries of every level over the last 24 hours', () => {
    expect(parse('').query).toMatchObject({
      levels: [],
      limit: 50,
      text: null,
      cursor: null,
      from: new Date('2025-03-09T12:00:00Z'),
    });
  });

  it('answers 400 naming the parameter to fix', () => {
    for (const [query, message] of [
      ['levels=info,loud', /"levels": must be a comma-separated list/],
      ['limit=0', /"limit"/],
      ['limit=201', /"limit"/],
      ['to=2025-03-01&from=2025-03-02', /before/],
    ] as const) {
      expect(() => parse(query)).toThrow(AppError);
      expect(() => parse(query)).toThrow(message);
    }
  });
});

describe('parseLogsQuery with hostile input', () => {
  const message = (query: string) => {
    try {
      parse(query);
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).status).toBe(400);
      return (error as AppError).message;
    }
    throw new Error(`expected a 400 for ${query}`);
  };

  it('refuses NUL and DEL in every parameter, naming it', () => {
    for (const name of LOGS_PARAMS) {
      expect(message(`${name}=%00`)).toBe(`"${name}" contains the control character U+0000; remove it.`);
      expect(message(`${name}=x%7F`)).toMatch(
        new RegExp(`^"${name}" contains the control character U\\+007F`),
      );
    }
  });

  it('turns the names the README used to document into a 400 that names the real ones', () => {
    for (const [wrong, right] of [
      ['userId', 'user'],
      ['traceId', 'trace'],
      ['text', 'q'],
    ]) {
      expect(message(`${wrong}=x`)).toBe(
        `Unknown parameter "${wrong}" (did you mean "${right}"?); the parameters are project, range, from, to, levels, service, event, user, trace, q, cursor, limit.`,
      );
    }
    expect(message('model=x')).toMatch(/^Unknown parameter "model"; the parameters are /);
  });

  it('refuses a cursor it did not write, before any query runs', () => {
    const refused = '"cursor" is not one this API returned; drop it to start from the newest.';
    expect(message('cursor=abc')).toBe(refused);
    expect(
      message(`cursor=${Buffer.from('["0000-01-01T00:00:00.000000Z","e"]').toString('base64url')}`),
    ).toBe(refused);
    expect(message(`cursor=${Buffer.from('[1e999,"e"]').toString('base64url')}`)).toBe(refused);
  });

  it('reads limit as plain digits only', () => {
    for (const limit of ['0x10', '1e2', '-5', '10.5', ' 1 0', '99999']) {
      expect(message(`limit=${encodeURIComponent(limit)}`), limit).toMatch(/^"limit": must be/);
    }
    expect(parse('limit=').query.limit).toBe(50);
  });

  it('refuses dates outside the window and a repeated parameter', () => {
    expect(message('from=0001-01-01')).toMatch(/"from" must lie between 2000-01-01/);
    expect(message('to=999999999999999')).toMatch(/"to" must lie between/);
    expect(message('q=a&q=b')).toBe('"q" is given more than once; pass it once.');
  });
});
