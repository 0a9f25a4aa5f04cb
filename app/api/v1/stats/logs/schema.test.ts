import { describe, expect, it } from 'vitest';
import { AppError } from '@/lib/http/errors';
import { parseLogsQuery } from './schema';

const now = new Date('2025-03-10T12:00:00Z');
const parse = (query: string) => parseLogsQuery(new URLSearchParams(query), now);

describe('parseLogsQuery', () => {
  it('reads levels, filters, text, cursor and limit', () => {
    const { project, query } = parse(
      'range=1h&levels=warn, error&service=api&event=ai.retry&user=u1&trace=t1&q=100%&cursor=abc&limit=10&project=shop',
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
      cursor: 'abc',
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
