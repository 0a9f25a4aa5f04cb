export const KV_BACKENDS = ['vercel-kv', 'redis', 'memory'] as const;
export type KvBackend = (typeof KV_BACKENDS)[number];

/**
 * The few KV operations the product needs. Every backend passes the same contract suite
 * (lib/kv/contract.ts). Values are strings; TTLs are seconds.
 */
export interface Kv {
  readonly backend: KvBackend;
  get(key: string): Promise<string | null>;
  /** Returns false when `onlyIfAbsent` is set and the key already exists. */
  set(key: string, value: string, options?: { ttlSeconds?: number; onlyIfAbsent?: boolean }): Promise<boolean>;
  /** Deletes keys, returns how many existed. */
  del(...keys: string[]): Promise<number>;
  /** Adds `by` and returns the new value; gives the key `ttlSeconds` when the key has no TTL yet. */
  incrBy(key: string, by: number, ttlSeconds?: number): Promise<number>;
  /** Adds each field's amount to a hash; gives the key `ttlSeconds` when it has no TTL yet. */
  hIncrBy(key: string, amounts: Record<string, number>, ttlSeconds?: number): Promise<void>;
  hGetAll(key: string): Promise<Record<string, number>>;
  /** HyperLogLog add (the in-process backend counts exactly). */
  pfAdd(key: string, members: string[], ttlSeconds?: number): Promise<void>;
  /** Approximate distinct count over the union of the keys. */
  pfCount(...keys: string[]): Promise<number>;
  /** Seconds left, -1 without TTL, -2 when missing. */
  ttl(key: string): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
