import { describe, expect, it } from 'vitest';
import { AppError } from '@/lib/http/errors';
import { parseDashboard, parseStatsQuery, STATS_PARAMS } from './schema';

const now = new Date('2025-03-10T12:00:00Z');
const parse = (query: string) => parseStatsQuery(new URLSearchParams(query), now);

describe('parseStatsQuery', () => {
  it('reads the range, an explicit bucket, the project and the filters', () => {
    const q = parse('range=7d&bucket=1d&project=shop&service=api&environment=&model=claude-haiku-4-5');
    expect(q.project).toBe('shop');
    expect(q.range.from.toISOString()).toBe('2025-03-03T12:00:00.000Z');
    expect(q.range.bucketMs).toBe(86_400_000);
    expect(q.filters).toEqual({ service: 'api', environment: null, model: 'claude-haiku-4-5' });
  });

  it('defaults to the last 24 hours, no project and no filters', () => {
    const q = parse('');
    expect(q.project).toBeNull();
    expect(q.range.preset).toBe('24h');
    expect(q.filters).toEqual({ service: null, environment: null, model: null });
  });

  it('answers 400 with the parameter to fix', () => {
    for (const [query, message] of [
      ['range=2w', /"range": must be one of 15m/],
      ['from=soon', /"from" must be an ISO 8601/],
      ['bucket=1m&range=30d', /"bucket"/],
      [`service=${'s'.repeat(300)}`, /"service"/],
    ] as const) {
      expect(() => parse(query)).toThrow(AppError);
      expect(() => parse(query)).toThrow(message);
    }
  });
});

describe('parseStatsQuery with hostile input', () => {
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
    for (const name of STATS_PARAMS) {
      expect(message(`${name}=%00`)).toBe(`"${name}" contains the control character U+0000; remove it.`);
      expect(message(`${name}=a%7F`)).toMatch(
        new RegExp(`^"${name}" contains the control character U\\+007F`),
      );
    }
  });

  it('refuses dates outside the window, inverted and too long ranges', () => {
    expect(message('from=0000-01-01')).toMatch(/"from" must lie between 2000-01-01 and one day from now/);
    expect(message('to=0001-01-01T00:00:00Z')).toMatch(/"to" must lie between/);
    expect(message('from=123456789012345')).toMatch(/"from" must lie between/);
    expect(message('from=2025-03-02&to=2025-03-01')).toBe('"from" must be before "to".');
    expect(message('from=2024-01-01&to=2025-03-01')).toMatch(/more than 366 days/);
    expect(parse('from=2024-03-01&to=2025-03-01').range.from.toISOString()).toBe('2024-03-01T00:00:00.000Z');
  });

  it('names an unknown parameter and lists every accepted one', () => {
    expect(message('range=24h&user=u1')).toBe(
      'Unknown parameter "user"; the parameters are project, range, from, to, bucket, service, environment, model.',
    );
    expect(message('Service=api')).toMatch(/^Unknown parameter "Service"/);
    expect(message('levels=error')).toMatch(/^Unknown parameter "levels"/);
  });

  it('refuses a parameter given twice', () => {
    expect(message('service=a&service=b')).toBe('"service" is given more than once; pass it once.');
  });
});

describe('parseDashboard', () => {
  it('knows the four dashboards and answers 404 for anything else', () => {
    expect(parseDashboard('ai')).toBe('ai');
    expect(() => parseDashboard('billing')).toThrow(expect.objectContaining({ status: 404 }));
    expect(() => parseDashboard('\u0000')).toThrow('No dashboard "\\u0000": use one of overview');
  });
});
