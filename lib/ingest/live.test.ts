import { describe, expect, it } from 'vitest';
import type { NewEventRow } from '@/db/schema';
import { activeUsersKey, minuteKey, summarizeForLive } from './live';

const A = '00000000-0000-0000-0000-00000000000a';
const B = '00000000-0000-0000-0000-00000000000b';
const at = (iso: string) => new Date(iso);
const row = (projectId: string, ts: string, extra: Partial<NewEventRow> = {}): NewEventRow => ({
  projectId,
  eventId: Math.random().toString(36),
  type: 'page.view',
  ts: at(ts),
  ...extra,
});

describe('summarizeForLive', () => {
  it('counts events by type per project and minute, with AI errors and HTTP 5xx apart', () => {
    const { counters } = summarizeForLive([
      row(A, '2026-11-29T10:00:05Z', { type: 'ai.call', status: 'ok' }),
      row(A, '2026-11-29T10:00:59Z', { type: 'ai.call', status: 'error' }),
      row(A, '2026-11-29T10:00:30Z', { type: 'http.request', httpStatus: 502 }),
      row(A, '2026-11-29T10:00:31Z', { type: 'http.request', httpStatus: 404 }),
      row(A, '2026-11-29T10:01:00Z'),
    ]);
    expect(Object.fromEntries(counters)).toEqual({
      [minuteKey(A, at('2026-11-29T10:00:00Z'))]: {
        'ai.call': 2,
        'ai.call.error': 1,
        'http.request': 2,
        'http.request.5xx': 1,
      },
      [minuteKey(A, at('2026-11-29T10:01:00Z'))]: { 'page.view': 1 },
    });
  });

  it('keeps projects, minutes and days apart when rows interleave', () => {
    const { counters, users } = summarizeForLive([
      row(A, '2026-11-29T23:59:10Z', { userId: 'u1' }),
      row(B, '2026-11-29T23:59:20Z', { userId: 'u1' }),
      row(A, '2026-11-29T23:59:30Z', { userId: 'u2' }),
      row(A, '2026-11-30T00:00:10Z', { userId: 'u1' }),
      row(B, '2026-11-29T23:59:40Z', { userId: 'u3' }),
      row(A, '2026-11-29T23:59:50Z'),
    ]);
    expect(Object.fromEntries([...counters].map(([key, fields]) => [key, fields['page.view']]))).toEqual({
      [minuteKey(A, at('2026-11-29T23:59:00Z'))]: 3,
      [minuteKey(B, at('2026-11-29T23:59:00Z'))]: 2,
      [minuteKey(A, at('2026-11-30T00:00:00Z'))]: 1,
    });
    expect(Object.fromEntries([...users].map(([key, ids]) => [key, [...ids].sort()]))).toEqual({
      [activeUsersKey(A, at('2026-11-29T12:00:00Z'))]: ['u1', 'u2'],
      [activeUsersKey(B, at('2026-11-29T12:00:00Z'))]: ['u1', 'u3'],
      [activeUsersKey(A, at('2026-11-30T12:00:00Z'))]: ['u1'],
    });
  });

  it('names keys by project, epoch minute and UTC day', () => {
    expect(minuteKey(A, at('2026-11-29T10:00:30Z'))).toBe(`live:${A}:${Date.UTC(2026, 10, 29, 10) / 60_000}`);
    expect(activeUsersKey(A, at('2026-11-29T23:30:00-05:00'))).toBe(`au:${A}:2026-11-30`);
  });
});
