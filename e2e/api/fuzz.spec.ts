import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import postgres from 'postgres';
import { clerkServerEnv, E2E_ADMIN_EMAIL, mintSession } from '../helpers/clerk';
import { runId } from '../helpers/events';
import { startServer, type Server } from '../helpers/server';

/**
 * Generated hostile requests over every route against a production server: no answer may be a 5xx, the
 * server's memory comes back, and exactly the events the server said it accepted are stored.
 */
const id = runId();
const SLUG = `fuzz-${id}`;
const KEY = `cw_fuzz_${randomBytes(24).toString('hex')}`;
const PGLITE_DIR = process.env.DATABASE_URL
  ? 'memory://'
  : fs.mkdtempSync(path.join(os.tmpdir(), 'chatwatch-fuzz-'));

/** A small seeded generator, so a failure reproduces with the same requests. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(0xc0ffee);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

// The event types and their fields, from the API's documentation (README "Sending events").
const TYPES: Record<string, Record<string, unknown>> = {
  'message.received': { messageLength: 10 },
  'ai.call': { model: 'claude-sonnet-4-5', durationMs: 100 },
  'response.sent': { durationMs: 100 },
  'http.request': { route: '/api/chat', status: 200, durationMs: 10 },
  cache: { operation: 'get' },
  rate_limit: { route: '/api/chat' },
  error: { errorType: 'E', message: 'm' },
  log: { level: 'info', event: 'e' },
  feedback: { score: 4 },
  'page.view': { path: '/' },
  'web.vital': { name: 'LCP', value: 1200 },
  'auth.attempt': { outcome: 'success' },
  metric: { name: 'cpu', value: 0.5 },
  retrieval: { durationMs: 20 },
};
const COMMON = [
  'id',
  'timestamp',
  'userId',
  'sessionId',
  'conversationId',
  'traceId',
  'spanId',
  'service',
  'environment',
  'release',
  'metadata',
];
const FIELDS = [
  ...COMMON,
  ...[
    'messageLength',
    'model',
    'durationMs',
    'provider',
    'timeToFirstTokenMs',
    'inputTokens',
    'outputTokens',
    'cacheReadTokens',
  ],
  ...[
    'cacheWriteTokens',
    'costUsd',
    'temperature',
    'contextLength',
    'status',
    'errorType',
    'cached',
    'responseLength',
    'streamed',
  ],
  ...[
    'route',
    'method',
    'requestBytes',
    'responseBytes',
    'operation',
    'cache',
    'hit',
    'scope',
    'limit',
    'message',
    'source',
    'stack',
  ],
  ...[
    'level',
    'event',
    'data',
    'error',
    'score',
    'messageId',
    'comment',
    'path',
    'name',
    'value',
    'outcome',
    'reason',
    'unit',
  ],
  ...['labels', 'resultCount', 'topScore', 'type', '__proto__', 'constructor', 'toString', 'unknownField'],
];
const nested = (depth: number): unknown => (depth === 0 ? 1 : { a: nested(depth - 1) });
const KINDS: (() => unknown)[] = [
  () => 'text',
  () => '',
  () => 'a\u0000b',
  () => '\ud800',
  () => 'x'.repeat(70_000),
  () => 0,
  () => -1,
  () => 1e308,
  () => 1.5,
  () => 2 ** 53 + 1,
  () => true,
  () => false,
  () => null,
  () => [],
  () => [1, 'a', null],
  () => ({}),
  () => ({ k: 'v' }),
  () => Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`k${i}`, i])),
  () => nested(60),
  () => '2026-13-45T99:99:99Z',
  () => '<https://evil.example|click> <!channel>',
];

type Answer = { status: number; body: string };

/** Raw HTTP, so paths, methods and headers reach the server exactly as written. */
function send(
  server: Server,
  method: string,
  target: string,
  headers: Record<string, string> = {},
  body?: Buffer | string,
): Promise<Answer> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: target,
        headers: { connection: 'close', ...headers },
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${target}`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Resident memory of the server's process group (npx and next start), in KiB, from /proc. */
function serverRss(server: Server): number {
  let total = 0;
  for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== server.pid) continue; // the process group id
      const rss = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      total += Number(rss?.[1] ?? 0);
    } catch {
      // the process ended while we looked
    }
  }
  return total;
}

function hostileEvents(round: number): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [];
  let n = 0;
  for (const [type, required] of Object.entries(TYPES)) {
    for (const field of FIELDS) {
      const value = pick(KINDS)();
      const event: Record<string, unknown> = { type, id: `${id}-${round}-${n++}`, ...required };
      // Assignment, not a literal key: `__proto__` must become an own property of the JSON text.
      Object.defineProperty(event, field, { value, enumerable: true, writable: true, configurable: true });
      if (field === 'id' && typeof value === 'string' && value.length < 100)
        event.id = `${id}-${round}-${n}-${value}`;
      events.push(event);
    }
  }
  return events;
}

const QUERY_VALUES = [
  '%00',
  '%FF',
  '%C0%AF',
  '%E2%80%AE',
  '0000-01-01',
  '0001-01-01T00:00:00Z',
  '999999999999999',
  '-1',
  'NaN',
  '1e400',
  "'%3B%20drop%20table%20events%3B--",
  '%2e%2e%2f',
  'a'.repeat(5000),
  '[]',
  '{}',
];
const QUERY_KEYS = [
  'from',
  'to',
  'range',
  'project',
  'service',
  'environment',
  'model',
  'bucket',
  'levels',
  'event',
  'user',
  'trace',
  'q',
  'cursor',
  'limit',
  'userId',
  'unknown',
  '__proto__',
];
const GET_ROUTES = [
  '/api/v1/stats/overview',
  '/api/v1/stats/experience',
  '/api/v1/stats/ai',
  '/api/v1/stats/system',
  '/api/v1/stats/logs',
  '/api/v1/metrics',
  '/api/health',
  '/api/cron/alerts',
];
const PAGES = [
  '/',
  '/experience',
  '/ai',
  '/system',
  '/logs',
  '/alerts',
  '/alerts/rules',
  '/alerts/channels',
  '/settings',
  '/settings/audit',
  `/status/${SLUG}`,
];
const ODD_PATHS = [
  '/%FF',
  '/api/v1/stats/%FF',
  '/status/%C0%AF',
  '/status/%00',
  '/api/v1/stats/..%2f..%2fetc',
  '/api/%ZZ',
  `/status/${'x'.repeat(3000)}`,
  '/alerts/rules/%FF',
  '/alerts/rules/not-a-uuid',
  '/alerts/channels/00000000-0000-0000-0000-000000000000',
  '/api/v1/events/%00',
];
const METHODS = ['TRACE', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'CONNECT', 'PROPFIND', 'HEAD'];

test.describe.configure({ mode: 'serial' });

test.describe('fuzz: hostile requests over every route', () => {
  let server: Server;
  let accepted = 0;
  const fiveHundreds: string[] = [];
  const unanswered: string[] = [];
  let requests = 0;

  test.beforeAll(async () => {
    server = await startServer({
      ...clerkServerEnv(),
      INIT_PROJECT: SLUG,
      INIT_API_KEY: KEY,
      INIT_STATUS_PAGE: '1',
      PGLITE_DIR,
      INGEST_RATE_LIMIT_PER_MINUTE: '1000000',
      // A bounded old space makes V8 collect rather than grow lazily, so resident memory tracks live memory.
      NODE_OPTIONS: '--max-old-space-size=384',
    });
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  async function run(
    label: string,
    method: string,
    target: string,
    headers?: Record<string, string>,
    body?: Buffer | string,
  ) {
    requests += 1;
    const answer = await send(server, method, target, headers, body).catch((error: Error) => {
      // Node closes a CONNECT tunnel request without an answer (no server here tunnels): not a 5xx.
      if (method !== 'CONNECT')
        unanswered.push(`${label}: ${method} ${target.slice(0, 120)}: ${error.message}`);
      return { status: 0, body: '' };
    });
    if (answer.status >= 500)
      fiveHundreds.push(
        `${answer.status} ${label}: ${method} ${target.slice(0, 120)} -> ${answer.body.slice(0, 200)}`,
      );
    return answer;
  }

  async function round(r: number, cookie: string) {
    const auth = { authorization: `Bearer ${KEY}` };
    // Ingest: every field of every type with values of every JSON kind, in batches of 25.
    const events = hostileEvents(r);
    for (let i = 0; i < events.length; i += 25) {
      const answer = await run(
        'ingest',
        'POST',
        '/api/v1/events',
        { ...auth, 'content-type': 'application/json' },
        JSON.stringify({ events: events.slice(i, i + 25) }),
      );
      if (answer.status === 200 || answer.status === 207)
        accepted += (JSON.parse(answer.body) as { accepted: number }).accepted;
    }
    // Ingest bodies that are not what they say.
    const bodies: [Record<string, string>, Buffer | string][] = [
      [{ 'content-type': 'application/json' }, '{"events": ['],
      [{ 'content-type': 'application/json' }, '['.repeat(5000) + ']'.repeat(5000)],
      [{ 'content-type': 'application/json' }, `{"events": [${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}]}`],
      [{ 'content-type': 'application/json', 'content-encoding': 'gzip' }, 'not gzip'],
      [{ 'content-type': 'text/plain' }, '{"events": []}'],
      [{ 'content-type': 'application/json' }, Buffer.from([0xff, 0xfe, 0x00, 0x01])],
      [{ 'content-type': 'application/json; charset=utf-16' }, '{}'],
      [{ 'content-type': 'application/json' }, '{"events": "nope"}'],
      [{ 'content-type': 'application/json' }, JSON.stringify({ events: [null, 1, 'x', [], true] })],
    ];
    for (const [headers, body] of bodies)
      await run('ingest body', 'POST', '/api/v1/events', { ...auth, ...headers }, body);
    // OTLP: random bytes as protobuf, and JSON of the wrong shapes, to each signal. Neither can hold an item with
    // an id, a time within the retention and a value, so nothing is stored and the count below stays exact.
    const otlpBodies: [string, Buffer | string][] = [
      [
        'application/x-protobuf',
        Buffer.from(Array.from({ length: 64 + r * 97 }, () => Math.floor(random() * 256))),
      ],
      ['application/x-protobuf', Buffer.alloc(2000, 0x0a)],
      ['application/json', '{"resourceSpans": "x", "resourceLogs": 1, "resourceMetrics": null}'],
      [
        'application/json',
        '{"resourceSpans":[{"scopeSpans":[{"spans":[{"spanId":5,"traceId":[],"name":{}}]}]}]}',
      ],
      [
        'application/json',
        '{"resourceLogs":[{"scopeLogs":[{"logRecords":[null,1,{"body":{"kvlistValue":7}}]}]}]}',
      ],
      [
        'application/json',
        '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":{},"sum":{"dataPoints":[{}]}}]}]}]}',
      ],
      ['application/json', '[' + '{"arrayValue":{"values":['.repeat(3000) + ']}}'.repeat(3000) + ']'],
      ['text/plain', 'hello'],
    ];
    for (const signal of ['traces', 'logs', 'metrics'])
      for (const [type, body] of otlpBodies)
        await run('otlp', 'POST', `/api/otlp/v1/${signal}`, { ...auth, 'content-type': type }, body);
    // Query strings of every GET route, with a read key and with a session.
    for (const route of GET_ROUTES) {
      for (let i = 0; i < 12; i++) {
        const query = `${pick(QUERY_KEYS)}=${pick(QUERY_VALUES)}&${pick(QUERY_KEYS)}=${pick(QUERY_VALUES)}`;
        await run('query', 'GET', `${route}?${query}`, i % 2 ? auth : { cookie });
      }
    }
    // Pages, signed in, with hostile query strings.
    for (const page of PAGES) {
      for (let i = 0; i < 6; i++)
        await run('page', 'GET', `${page}?${pick(QUERY_KEYS)}=${pick(QUERY_VALUES)}`, {
          cookie,
          accept: 'text/html',
        });
    }
    // Paths, methods and headers.
    for (const target of ODD_PATHS) await run('path', 'GET', target, { cookie, ...auth });
    for (const method of METHODS)
      for (const target of [...GET_ROUTES, '/api/v1/events', '/api/otlp/v1/traces', '/', '/settings'])
        await run('method', method, target, auth);
    const headerCases: Record<string, string>[] = [
      { authorization: 'Bearer ' + 'x'.repeat(4000) },
      { authorization: 'Basic Zm9vOmJhcg==' },
      { authorization: 'Bearer a.b.c' },
      { cookie: '__session=not.a.jwt; __client_uat=1' },
      { 'x-forwarded-for': '127.0.0.1, ::1, garbage' },
      { 'x-forwarded-host': 'evil.example' },
      { accept: 'text/x-component', 'next-action': 'deadbeef' },
    ];
    for (const headers of headerCases)
      for (const route of ['/api/v1/stats/overview', '/']) await run('header', 'GET', route, headers);
    // Server actions: a made-up action id, and a cross-origin call.
    for (const origin of [server.url, 'https://evil.example']) {
      await run(
        'action',
        'POST',
        '/settings',
        {
          cookie,
          origin,
          'next-action': 'a'.repeat(40),
          'content-type': 'text/plain;charset=UTF-8',
          accept: 'text/x-component',
        },
        '["$K1"]',
      );
    }
  }

  test('1,000+ hostile requests: no 5xx, memory back, stored rows = accepted events', async () => {
    test.setTimeout(600_000);
    const token = await mintSession({
      userId: `user_fuzz_${id}`,
      email: E2E_ADMIN_EMAIL,
      name: 'Fuzz Admin',
      expiresInSec: 3000,
    });
    const cookie = `__session=${token}; __client_uat=${Math.floor(Date.now() / 1000) - 5}`;
    // Two warm-up rounds (caches, JIT, pools and the heap's own growth), then three measured ones: a leak
    // grows with every round, a warmed-up heap does not.
    await round(0, cookie);
    await round(1, cookie);
    await new Promise((r) => setTimeout(r, 5000));
    const before = serverRss(server);
    const rounds: number[] = [];
    for (let r = 2; r <= 4; r++) {
      await round(r, cookie);
      rounds.push(serverRss(server));
    }
    await new Promise((r) => setTimeout(r, 10_000));
    const after = serverRss(server);
    console.log(
      `fuzz: ${requests} requests, ${accepted} events accepted, rss ${before} -> ${rounds.join(' -> ')} -> ${after} KiB`,
    );

    expect(requests).toBeGreaterThanOrEqual(1000);
    expect(fiveHundreds).toEqual([]);
    expect(unanswered).toEqual([]);
    expect(after).toBeLessThanOrEqual(before * 1.1);

    const stored = await countStored(server);
    expect(stored).toBe(accepted);
  });
});

async function countStored(server: Server): Promise<number> {
  const query =
    'select count(*)::int as n from events e join projects p on p.id = e.project_id where p.slug = $1';
  if (process.env.DATABASE_URL) {
    const sql = postgres(process.env.DATABASE_URL, { max: 1 });
    try {
      const rows = await sql.unsafe<{ n: number }[]>(query, [SLUG]);
      return rows[0]!.n;
    } finally {
      await sql.end();
    }
  }
  await server.stop();
  const { PGlite } = await import('@electric-sql/pglite');
  const db = new PGlite(PGLITE_DIR);
  try {
    const result = await db.query<{ n: number }>(query, [SLUG]);
    return result.rows[0]!.n;
  } finally {
    await db.close();
  }
}
