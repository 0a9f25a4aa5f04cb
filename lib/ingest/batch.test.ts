import { describe, expect, it } from 'vitest';
import { AppError } from '@/lib/http/errors';
import { prepareBatch } from './batch';
import { EVENT_TYPES } from './schema';
import { MINIMAL_EVENTS } from '@/test/ingest-events';

const now = new Date('2026-11-22T12:00:00Z');
const options = { now, retentionDays: 90 };
const project = '00000000-0000-0000-0000-000000000001';

describe('prepareBatch', () => {
  it('accepts one event of each of the 15 types and maps typed columns', () => {
    const events = EVENT_TYPES.map((type, i) => ({
      type,
      id: `e${i}`,
      userId: 'u1',
      ...MINIMAL_EVENTS[type],
    }));
    const batch = prepareBatch({ events }, project, options);
    expect(batch.errors).toEqual([]);
    expect(batch.rows).toHaveLength(15);
    const byType = Object.fromEntries(batch.rows.map((r) => [r.type, r]));
    expect(byType['ai.call']).toMatchObject({ model: 'claude-sonnet-4-5', inputTokens: 1000, status: 'ok' });
    expect(byType['ai.call']?.costUsd).toBeCloseTo((1000 * 3 + 200 * 15) / 1e6, 12);
    expect(byType['http.request']).toMatchObject({ httpStatus: 200, route: '/api/chat', method: 'POST' });
    expect(byType['error']).toMatchObject({ httpStatus: 504, source: 'ai', message: 'upstream timed out' });
    expect(byType['log']).toMatchObject({
      level: 'warn',
      name: 'slow_query',
      attributes: { data: { table: 'messages' } },
    });
    expect(byType['cache']).toMatchObject({ operation: 'get', cacheName: 'llm', hit: true });
    expect(byType['span']).toMatchObject({
      name: 'db.query',
      durationMs: 12,
      status: 'ok',
      parentSpanId: 'b7ad6b7169203331',
    });
    expect(byType['span']?.httpStatus).toBeUndefined();
    expect(byType['span']?.attributes).toEqual({ kind: 'client' });
    expect(byType['response.sent']).toMatchObject({ length: 900, ttftMs: 300, streamed: true });
    expect(byType['auth.attempt']).toMatchObject({ outcome: 'failure' });
    expect(byType['auth.attempt']?.method).toBeUndefined();
    expect(byType['auth.attempt']?.attributes).toEqual({ method: 'password', reason: 'bad password' });
    expect(byType['metric']).toMatchObject({
      name: 'cpu',
      value: 0.42,
      attributes: { labels: { host: 'a' } },
    });
    expect(byType['feedback']).toMatchObject({ score: 5, attributes: { messageId: 'm1', comment: 'great' } });
    for (const row of batch.rows) expect(row).toMatchObject({ projectId: project, service: 'app', ts: now });
  });

  it('keeps the client cost over the computed one', () => {
    const batch = prepareBatch(
      {
        events: [
          { type: 'ai.call', model: 'claude-opus-4-1', durationMs: 5, inputTokens: 1e6, costUsd: 0.5 },
        ],
      },
      project,
      options,
    );
    expect(batch.rows[0]?.costUsd).toBe(0.5);
  });

  it('reports each invalid event with its index, id and what to fix', () => {
    const batch = prepareBatch(
      {
        events: [
          { type: 'ai.call', id: 'a', durationMs: 5 },
          { type: 'nope', id: 'b' },
          'not an object',
          { type: 'feedback', score: 9 },
          { type: 'page.view', path: '/' },
        ],
      },
      project,
      options,
    );
    expect(batch.rows).toHaveLength(1);
    expect(batch.errors.map((e) => e.index)).toEqual([0, 1, 2, 3]);
    expect(batch.errors[0]).toMatchObject({ id: 'a', message: expect.stringContaining('model') });
    expect(batch.errors[1]?.message).toContain('unknown type "nope"');
    expect(batch.errors[2]?.message).toBe('event must be a JSON object');
    expect(batch.errors[3]?.message).toContain('score');
  });

  it('parses ISO and epoch-ms timestamps and enforces skew and retention', () => {
    const batch = prepareBatch(
      {
        events: [
          { type: 'page.view', path: '/', timestamp: '2026-11-22T11:00:00+01:00' },
          { type: 'page.view', path: '/', timestamp: now.getTime() - 1000 },
          { type: 'page.view', path: '/', timestamp: now.getTime() + 6 * 60_000 },
          { type: 'page.view', path: '/', timestamp: now.getTime() - 91 * 86_400_000 },
          { type: 'page.view', path: '/', timestamp: 'yesterday' },
        ],
      },
      project,
      options,
    );
    expect(batch.rows.map((r) => (r.ts as Date).toISOString())).toEqual([
      '2026-11-22T10:00:00.000Z',
      '2026-11-22T11:59:59.000Z',
    ]);
    expect(batch.errors.map((e) => e.message)).toEqual([
      expect.stringContaining('future'),
      expect.stringContaining('retention'),
      expect.stringContaining('ISO 8601'),
    ]);
  });

  it('counts a repeated id inside one batch as a duplicate', () => {
    const e = { type: 'page.view', id: 'same', path: '/' };
    const batch = prepareBatch({ events: [e, e, { ...e, id: 'other' }] }, project, options);
    expect(batch.rows).toHaveLength(2);
    expect(batch.inBatchDuplicates).toBe(1);
  });

  it('rejects metadata over 16 KiB and ids over 128 characters', () => {
    const batch = prepareBatch(
      {
        events: [
          { type: 'page.view', path: '/', metadata: { blob: 'x'.repeat(17_000) } },
          { type: 'page.view', path: '/', id: 'x'.repeat(129) },
        ],
      },
      project,
      options,
    );
    expect(batch.errors[0]?.message).toContain('metadata');
    expect(batch.errors[1]?.message).toContain('id');
  });

  it.each([
    [null, 'of the form'],
    [[], 'of the form'],
    [{ events: 'x' }, 'of the form'],
    [{ events: [] }, 'empty'],
    [{ events: Array.from({ length: 1001 }, () => ({ type: 'page.view', path: '/' })) }, 'at most 1000'],
  ])('rejects the body shape %#', (body, message) => {
    expect(() => prepareBatch(body, project, options)).toThrow(AppError);
    expect(() => prepareBatch(body, project, options)).toThrow(message);
  });

  it('keeps unknown fields in attributes instead of dropping them', () => {
    const batch = prepareBatch(
      { events: [{ type: 'page.view', path: '/', referrer: 'x.com' }] },
      project,
      options,
    );
    expect(batch.rows[0]?.attributes).toEqual({ referrer: 'x.com' });
  });

  it('refuses an event whose text Postgres cannot store, naming the field, and keeps the others', () => {
    const batch = prepareBatch(
      {
        events: [
          { type: 'log', id: 'nul', level: 'info', event: 'x', message: 'a\u0000b' },
          { type: 'page.view', id: 'deep', path: '/', metadata: { tags: ['ok', 'x\u0000'] } },
          { type: 'page.view', id: 'key', path: '/', metadata: { ['k\u0000']: 1 } },
          { type: 'page.view', id: 'lone', path: '/', referrer: '\ud800' },
          { type: 'page.view', id: 'pair', path: '/emoji-\ud83d\ude00' },
        ],
      },
      project,
      options,
    );
    expect(batch.errors).toEqual([
      { index: 0, id: 'nul', message: expect.stringMatching(/^message: contains a NUL character/) },
      { index: 1, id: 'deep', message: expect.stringMatching(/^metadata\.tags\[1\]: contains a NUL/) },
      { index: 2, id: 'key', message: expect.stringMatching(/^metadata\.k\u0000: contains a NUL/) },
      { index: 3, id: 'lone', message: expect.stringMatching(/^referrer: is not valid Unicode/) },
    ]);
    expect(batch.rows.map((r) => r.path)).toEqual(['/emoji-\u{1F600}']);
  });

  it('refuses numbers a real (float4) column cannot hold', () => {
    const batch = prepareBatch(
      {
        events: [
          { type: 'retrieval', id: 'big', durationMs: 1, topScore: 1e39 },
          { type: 'retrieval', id: 'tiny', durationMs: 1, topScore: 1e-46 },
          { type: 'ai.call', id: 'temp', model: 'claude-haiku-4-5', durationMs: 1, temperature: 1e-46 },
          { type: 'retrieval', id: 'ok', durationMs: 1, topScore: 1e-40 },
          { type: 'retrieval', id: 'zero', durationMs: 1, topScore: 0 },
          { type: 'ai.call', id: 'hot', model: 'claude-haiku-4-5', durationMs: 1, temperature: 2.5 },
        ],
      },
      project,
      options,
    );
    expect(batch.errors.map((e) => [e.id, e.message])).toEqual([
      ['big', expect.stringContaining('topScore: must fit a 32-bit float')],
      ['tiny', expect.stringContaining('topScore: must fit a 32-bit float')],
      ['temp', expect.stringContaining('temperature: must fit a 32-bit float')],
      ['hot', expect.stringContaining('temperature')],
    ]);
    expect(batch.rows.map((r) => r.eventId)).toEqual(['ok', 'zero']);
  });
});
