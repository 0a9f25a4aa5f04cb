import { randomInt } from 'node:crypto';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { E2E_API_KEY } from '../helpers/env';
import { oneOfEach, runId } from '../helpers/events';

const json = { 'Content-Type': 'application/json' };

test.describe('POST /api/v1/events', () => {
  test('stores one event of each of the 14 types', async ({ request }) => {
    const events = oneOfEach(runId());
    const res = await request.post('/api/v1/events', { headers: json, data: { events } });
    expect(res.status()).toBe(200);
    expect(await res.json()).toEqual({ accepted: 14, duplicates: 0, rejected: 0 });
  });

  test('an identical retry is counted as duplicates and stored once', async ({ request }) => {
    const events = oneOfEach(runId());
    await request.post('/api/v1/events', { headers: json, data: { events } });
    const retry = await request.post('/api/v1/events', { headers: json, data: { events } });
    expect(retry.status()).toBe(200);
    expect(await retry.json()).toEqual({ accepted: 0, duplicates: 14, rejected: 0 });
  });

  test('a partially valid batch stores the valid events and answers 207 with per-event errors', async ({
    request,
  }) => {
    const id = runId();
    const events = [
      { type: 'page.view', id: `${id}-ok`, path: '/' },
      { type: 'ai.call', id: `${id}-bad`, durationMs: 10 },
      { type: 'feedback', score: 7 },
    ];
    const res = await request.post('/api/v1/events', { headers: json, data: { events } });
    expect(res.status()).toBe(207);
    const body = await res.json();
    expect(body).toMatchObject({ accepted: 1, duplicates: 0, rejected: 2 });
    expect(body.errors).toEqual([
      { index: 1, id: `${id}-bad`, message: expect.stringContaining('model') },
      { index: 2, message: expect.stringContaining('score') },
    ]);
    const again = await request.post('/api/v1/events', { headers: json, data: { events: [events[0]] } });
    expect(await again.json()).toEqual({ accepted: 0, duplicates: 1, rejected: 0 });
  });

  test('an event with text Postgres cannot hold (NUL, unpaired surrogate) is refused alone; the rest is stored', async ({
    request,
  }) => {
    const id = runId();
    // Written by hand: the escapes must reach the server as they are.
    const body =
      `{"events": [{"type": "page.view", "id": "${id}-ok", "path": "/"},` +
      `{"type": "log", "id": "${id}-nul", "level": "info", "event": "x", "message": "a\\u0000b"},` +
      `{"type": "page.view", "id": "${id}-sur", "path": "/", "metadata": {"note": "\\ud800"}}]}`;
    const res = await request.post('/api/v1/events', { headers: json, data: Buffer.from(body) });
    expect(res.status()).toBe(207);
    expect(await res.json()).toEqual({
      accepted: 1,
      duplicates: 0,
      rejected: 2,
      errors: [
        { index: 1, id: `${id}-nul`, message: expect.stringContaining('message: contains a NUL character') },
        {
          index: 2,
          id: `${id}-sur`,
          message: expect.stringContaining('metadata.note: is not valid Unicode'),
        },
      ],
    });
  });

  test('accepts a gzip-compressed body', async ({ request }) => {
    const events = oneOfEach(runId());
    const res = await request.post('/api/v1/events', {
      headers: { ...json, 'Content-Encoding': 'gzip' },
      data: gzipSync(JSON.stringify({ events })),
    });
    expect(res.status()).toBe(200);
    expect((await res.json()).accepted).toBe(14);
  });

  for (const [name, body, message] of [
    ['not JSON', '{"events": [', 'not valid JSON'],
    ['not of the {events} shape', '[1,2]', '{"events": [ ... ]}'],
    ['an empty batch', '{"events": []}', 'empty'],
    [
      'over 1000 events',
      JSON.stringify({ events: Array.from({ length: 1001 }, () => ({ type: 'page.view', path: '/' })) }),
      'at most 1000',
    ],
  ] as const) {
    test(`400 for ${name}`, async ({ request }) => {
      // A Buffer, so Playwright sends the bytes as they are instead of JSON-encoding the string.
      const res = await request.post('/api/v1/events', { headers: json, data: Buffer.from(body) });
      expect(res.status()).toBe(400);
      const payload = await res.json();
      expect(payload.error.code).toBe('bad_request');
      expect(payload.error.message).toContain(message);
    });
  }

  test('400 with per-event errors when every event is invalid', async ({ request }) => {
    const res = await request.post('/api/v1/events', {
      headers: json,
      data: { events: [{ type: 'bogus' }, { type: 'http.request', route: '/x' }] },
    });
    expect(res.status()).toBe(400);
    const body = await res.json();
    expect(body.error.message).toContain('All 2 events are invalid');
    expect(body.errors).toHaveLength(2);
    expect(body.errors[1].message).toMatch(/status|durationMs/);
  });

  test('401 for a missing or unknown key', async ({ baseURL }) => {
    const body = JSON.stringify({ events: [{ type: 'page.view', path: '/' }] });
    const missing = await fetch(`${baseURL}/api/v1/events`, { method: 'POST', headers: json, body });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect((await missing.json()).error.message).toContain('Authorization: Bearer');
    const unknown = await fetch(`${baseURL}/api/v1/events`, {
      method: 'POST',
      headers: { ...json, Authorization: `Bearer ${E2E_API_KEY}x` },
      body,
    });
    expect(unknown.status).toBe(401);
    expect(JSON.stringify(await unknown.json())).not.toContain(E2E_API_KEY);
  });

  test('413 for a body over 4 MiB, plain or as a small gzip that inflates past it', async ({ request }) => {
    const big = JSON.stringify({
      events: [{ type: 'page.view', path: '/', metadata: { x: 'y'.repeat(4.5 * 1024 * 1024) } }],
    });
    const plain = await request.post('/api/v1/events', { headers: json, data: big });
    expect(plain.status()).toBe(413);
    const bomb = gzipSync(big);
    expect(bomb.byteLength).toBeLessThan(64 * 1024);
    const gz = await request.post('/api/v1/events', {
      headers: { ...json, 'Content-Encoding': 'gzip' },
      data: bomb,
    });
    expect(gz.status()).toBe(413);
    expect((await gz.json()).error.message).toContain('4 MiB');
  });

  test('415 for a body that is not JSON or an unknown encoding', async ({ request }) => {
    const text = await request.post('/api/v1/events', {
      headers: { 'Content-Type': 'text/plain' },
      data: 'hello',
    });
    expect(text.status()).toBe(415);
    expect((await text.json()).error.message).toContain('application/json');
    const br = await request.post('/api/v1/events', {
      headers: { ...json, 'Content-Encoding': 'br' },
      data: '{}',
    });
    expect(br.status()).toBe(415);
  });

  test('400 for a corrupt gzip body', async ({ request }) => {
    const res = await request.post('/api/v1/events', {
      headers: { ...json, 'Content-Encoding': 'gzip' },
      data: Buffer.from('definitely not gzip'),
    });
    expect(res.status()).toBe(400);
  });

  test('a field of another type is kept as an attribute: value: true on an ai.call is stored, not a 500', async ({
    request,
  }) => {
    const id = runId();
    const events = [
      { type: 'ai.call', id: `${id}-ai`, model: 'claude-haiku-4-5', durationMs: 5, value: true },
      { type: 'log', id: `${id}-log`, level: 'info', event: 'x', status: 'weird' },
      { type: 'page.view', id: `${id}-view`, path: '/' },
    ];
    const res = await request.post('/api/v1/events', { headers: json, data: { events } });
    expect(res.status()).toBe(200);
    expect(await res.json()).toEqual({ accepted: 3, duplicates: 0, rejected: 0 });
  });

  test('a wrong JSON kind in a typed field refuses that event alone, naming the field and kind', async ({
    request,
  }) => {
    const id = runId();
    const events = [
      { type: 'ai.call', id: `${id}-bad`, model: 'claude-haiku-4-5', durationMs: '5' },
      { type: 'page.view', id: `${id}-ok`, path: '/' },
    ];
    const res = await request.post('/api/v1/events', { headers: json, data: { events } });
    expect(res.status()).toBe(207);
    expect((await res.json()).errors).toEqual([
      { index: 0, id: `${id}-bad`, message: 'durationMs: expected number, received string' },
    ]);
  });

  test('an event Postgres refuses is rejected alone (207 with its index and id); the rest is stored', async ({
    request,
  }) => {
    const id = runId();
    // Valid for the schema, too large for the (project_id, type, ts) index that includes path and user_id.
    const cjk = (n: number) =>
      Array.from({ length: n }, () => String.fromCharCode(0x4e00 + randomInt(20_000))).join('');
    const events = [
      { type: 'page.view', id: `${id}-a`, path: '/' },
      { type: 'page.view', id: `${id}-huge`, path: '/' + cjk(1023), userId: cjk(256) },
      { type: 'page.view', id: `${id}-b`, path: '/' },
    ];
    const res = await request.post('/api/v1/events', { headers: json, data: { events } });
    expect(res.status()).toBe(207);
    expect(await res.json()).toEqual({
      accepted: 2,
      duplicates: 0,
      rejected: 1,
      errors: [
        { index: 1, id: `${id}-huge`, message: expect.stringContaining('too large for the database index') },
      ],
    });
  });

  test('400, not 500, for an event nested 5,000 levels deep', async ({ request }) => {
    const deep = '['.repeat(5_000) + ']'.repeat(5_000);
    const body = `{"events": [{"type": "page.view", "path": "/", "x": ${deep}}]}`;
    const res = await request.post('/api/v1/events', { headers: json, data: Buffer.from(body) });
    expect(res.status()).toBe(400);
    const payload = await res.json();
    expect(payload.error.message).toContain('nested too deep');
    expect(payload.errors[0].message).toContain('at most 20 levels');
  });

  test('a 3.5 MiB event is refused alone with the 64 KiB limit named', async ({ request }) => {
    const id = runId();
    const events = [
      {
        type: 'log',
        id: `${id}-big`,
        level: 'info',
        event: 'x',
        data: { blob: 'y'.repeat(3.5 * 1024 * 1024) },
      },
      { type: 'page.view', id: `${id}-ok`, path: '/' },
    ];
    const res = await request.post('/api/v1/events', { headers: json, data: { events } });
    expect(res.status()).toBe(207);
    expect((await res.json()).errors).toEqual([
      { index: 0, id: `${id}-big`, message: expect.stringContaining('over the limit of 64 KiB per event') },
    ]);
  });

  test('a body dribbled byte by byte is refused after the 15 s read deadline', async ({ baseURL }) => {
    test.setTimeout(45_000);
    const url = new URL(baseURL!);
    const started = Date.now();
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(
          `POST /api/v1/events HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${E2E_API_KEY}\r\n` +
            'Content-Type: application/json\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n{"events": [',
        );
        const timer = setInterval(() => socket.write(' '), 200);
        socket.on('close', () => clearInterval(timer));
      });
      let received = '';
      socket.on('data', (chunk) => {
        received += chunk.toString();
        if (received.includes('\r\n\r\n') && received.includes('}')) socket.destroy();
      });
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
      setTimeout(() => socket.destroy(), 40_000);
    });
    const elapsed = Date.now() - started;
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('did not arrive within 15 s');
    expect(elapsed).toBeGreaterThan(14_000);
    expect(elapsed).toBeLessThan(25_000);
  });
});
