import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDb, rawRows } from '@/db/client';
import { createMemoryKv } from '@/lib/kv/memory';
import { createRedisKv } from '@/lib/kv/redis';
import type { Kv } from '@/lib/kv/types';
import {
  ANTHROPIC_VERSION,
  probeClaude,
  probeClerk,
  probeDatabase,
  probeKv,
  runProbes,
  shareInFlight,
} from './probes';

const TIMEOUT_MS = 300;
const MARGIN_MS = 250;
const API_KEY = 'sk-ant-api03-test-secret-0123456789';
const CLERK_SECRET = 'sk_live_test-secret-abcdef';

type Mode = { status: number; body?: string; location?: string } | 'hang';

/** A loopback stand-in for Claude or Clerk: answers per `mode` and records the headers it received. */
async function startUpstream() {
  const requests: { url: string; headers: http.IncomingHttpHeaders }[] = [];
  const upstream = { mode: { status: 200 } as Mode, requests, url: '', close: async () => {} };
  const server = http.createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    const mode = upstream.mode;
    if (mode === 'hang') return;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (mode.location) headers.location = mode.location;
    res.writeHead(mode.status, headers).end(mode.body ?? '{"data":[]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  upstream.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  upstream.close = () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  };
  return upstream;
}

/** Accepts TCP connections and never says a word: a hung database. */
async function startSilentTcp() {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const close = () => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { port, close };
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function elapsed<T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await run();
  return { result, ms: performance.now() - started };
}

let upstream: Awaited<ReturnType<typeof startUpstream>>;
beforeAll(async () => {
  upstream = await startUpstream();
});
afterEach(() => {
  upstream.mode = { status: 200 };
  upstream.requests.length = 0;
});
afterAll(() => upstream.close());

describe('probeClaude', () => {
  const probe = (overrides: { baseUrl?: string; apiKey?: string | undefined } = {}) =>
    probeClaude({ baseUrl: upstream.url, apiKey: API_KEY, timeoutMs: TIMEOUT_MS, ...overrides });

  it('is ok on 200 and sends the API key and version to the models endpoint', async () => {
    const result = await probe();
    expect(result).toMatchObject({ state: 'ok' });
    expect(upstream.requests).toHaveLength(1);
    const [request] = upstream.requests;
    expect(request?.url).toBe('/v1/models?limit=1');
    expect(request?.headers['x-api-key']).toBe(API_KEY);
    expect(request?.headers['anthropic-version']).toBe(ANTHROPIC_VERSION);
    expect(request?.headers.authorization).toBeUndefined();
  });

  it('keeps a path prefix of the base URL (an API gateway)', async () => {
    await probe({ baseUrl: `${upstream.url}/anthropic/` });
    expect(upstream.requests[0]?.url).toBe('/anthropic/v1/models?limit=1');
  });

  it('fails with the status on 401, without echoing the body that names the key', async () => {
    upstream.mode = { status: 401, body: `{"error":{"message":"invalid x-api-key ${API_KEY}"}}` };
    const result = await probe();
    expect(result).toMatchObject({ state: 'fail', reason: 'HTTP 401' });
    expect(JSON.stringify(result)).not.toContain(API_KEY);
  });

  it('fails with the status on 500', async () => {
    upstream.mode = { status: 500 };
    expect(await probe()).toMatchObject({ state: 'fail', reason: 'HTTP 500' });
  });

  it('does not follow a redirect, so the key never reaches another host', async () => {
    const elsewhere = await startUpstream();
    try {
      upstream.mode = { status: 307, location: `${elsewhere.url}/v1/models?limit=1` };
      expect(await probe()).toMatchObject({ state: 'fail', reason: 'HTTP 307' });
      expect(elsewhere.requests).toHaveLength(0);
    } finally {
      await elsewhere.close();
    }
  });

  it('fails with a timeout reason within the timeout when the API hangs', async () => {
    upstream.mode = 'hang';
    const { result, ms } = await elapsed(() => probe());
    expect(result).toMatchObject({ state: 'fail', reason: `timeout after ${TIMEOUT_MS} ms` });
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    expect(ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    expect(upstream.requests).toHaveLength(1);
  });

  it('fails with "connection refused" when nothing listens', async () => {
    const result = await probe({ baseUrl: `http://127.0.0.1:${await closedPort()}` });
    expect(result).toMatchObject({ state: 'fail', reason: 'connection refused' });
  });

  it('is not_configured without an API key and sends nothing', async () => {
    expect(await probe({ apiKey: undefined })).toEqual({
      state: 'not_configured',
      reason: 'ANTHROPIC_API_KEY not set',
    });
    expect(upstream.requests).toHaveLength(0);
  });
});

describe('probeClerk', () => {
  const probe = (overrides: { secretKey?: string | undefined } = {}) =>
    probeClerk({ apiUrl: upstream.url, secretKey: CLERK_SECRET, timeoutMs: TIMEOUT_MS, ...overrides });

  it('is ok on 200 and sends the secret key as a bearer token to the users endpoint', async () => {
    expect(await probe()).toMatchObject({ state: 'ok' });
    expect(upstream.requests[0]?.url).toBe('/v1/users?limit=1');
    expect(upstream.requests[0]?.headers.authorization).toBe(`Bearer ${CLERK_SECRET}`);
    expect(upstream.requests[0]?.headers['x-api-key']).toBeUndefined();
  });

  it('fails with the status on 401 and on 500', async () => {
    upstream.mode = { status: 401, body: `{"errors":[{"message":"bad key ${CLERK_SECRET}"}]}` };
    const unauthorized = await probe();
    expect(unauthorized).toMatchObject({ state: 'fail', reason: 'HTTP 401' });
    expect(JSON.stringify(unauthorized)).not.toContain(CLERK_SECRET);
    upstream.mode = { status: 500 };
    expect(await probe()).toMatchObject({ state: 'fail', reason: 'HTTP 500' });
  });

  it('fails with a timeout reason within the timeout when Clerk hangs', async () => {
    upstream.mode = 'hang';
    const { result, ms } = await elapsed(() => probe());
    expect(result).toMatchObject({ state: 'fail', reason: `timeout after ${TIMEOUT_MS} ms` });
    expect(ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
  });

  it('is not_configured without a secret key', async () => {
    expect(await probe({ secretKey: undefined })).toEqual({
      state: 'not_configured',
      reason: 'CLERK_SECRET_KEY not set',
    });
    expect(upstream.requests).toHaveLength(0);
  });
});

describe('probeDatabase', () => {
  it('is ok when `select 1` answers (embedded PGlite through the app client)', async () => {
    const handle = openDb({ dir: 'memory://' });
    const db = await handle.db;
    const result = await probeDatabase({ timeoutMs: 2000, query: () => rawRows(db, sql`select 1`) });
    expect(result).toMatchObject({ state: 'ok' });
  });

  it('fails with "connection refused" when Postgres is not listening', async () => {
    const client = postgres(`postgres://app@127.0.0.1:${await closedPort()}/app`, {
      max: 1,
      onnotice: () => {},
    });
    try {
      const result = await probeDatabase({ timeoutMs: 2000, query: () => client`select 1` });
      expect(result).toMatchObject({ state: 'fail', reason: 'connection refused' });
    } finally {
      await client.end({ timeout: 0 });
    }
  });

  it('fails with a timeout reason within the timeout when Postgres accepts but never answers', async () => {
    const silent = await startSilentTcp();
    const client = postgres(`postgres://app:hunter2@127.0.0.1:${silent.port}/app`, {
      max: 1,
      onnotice: () => {},
    });
    try {
      const { result, ms } = await elapsed(() =>
        probeDatabase({ timeoutMs: TIMEOUT_MS, query: () => client`select 1` }),
      );
      expect(result).toMatchObject({ state: 'fail', reason: `timeout after ${TIMEOUT_MS} ms` });
      expect(ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
      expect(JSON.stringify(result)).not.toContain('hunter2');
    } finally {
      await silent.close();
      await client.end({ timeout: 0 });
    }
  });
});

describe('probeKv', () => {
  it('is ok against the in-process KV, and the probe key expires on its own', async () => {
    const kv = createMemoryKv();
    const written: string[] = [];
    const recording: Pick<Kv, 'get' | 'set'> = {
      set: (key, value, options) => (written.push(key), kv.set(key, value, options)),
      get: (key) => kv.get(key),
    };
    try {
      expect(await probeKv({ timeoutMs: TIMEOUT_MS, kv: () => recording })).toMatchObject({ state: 'ok' });
      expect(written).toHaveLength(1);
      expect(written[0]).toMatch(/^health:probe:/);
      const ttl = await kv.ttl(written[0] ?? '');
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60);
    } finally {
      await kv.close();
    }
  });

  it('fails with "connection refused" when Redis is not listening', async () => {
    const kv = createRedisKv(`redis://127.0.0.1:${await closedPort()}`);
    try {
      const result = await probeKv({ timeoutMs: 2000, kv: () => kv });
      expect(result).toMatchObject({ state: 'fail', reason: 'connection refused' });
    } finally {
      await kv.close();
    }
  });

  it('fails with a timeout reason within the timeout when Redis accepts but never answers', async () => {
    const silent = await startSilentTcp();
    const kv = createRedisKv(`redis://:hunter2@127.0.0.1:${silent.port}`);
    try {
      const { result, ms } = await elapsed(() => probeKv({ timeoutMs: TIMEOUT_MS, kv: () => kv }));
      expect(result).toMatchObject({ state: 'fail', reason: `timeout after ${TIMEOUT_MS} ms` });
      expect(ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
      expect(JSON.stringify(result)).not.toContain('hunter2');
    } finally {
      await kv.close();
      await silent.close();
    }
  });

  it('fails when the value read back differs (a store that drops writes)', async () => {
    const kv = { set: async () => true, get: async () => null };
    expect(await probeKv({ timeoutMs: TIMEOUT_MS, kv: () => kv })).toMatchObject({
      state: 'fail',
      reason: 'read back a different value',
    });
  });

  it('fails with a fixed phrase when the KV client cannot even be created', async () => {
    const result = await probeKv({
      timeoutMs: TIMEOUT_MS,
      kv: () => {
        throw new Error('KV_REST_API_TOKEN=secret-token is invalid');
      },
    });
    expect(result).toMatchObject({ state: 'fail', reason: 'command failed' });
    expect(JSON.stringify(result)).not.toContain('secret-token');
  });
});

describe('runProbes', () => {
  it('runs the probes in parallel: four hung dependencies answer within one timeout', async () => {
    const silent = await startSilentTcp();
    const client = postgres(`postgres://app@127.0.0.1:${silent.port}/app`, { max: 1, onnotice: () => {} });
    const redis = createRedisKv(`redis://127.0.0.1:${silent.port}`);
    upstream.mode = 'hang';
    try {
      const { result, ms } = await elapsed(() =>
        runProbes({
          database: () => probeDatabase({ timeoutMs: TIMEOUT_MS, query: () => client`select 1` }),
          cache: () => probeKv({ timeoutMs: TIMEOUT_MS, kv: () => redis }),
          ai: () => probeClaude({ baseUrl: upstream.url, apiKey: API_KEY, timeoutMs: TIMEOUT_MS }),
          auth: () => probeClerk({ apiUrl: upstream.url, secretKey: CLERK_SECRET, timeoutMs: TIMEOUT_MS }),
        }),
      );
      expect(ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
      for (const name of ['database', 'cache', 'ai', 'auth'] as const) {
        expect(result[name]).toMatchObject({ state: 'fail', reason: `timeout after ${TIMEOUT_MS} ms` });
      }
      const text = JSON.stringify(result);
      expect(text).not.toContain(API_KEY);
      expect(text).not.toContain(CLERK_SECRET);
    } finally {
      await redis.close();
      await silent.close();
      await client.end({ timeout: 0 });
    }
  });
});

describe('shareInFlight', () => {
  it('gives concurrent callers one run and starts a fresh run once it settled', async () => {
    let runs = 0;
    const shared = shareInFlight(async () => {
      runs += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return runs;
    });
    const [a, b] = await Promise.all([shared(), shared()]);
    expect([a, b, runs]).toEqual([1, 1, 1]);
    expect(await shared()).toBe(2);
  });

  it('starts a fresh run after a failed one', async () => {
    let runs = 0;
    const shared = shareInFlight(async () => {
      runs += 1;
      if (runs === 1) throw new Error('first run fails');
      return runs;
    });
    await expect(shared()).rejects.toThrow('first run fails');
    expect(await shared()).toBe(2);
  });
});
