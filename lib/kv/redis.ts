import { createClient } from 'redis';
import { log } from '@/lib/log';
import { KvClosedError, assertIntegerAmount, assertTtlSeconds, hashFromFlatReply } from './commands';
import type { Kv } from './types';

const CONNECT_TIMEOUT_MS = 1_000;
/** Upper bound for one operation, connecting included. */
const OPERATION_TIMEOUT_MS = 2_000;

/**
 * Redis over TCP (RESP2). Connects on first use; when the connection drops, the next operation
 * reconnects. A down or wedged Redis makes operations reject within OPERATION_TIMEOUT_MS.
 */
export function createRedisKv(url: string): Kv {
  const client = createClient({
    url,
    RESP: 2,
    disableOfflineQueue: true,
    // No background reconnect loop: a lost connection closes the client and the next call reconnects.
    socket: { connectTimeout: CONNECT_TIMEOUT_MS, reconnectStrategy: false },
  });
  type Client = typeof client;

  // A Redis that is down fails every request: one line a minute, with how many were suppressed.
  client.on('error', (error: unknown) => {
    log.throttled('warn', 'kv_redis_error', {
      error: error instanceof Error ? error.message : String(error),
    });
  });

  let closed = false;
  let connecting: Promise<void> | null = null;

  function ready(): Promise<void> {
    if (client.isReady) return Promise.resolve();
    if (!connecting && !client.isOpen) {
      connecting = client
        .connect()
        .then(() => undefined)
        .finally(() => {
          connecting = null;
        });
    }
    return connecting ?? Promise.resolve();
  }

  async function run<T>(operation: (client: Client) => Promise<T>): Promise<T> {
    if (closed) throw new KvClosedError('redis');
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // node-redis never times out a command it has written, nor a stuck handshake: drop the socket.
        client.destroy();
        reject(new Error(`Redis did not answer within ${OPERATION_TIMEOUT_MS} ms`));
      }, OPERATION_TIMEOUT_MS);
    });
    try {
      return await Promise.race([ready().then(() => operation(client)), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    backend: 'redis',

    get: (key) => run((c) => c.get(key)),

    async set(key, value, options = {}) {
      assertTtlSeconds(options.ttlSeconds);
      const reply = await run((c) =>
        c.set(key, value, {
          condition: options.onlyIfAbsent ? 'NX' : undefined,
          expiration:
            options.ttlSeconds === undefined ? undefined : { type: 'EX', value: options.ttlSeconds },
        }),
      );
      return reply !== null;
    },

    del: async (...keys) => (keys.length === 0 ? 0 : run((c) => c.del(keys))),

    async incrBy(key, by, ttlSeconds) {
      assertIntegerAmount('by', by);
      assertTtlSeconds(ttlSeconds);
      if (ttlSeconds === undefined) return run((c) => c.incrBy(key, by));
      const [value] = await run((c) => c.multi().incrBy(key, by).expire(key, ttlSeconds, 'NX').exec());
      return Number(value);
    },

    async hIncrBy(key, amounts, ttlSeconds) {
      const pairs = Object.entries(amounts);
      for (const [field, amount] of pairs) assertIntegerAmount(`amount for field "${field}"`, amount);
      assertTtlSeconds(ttlSeconds);
      if (pairs.length === 0) return;
      await run((c) => {
        const multi = c.multi();
        for (const [field, amount] of pairs) multi.hIncrBy(key, field, amount);
        if (ttlSeconds !== undefined) multi.expire(key, ttlSeconds, 'NX');
        return multi.exec();
      });
    },

    // Raw reply: node-redis builds the object with plain assignment, which drops a "__proto__" field.
    hGetAll: async (key) => hashFromFlatReply(await run((c) => c.sendCommand(['HGETALL', key]))),

    async pfAdd(key, members, ttlSeconds) {
      assertTtlSeconds(ttlSeconds);
      if (ttlSeconds === undefined) await run((c) => c.pfAdd(key, members));
      else await run((c) => c.multi().pfAdd(key, members).expire(key, ttlSeconds, 'NX').exec());
    },

    pfCount: async (...keys) => (keys.length === 0 ? 0 : run((c) => c.pfCount(keys))),

    ttl: (key) => run((c) => c.ttl(key)),

    async ping() {
      await run((c) => c.ping());
    },

    async close() {
      closed = true;
      if (client.isReady) await client.close();
      else client.destroy();
    },
  };
}
