import { describe, expect, it, vi } from 'vitest';
import { prepareBatch } from './batch';
import { findEventProblem } from './bounds';
import { MAX_EVENT_BYTES, MAX_EVENT_DEPTH, MAX_EVENT_KEYS } from './limits';

const view = { type: 'page.view', path: '/' };

/** `levels` nested arrays under `field`, built and read without recursion. */
function nested(levels: number): unknown {
  return JSON.parse('['.repeat(levels) + ']'.repeat(levels));
}

describe('findEventProblem', () => {
  it('accepts nesting up to the limit and refuses one level more, naming the field and the limit', () => {
    // The event is level 1, so a field may hold MAX_EVENT_DEPTH - 1 levels.
    expect(findEventProblem({ ...view, x: nested(MAX_EVENT_DEPTH - 1) })).toBeUndefined();
    expect(findEventProblem({ ...view, x: nested(MAX_EVENT_DEPTH) })).toBe(
      `x${'[0]'.repeat(MAX_EVENT_DEPTH - 1)}: nested too deep; an event may nest objects and arrays at most ${MAX_EVENT_DEPTH} levels deep (the event itself is level 1)`,
    );
  });

  it.each([5_000, 100_000])('refuses %i levels of nesting without overflowing the stack', (levels) => {
    const deepObject = JSON.parse('{"a":'.repeat(levels) + '1' + '}'.repeat(levels));
    expect(findEventProblem({ ...view, metadata: deepObject })).toMatch(/^metadata(\.a)+: nested too deep/);
    expect(findEventProblem({ ...view, x: nested(levels) })).toMatch(/^x(\[0\])+: nested too deep/);
  });

  it('counts keys across nested objects: the limit passes, one more is refused', () => {
    const fill = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
    // view has 2 keys, `metadata` 1, and a nested object `inner` 1.
    const within = { ...view, metadata: { inner: fill(MAX_EVENT_KEYS - 4) } };
    expect(findEventProblem(within)).toBeUndefined();
    const over = { ...view, metadata: { inner: fill(MAX_EVENT_KEYS - 3) } };
    expect(findEventProblem(over)).toMatch(new RegExp(`^event: has more than ${MAX_EVENT_KEYS} keys in all`));
    expect(findEventProblem({ ...view, big: fill(100_000) })).toMatch(/more than 1000 keys/);
  });

  it('bounds the size as JSON of the whole event, unknown fields included', () => {
    const overhead = Buffer.byteLength(JSON.stringify({ ...view, x: '' }));
    expect(findEventProblem({ ...view, x: 'a'.repeat(MAX_EVENT_BYTES - overhead) })).toBeUndefined();
    expect(findEventProblem({ ...view, x: 'a'.repeat(MAX_EVENT_BYTES - overhead + 1) })).toBe(
      'event: is 65 KiB as JSON, over the limit of 64 KiB per event; send large payloads elsewhere',
    );
    // Bytes, not characters: 3 bytes each in UTF-8.
    expect(findEventProblem({ ...view, x: '語'.repeat(MAX_EVENT_BYTES / 3) })).toMatch(/^event: is 65 KiB/);
    expect(findEventProblem({ ...view, x: 'a'.repeat(3.5 * 1024 * 1024) })).toMatch(
      /^event: is 3\.5 MiB as JSON/,
    );
  });

  it('names the path of text Postgres cannot store, in keys and values', () => {
    expect(findEventProblem({ ...view, m: { list: [{ ok: 'x' }, { bad: 'a\u0000' }] } })).toMatch(
      /^m\.list\[1\]\.bad: contains a NUL character/,
    );
    expect(findEventProblem({ ...view, m: { ['\ud800']: 1 } })).toMatch(/^m\.\ud800: is not valid Unicode/);
  });
});

describe('per-event bounds in a batch', () => {
  const options = { now: new Date('2026-11-22T12:00:00Z'), retentionDays: 90 };
  const project = '00000000-0000-0000-0000-000000000001';

  it('refuses only the event over a bound, in every field the schema does not cap on its own', () => {
    const big = 'x'.repeat(MAX_EVENT_BYTES);
    const keys = Object.fromEntries(Array.from({ length: MAX_EVENT_KEYS + 1 }, (_, i) => [`k${i}`, 'v']));
    const batch = prepareBatch(
      {
        events: [
          { type: 'log', id: 'data', level: 'info', event: 'e', data: { big } },
          { type: 'log', id: 'error', level: 'info', event: 'e', error: { big } },
          { type: 'metric', id: 'labels', name: 'n', value: 1, labels: keys },
          { type: 'page.view', id: 'unknown', path: '/', extra: big },
          { type: 'page.view', id: 'deep', path: '/', extra: nested(5_000) },
          { type: 'page.view', id: 'fine', path: '/', extra: { a: [1, 2, { b: 'c' }] } },
        ],
      },
      project,
      options,
    );
    expect(batch.errors).toEqual([
      { index: 0, id: 'data', message: expect.stringMatching(/^event: is 65 KiB as JSON/) },
      { index: 1, id: 'error', message: expect.stringMatching(/^event: is 65 KiB as JSON/) },
      { index: 2, id: 'labels', message: expect.stringMatching(/^event: has more than 1000 keys/) },
      { index: 3, id: 'unknown', message: expect.stringMatching(/^event: is 65 KiB as JSON/) },
      { index: 4, id: 'deep', message: expect.stringMatching(/^extra(\[0\])+: nested too deep/) },
    ]);
    expect(batch.rows.map((row) => row.eventId)).toEqual(['fine']);
  });

  it('measures exactly near the limit: escapes and many small fields count, a small event costs no stringify', () => {
    // 11,000 control characters are 11 KB as text but 66 KB as JSON escapes (\u0001 each).
    expect(findEventProblem({ type: 'log', data: { raw: '\u0001'.repeat(11_000) } })).toMatch(
      /over the limit/,
    );
    const many = Object.fromEntries(Array.from({ length: 900 }, (_, i) => [`k${i}`, 'x'.repeat(70)]));
    expect(findEventProblem({ type: 'log', data: many })).toMatch(/over the limit/);
    const under = Object.fromEntries(Array.from({ length: 900 }, (_, i) => [`k${i}`, 'x'.repeat(60)]));
    expect(findEventProblem({ type: 'log', data: under })).toBeUndefined();
    const stringify = vi.spyOn(JSON, 'stringify');
    expect(
      findEventProblem({
        type: 'ai.call',
        model: 'claude-sonnet-4-5',
        durationMs: 900,
        metadata: { a: [1, 2] },
      }),
    ).toBeUndefined();
    expect(stringify).not.toHaveBeenCalled();
    stringify.mockRestore();
  });
});
