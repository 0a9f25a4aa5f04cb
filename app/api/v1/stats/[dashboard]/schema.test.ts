import { describe, expect, it } from 'vitest';
import { AppError } from '@/lib/http/errors';
import { parseDashboard, parseStatsQuery } from './schema';

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

describe('parseDashboard', () => {
  it('knows the four dashboards and answers 404 for anything else', () => {
    expect(parseDashboard('ai')).toBe('ai');
    expect(() => parseDashboard('billing')).toThrow(expect.objectContaining({ status: 404 }));
  });
});
