import { KvClosedError, assertIntegerAmount, assertTtlSeconds } from './commands';
import type { Kv } from './types';

type Value =
  | { kind: 'string'; value: string }
  | { kind: 'hash'; fields: Map<string, number> }
  | { kind: 'hll'; members: Set<string> };

type Entry = Value & { expiresAt: number | null };

const SWEEP_INTERVAL_MS = 30_000;
const INTEGER = /^-?\d+$/;

function wrongType(): Error {
  return new Error('WRONGTYPE Operation against a key holding the wrong kind of value');
}

/**
 * In-process backend for development and tests: one process, no persistence. Mirrors Redis semantics
 * (TTL rounding, EXPIRE NX, WRONGTYPE errors) except that pfCount is exact.
 */
export function createMemoryKv(): Kv {
  const store = new Map<string, Entry>();
  let closed = false;

  const isExpired = (entry: Entry, now: number) => entry.expiresAt !== null && entry.expiresAt <= now;

  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [key, entry] of store) {
      if (isExpired(entry, now)) store.delete(key);
    }
  }, SWEEP_INTERVAL_MS);
  sweep.unref();

  function ensureOpen() {
    if (closed) throw new KvClosedError('memory');
  }

  function live(key: string): Entry | undefined {
    const entry = store.get(key);
    if (entry && isExpired(entry, Date.now())) {
      store.delete(key);
      return undefined;
    }
    return entry;
  }

  function expiryFrom(ttlSeconds: number | undefined): number | null {
    return ttlSeconds === undefined ? null : Date.now() + ttlSeconds * 1000;
  }

  /** EXPIRE ... NX: only a key without a TTL gets one. */
  function expireIfPersistent(entry: Entry, ttlSeconds: number | undefined) {
    if (ttlSeconds !== undefined && entry.expiresAt === null) entry.expiresAt = expiryFrom(ttlSeconds);
  }

  function liveOfKind<K extends Value['kind']>(
    key: string,
    kind: K,
  ): Extract<Entry, { kind: K }> | undefined {
    const entry = live(key);
    if (entry && entry.kind !== kind) throw wrongType();
    return entry as Extract<Entry, { kind: K }> | undefined;
  }

  function createEntry<E extends Entry>(key: string, entry: E): E {
    store.set(key, entry);
    return entry;
  }

  return {
    backend: 'memory',

    async get(key) {
      ensureOpen();
      return liveOfKind(key, 'string')?.value ?? null;
    },

    async set(key, value, options = {}) {
      ensureOpen();
      assertTtlSeconds(options.ttlSeconds);
      if (options.onlyIfAbsent && live(key)) return false;
      store.set(key, { kind: 'string', value, expiresAt: expiryFrom(options.ttlSeconds) });
      return true;
    },

    async del(...keys) {
      ensureOpen();
      let deleted = 0;
      for (const key of keys) {
        if (live(key)) {
          store.delete(key);
          deleted += 1;
        }
      }
      return deleted;
    },

    async incrBy(key, by, ttlSeconds) {
      ensureOpen();
      assertIntegerAmount('by', by);
      assertTtlSeconds(ttlSeconds);
      const entry =
        liveOfKind(key, 'string') ?? createEntry(key, { kind: 'string', value: '0', expiresAt: null });
      if (!INTEGER.test(entry.value)) throw new Error('ERR value is not an integer or out of range');
      const next = Number(entry.value) + by;
      if (!Number.isSafeInteger(next)) throw new Error('ERR increment or decrement would overflow');
      entry.value = String(next);
      expireIfPersistent(entry, ttlSeconds);
      return next;
    },

    async hIncrBy(key, amounts, ttlSeconds) {
      ensureOpen();
      const pairs = Object.entries(amounts);
      for (const [field, amount] of pairs) assertIntegerAmount(`amount for field "${field}"`, amount);
      assertTtlSeconds(ttlSeconds);
      if (pairs.length === 0) return;
      const entry =
        liveOfKind(key, 'hash') ?? createEntry(key, { kind: 'hash', fields: new Map(), expiresAt: null });
      for (const [field, amount] of pairs) entry.fields.set(field, (entry.fields.get(field) ?? 0) + amount);
      expireIfPersistent(entry, ttlSeconds);
    },

    async hGetAll(key) {
      ensureOpen();
      return Object.fromEntries(liveOfKind(key, 'hash')?.fields ?? []);
    },

    async pfAdd(key, members, ttlSeconds) {
      ensureOpen();
      assertTtlSeconds(ttlSeconds);
      const entry =
        liveOfKind(key, 'hll') ?? createEntry(key, { kind: 'hll', members: new Set(), expiresAt: null });
      for (const member of members) entry.members.add(member);
      expireIfPersistent(entry, ttlSeconds);
    },

    async pfCount(...keys) {
      ensureOpen();
      const union = new Set<string>();
      for (const key of keys) {
        for (const member of liveOfKind(key, 'hll')?.members ?? []) union.add(member);
      }
      return union.size;
    },

    async ttl(key) {
      ensureOpen();
      const entry = live(key);
      if (!entry) return -2;
      if (entry.expiresAt === null) return -1;
      // Redis rounds the remaining milliseconds to the nearest second.
      return Math.floor((Math.max(0, entry.expiresAt - Date.now()) + 500) / 1000);
    },

    async ping() {
      ensureOpen();
    },

    async close() {
      closed = true;
      clearInterval(sweep);
      store.clear();
    },
  };
}
