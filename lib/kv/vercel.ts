import { createClient } from '@vercel/kv';
import { KvClosedError, assertIntegerAmount, assertTtlSeconds, hashFromFlatReply } from './commands';
import type { Kv } from './types';

/** Bounds one HTTP round trip, retries included, so a down KV rejects instead of hanging. */
const REQUEST_TIMEOUT_MS = 5_000;

/** Vercel KV / Upstash over its REST API. Stateless HTTP: nothing to connect or tear down. */
export function createVercelKv(url: string, token: string): Kv {
  const client = createClient({
    url,
    token,
    // Values are opaque strings: without this, "123" comes back as a number and '{"a":1}' as an object.
    automaticDeserialization: false,
    enableTelemetry: false,
    retry: { retries: 2 },
    signal: () => AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  let closed = false;

  function ensureOpen() {
    if (closed) throw new KvClosedError('vercel-kv');
  }

  return {
    backend: 'vercel-kv',

    async get(key) {
      ensureOpen();
      return client.get<string>(key);
    },

    async set(key, value, options = {}) {
      ensureOpen();
      assertTtlSeconds(options.ttlSeconds);
      const ex = options.ttlSeconds;
      const reply = options.onlyIfAbsent
        ? await client.set(key, value, ex === undefined ? { nx: true } : { nx: true, ex })
        : await client.set(key, value, ex === undefined ? {} : { ex });
      return reply !== null;
    },

    async del(...keys) {
      ensureOpen();
      return keys.length === 0 ? 0 : client.del(...keys);
    },

    async incrBy(key, by, ttlSeconds) {
      ensureOpen();
      assertIntegerAmount('by', by);
      assertTtlSeconds(ttlSeconds);
      if (ttlSeconds === undefined) return client.incrby(key, by);
      const [value] = await client
        .multi()
        .incrby(key, by)
        .expire(key, ttlSeconds, 'NX')
        .exec<[number, number]>();
      return Number(value);
    },

    async hIncrBy(key, amounts, ttlSeconds) {
      ensureOpen();
      const pairs = Object.entries(amounts);
      for (const [field, amount] of pairs) assertIntegerAmount(`amount for field "${field}"`, amount);
      assertTtlSeconds(ttlSeconds);
      if (pairs.length === 0) return;
      const multi = client.multi();
      for (const [field, amount] of pairs) multi.hincrby(key, field, amount);
      if (ttlSeconds !== undefined) multi.expire(key, ttlSeconds, 'NX');
      await multi.exec();
    },

    async hGetAll(key) {
      ensureOpen();
      // With automaticDeserialization off, the client hands back RESP2's flat array untouched.
      const reply: unknown = await client.hgetall(key);
      return hashFromFlatReply(reply ?? []);
    },

    async pfAdd(key, members, ttlSeconds) {
      ensureOpen();
      assertTtlSeconds(ttlSeconds);
      if (ttlSeconds === undefined) {
        await client.pfadd(key, ...members);
        return;
      }
      await client
        .multi()
        .pfadd(key, ...members)
        .expire(key, ttlSeconds, 'NX')
        .exec();
    },

    async pfCount(...keys) {
      ensureOpen();
      const [first, ...rest] = keys;
      return first === undefined ? 0 : client.pfcount(first, ...rest);
    },

    async ttl(key) {
      ensureOpen();
      return client.ttl(key);
    },

    async ping() {
      ensureOpen();
      await client.ping();
    },

    async close() {
      closed = true;
    },
  };
}
