import { randomUUID } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { enforceRateLimit } from '@/lib/ingest/rate-limit';
import { env } from '@/lib/env';
import { startUpstashBridge, type UpstashBridge } from '@/test/upstash-bridge';
import { kvContract } from './contract';
import { createKv, getKv } from './index';
import { createMemoryKv } from './memory';
import { createRedisKv } from './redis';
import type { Kv } from './types';
import { createVercelKv } from './vercel';

const redisUrl = env.REDIS_URL ?? '';
const withRedis = redisUrl !== '';
const realRedis = withRedis
  ? `against ${redisUrl.replace(/\/\/[^@/]*@/, '//***@')}`
  : 'against a real Redis (skipped: run with REDIS_URL=redis://127.0.0.1:6379)';

/** How `promise` settled, or `timeout` when it was still pending after `ms`. */
async function settleWithin(promise: Promise<unknown>, ms: number) {
  const started = Date.now();
  const outcome = await Promise.race([
    promise.then(
      (value) => ({ status: 'fulfilled' as const, value }),
      (reason: unknown) => ({ status: 'rejected' as const, reason }),
    ),
    sleep(ms).then(() => ({ status: 'timeout' as const })),
  ]);
  return { ...outcome, elapsedMs: Date.now() - started };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no TCP address');
  return address.port;
}

kvContract('in-process memory', () => createMemoryKv());

describe('Redis TCP', () => {
  describe.runIf(withRedis)(realRedis, () => {
    kvContract('Redis TCP', () => createRedisKv(redisUrl));
  });

  describe('when Redis is unreachable', () => {
    const opened: Kv[] = [];
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((kv) => kv.close()));
    });

    test('a closed port rejects within 3 s, on the first call and on later ones', async () => {
      const kv = createRedisKv('redis://127.0.0.1:1');
      opened.push(kv);
      for (const operation of [() => kv.get('k'), () => kv.incrBy('k', 1, 60), () => kv.ping()]) {
        const outcome = await settleWithin(operation(), 3_000);
        expect(outcome.status).toBe('rejected');
      }
    });

    test('a server that accepts but never answers rejects within 3 s', async () => {
      const sockets = new Set<Socket>();
      const silent = createServer((socket) => sockets.add(socket));
      const port = await listen(silent);
      try {
        const kv = createRedisKv(`redis://127.0.0.1:${port}`);
        opened.push(kv);
        const outcome = await settleWithin(kv.ping(), 3_000);
        expect(outcome.status).toBe('rejected');
        expect(String(outcome.status === 'rejected' && outcome.reason)).toMatch(/did not answer/);
      } finally {
        for (const socket of sockets) socket.destroy();
        silent.close();
      }
    });
  });

  describe('logging an outage', () => {
    /** The JSON lines written to stderr for `event` while `work` runs. */
    async function linesOf(event: string, work: () => Promise<unknown>) {
      const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
      try {
        await work();
        return spy.mock.calls
          .map(([line]) => String(line))
          .filter((line) => line.includes(`"event":"${event}"`))
          .map((line) => JSON.parse(line) as Record<string, unknown>);
      } finally {
        spy.mockRestore();
      }
    }
    // A clock of its own, so lines other tests already wrote this minute do not count.
    let clock = Date.now() + 3_600_000 * (1 + Math.floor(Math.random() * 1000));
    afterEach(() => vi.useRealTimers());

    test('a Redis that is down writes one line a minute, not one per request', async () => {
      vi.setSystemTime(clock);
      const kv = createRedisKv('redis://127.0.0.1:1');
      try {
        const first = await linesOf('kv_redis_error', async () => {
          for (let i = 0; i < 15; i++) await kv.get('k').catch(() => undefined);
        });
        expect(first).toHaveLength(1);
        expect(first[0]).toMatchObject({ level: 'warn', event: 'kv_redis_error' });
        clock += 61_000;
        vi.setSystemTime(clock);
        const next = await linesOf('kv_redis_error', () => kv.get('k').catch(() => undefined));
        expect(next).toHaveLength(1);
        expect(next[0]?.suppressed).toBeGreaterThanOrEqual(14);
      } finally {
        await kv.close();
      }
    });

    test('the ingest rate limit lets requests through with KV down and logs that once a minute', async () => {
      clock += 3_600_000;
      vi.setSystemTime(clock);
      const down = { ...createMemoryKv(), incrBy: () => Promise.reject(new Error('KV down')) } as Kv;
      const lines = await linesOf('rate_limit_kv_unavailable', async () => {
        for (let i = 0; i < 50; i++) await enforceRateLimit(down, 'key-1', 10, clock);
      });
      expect(lines).toEqual([{ level: 'warn', event: 'rate_limit_kv_unavailable', error: 'Error: KV down' }]);
    });
  });

  describe.runIf(withRedis)(`connection loss ${realRedis}`, () => {
    test('reconnects on the next call after the connection drops, and fails fast while Redis is gone', async () => {
      const target = new URL(redisUrl);
      const sockets = new Set<Socket>();
      // A TCP proxy in front of Redis lets the test cut this client's connection without touching others.
      const proxy = createServer((client) => {
        const upstream = connect(Number(target.port || 6379), target.hostname);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('error', () => socket.destroy());
          socket.on('close', () => sockets.delete(socket));
        }
        client.pipe(upstream).pipe(client);
      });
      const port = await listen(proxy);
      const proxied = new URL(redisUrl);
      proxied.hostname = '127.0.0.1';
      proxied.port = String(port);
      const kv = createRedisKv(proxied.toString());
      const k = `chatwatch-test:${randomUUID()}:reconnect`;
      try {
        expect(await kv.incrBy(k, 1, 60)).toBe(1);

        for (const socket of sockets) socket.destroy();
        await sleep(100);
        expect(await kv.incrBy(k, 1, 60)).toBe(2);

        proxy.close();
        for (const socket of sockets) socket.destroy();
        await sleep(100);
        const down = await settleWithin(kv.get(k), 3_000);
        expect(down.status).toBe('rejected');

        await new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', resolve));
        expect(await kv.get(k)).toBe('2');
        expect(await kv.del(k)).toBe(1);
      } finally {
        await kv.close();
        for (const socket of sockets) socket.destroy();
        proxy.close();
      }
    });
  });
});

describe('@vercel/kv through the Upstash REST bridge', () => {
  describe.runIf(withRedis)(realRedis, () => {
    let bridge: UpstashBridge;
    beforeAll(async () => {
      bridge = await startUpstashBridge({ redisUrl, token: randomUUID() });
    });
    afterAll(async () => {
      await bridge?.close();
    });

    kvContract('@vercel/kv via the bridge', () => createVercelKv(bridge.url, bridge.token));

    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${bridge.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bridge.token}`, 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

    test('the bridge answers a wrong or missing token with 401', async () => {
      const wrong = await post('/', ['PING'], { authorization: 'Bearer not-the-token' });
      expect(wrong.status).toBe(401);
      expect(await wrong.json()).toHaveProperty('error');
      const missing = await fetch(bridge.url, { method: 'POST', body: '["PING"]' });
      expect(missing.status).toBe(401);
      const right = await post('/', ['PING']);
      expect(right.status).toBe(200);
      expect(await right.json()).toEqual({ result: 'PONG' });
    });

    test('a @vercel/kv client holding the wrong token rejects', async () => {
      const kv = createVercelKv(bridge.url, 'not-the-token');
      await expect(kv.get('anything')).rejects.toThrow(/Unauthorized/);
    });

    test('speaks the REST protocol: single commands, errors, base64 encoding, pipeline and multi-exec', async () => {
      const k = `chatwatch-test:${randomUUID()}:protocol`;
      const text = `${k}:text`;
      const hash = `${k}:hash`;
      const value = 'héllo 🚀';
      const encoded = { 'Upstash-Encoding': 'base64' };
      try {
        expect(await (await post('/', ['SET', text, value], encoded)).json()).toEqual({ result: 'OK' });
        expect(await (await post('/', ['GET', text], encoded)).json()).toEqual({ result: base64(value) });
        expect(await (await post('/', ['GET', text])).json()).toEqual({ result: value });

        const failed = await post('/', ['INCR', text]);
        expect(failed.status).toBe(400);
        expect(await failed.json()).toEqual({ error: expect.stringMatching(/^ERR .*not an integer/) });

        const pipeline = await post(
          '/pipeline',
          [
            ['HSET', hash, 'fïeld', 7],
            ['INCR', text],
            ['HGETALL', hash],
          ],
          encoded,
        );
        expect(pipeline.status).toBe(200);
        expect(await pipeline.json()).toEqual([
          { result: 1 },
          { error: expect.stringMatching(/^ERR /) },
          { result: [base64('fïeld'), base64('7')] },
        ]);

        const transaction = await post('/multi-exec', [
          ['HINCRBY', hash, 'fïeld', 3],
          ['INCR', text],
          ['GET', text],
        ]);
        expect(await transaction.json()).toEqual([
          { result: 10 },
          { error: expect.stringMatching(/^ERR /) },
          { result: value },
        ]);

        const malformed = await post('/', { not: 'a command' });
        expect(malformed.status).toBe(400);
        expect(await malformed.json()).toEqual({ error: expect.stringMatching(/^ERR /) });
      } finally {
        await post('/', ['DEL', text, hash]);
      }
    });
  });

  test('a KV REST endpoint that refuses connections rejects within 3 s', async () => {
    const kv = createVercelKv('http://127.0.0.1:1', 'token');
    const outcome = await settleWithin(kv.get('k'), 3_000);
    expect(outcome.status).toBe('rejected');
  });
});

describe('backend selection', () => {
  const created: Kv[] = [];
  afterAll(async () => {
    await Promise.all(created.map((kv) => kv.close()));
  });
  const make = (config: Parameters<typeof createKv>[0]) => {
    const kv = createKv(config);
    created.push(kv);
    return kv.backend;
  };

  test('prefers Vercel KV, then Redis, then the in-process store', () => {
    const rest = { kvRestApiUrl: 'https://kv.example.com', kvRestApiToken: 't' };
    expect(make({ ...rest, redisUrl: 'redis://127.0.0.1:6379' })).toBe('vercel-kv');
    expect(make({ redisUrl: 'redis://127.0.0.1:6379' })).toBe('redis');
    expect(make({ kvRestApiUrl: 'https://kv.example.com', redisUrl: 'redis://127.0.0.1:6379' })).toBe(
      'redis',
    );
    expect(make({})).toBe('memory');
  });

  test('getKv returns one process-wide client, kept on globalThis, chosen from the environment', async () => {
    const slot = Symbol.for('chatwatch.kv');
    const scope = globalThis as Record<symbol, unknown>;
    const previous = scope[slot];
    delete scope[slot];
    try {
      const kv = getKv();
      expect(getKv()).toBe(kv);
      expect(scope[slot]).toBe(kv);
      const expected = env.KV_REST_API_URL ? 'vercel-kv' : env.REDIS_URL ? 'redis' : 'memory';
      expect(kv.backend).toBe(expected);
      await kv.close();
    } finally {
      if (previous === undefined) delete scope[slot];
      else scope[slot] = previous;
    }
  });
});
