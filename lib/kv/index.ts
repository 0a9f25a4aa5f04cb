import { env } from '@/lib/env';
import { createMemoryKv } from './memory';
import { createRedisKv } from './redis';
import type { Kv } from './types';
import { createVercelKv } from './vercel';

export type { Kv, KvBackend } from './types';
export { KV_BACKENDS } from './types';

export type KvConfig = {
  kvRestApiUrl?: string;
  kvRestApiToken?: string;
  redisUrl?: string;
};

/** Vercel KV when its REST credentials are set, else Redis over TCP, else the in-process store. */
export function createKv(config: KvConfig): Kv {
  if (config.kvRestApiUrl && config.kvRestApiToken)
    return createVercelKv(config.kvRestApiUrl, config.kvRestApiToken);
  if (config.redisUrl) return createRedisKv(config.redisUrl);
  return createMemoryKv();
}

// Next bundles this module more than once per process; globalThis keeps a single client (and store).
const KV_SINGLETON: unique symbol = Symbol.for('chatwatch.kv');
type GlobalWithKv = typeof globalThis & { [KV_SINGLETON]?: Kv };

export function getKv(): Kv {
  const scope = globalThis as GlobalWithKv;
  scope[KV_SINGLETON] ??= createKv({
    kvRestApiUrl: env.KV_REST_API_URL,
    kvRestApiToken: env.KV_REST_API_TOKEN,
    redisUrl: env.REDIS_URL,
  });
  return scope[KV_SINGLETON];
}
