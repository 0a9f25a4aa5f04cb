import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Kv } from './types';

/**
 * The behaviour every Kv backend must share. Keys carry a random per-run prefix so parallel runs
 * against one Redis never collide; keys that outlive a test are deleted afterwards.
 */
export function kvContract(name: string, make: () => Promise<Kv> | Kv) {
  describe(`Kv contract: ${name}`, () => {
    let kv: Kv;
    const prefix = `chatwatch-test:${randomUUID()}:`;
    const used: string[] = [];
    const key = (label: string) => {
      const k = `${prefix}${label}:${used.length}`;
      used.push(k);
      return k;
    };

    beforeAll(async () => {
      kv = await make();
    });

    afterAll(async () => {
      if (!kv) return;
      await kv.del(...used);
      await kv.close();
    });

    describe('get / set', () => {
      test('a missing key reads as null', async () => {
        expect(await kv.get(key('missing'))).toBeNull();
      });

      test('set stores a value, and a later set overwrites it', async () => {
        const k = key('string');
        expect(await kv.set(k, 'one')).toBe(true);
        expect(await kv.get(k)).toBe('one');
        expect(await kv.set(k, 'two')).toBe(true);
        expect(await kv.get(k)).toBe('two');
      });

      test('values that look like JSON or numbers come back as the exact strings', async () => {
        const values = ['123', '1e3', '{"a":1}', '[1,2]', 'true', 'null', '', ' padded '];
        for (const [i, value] of values.entries()) {
          const k = key(`json-like-${i}`);
          await kv.set(k, value);
          expect(await kv.get(k)).toBe(value);
        }
      });

      test('unicode keys and values round-trip', async () => {
        const value = 'héllo wörld · 日本語 · 🚀👩‍💻 · e\u0301 · tab\tnewline\n · nul\u0000 · "quotes" \\ back';
        const k = key('ключ-🔑');
        await kv.set(k, value);
        expect(await kv.get(k)).toBe(value);
        expect(await kv.ttl(k)).toBe(-1);
      });

      test('ttlSeconds sets a TTL; a set without it stores a persistent key', async () => {
        const k = key('ttl');
        await kv.set(k, 'v', { ttlSeconds: 100 });
        const ttl = await kv.ttl(k);
        expect(ttl).toBeGreaterThan(90);
        expect(ttl).toBeLessThanOrEqual(100);

        await kv.set(k, 'w');
        expect(await kv.ttl(k)).toBe(-1);
        expect(await kv.get(k)).toBe('w');
      });

      test('onlyIfAbsent writes a missing key and refuses an existing one, keeping value and TTL', async () => {
        const k = key('nx');
        expect(await kv.set(k, 'first', { onlyIfAbsent: true, ttlSeconds: 100 })).toBe(true);
        expect(await kv.set(k, 'second', { onlyIfAbsent: true, ttlSeconds: 1000 })).toBe(false);
        expect(await kv.set(k, 'third', { onlyIfAbsent: true })).toBe(false);
        expect(await kv.get(k)).toBe('first');
        expect(await kv.ttl(k)).toBeLessThanOrEqual(100);
      });

      test('an invalid ttlSeconds is rejected and writes nothing', async () => {
        const k = key('bad-ttl');
        for (const ttlSeconds of [0, -5, 1.5, Number.NaN]) {
          await expect(kv.set(k, 'v', { ttlSeconds })).rejects.toThrow();
        }
        expect(await kv.get(k)).toBeNull();
      });

      test('get on a key of another type is rejected', async () => {
        const k = key('hash-for-get');
        await kv.hIncrBy(k, { a: 1 });
        await expect(kv.get(k)).rejects.toThrow(/WRONGTYPE/);
      });
    });

    describe('del', () => {
      test('returns how many of the keys existed, whatever their type', async () => {
        const [s, h, p, missing] = [key('del-s'), key('del-h'), key('del-p'), key('del-missing')];
        await kv.set(s, 'v');
        await kv.hIncrBy(h, { f: 1 });
        await kv.pfAdd(p, ['x']);
        expect(await kv.del(s, h, p, missing)).toBe(3);
        expect(await kv.get(s)).toBeNull();
        expect(await kv.hGetAll(h)).toEqual({});
        expect(await kv.pfCount(p)).toBe(0);
        expect(await kv.del(s, h)).toBe(0);
      });

      test('counts a key named twice once, and deletes nothing when given no keys', async () => {
        const k = key('del-twice');
        await kv.set(k, 'v');
        expect(await kv.del(k, k)).toBe(1);
        expect(await kv.del()).toBe(0);
      });
    });

    describe('incrBy', () => {
      test('creates the key from zero and accumulates, negatives included', async () => {
        const k = key('counter');
        expect(await kv.incrBy(k, 5)).toBe(5);
        expect(await kv.incrBy(k, 3)).toBe(8);
        expect(await kv.incrBy(k, -10)).toBe(-2);
        expect(await kv.get(k)).toBe('-2');
        expect(await kv.ttl(k)).toBe(-1);
      });

      test('gives a new key the TTL, and later increments do not reset it', async () => {
        const k = key('counter-ttl');
        expect(await kv.incrBy(k, 1, 100)).toBe(1);
        expect(await kv.ttl(k)).toBeGreaterThan(90);
        expect(await kv.incrBy(k, 1, 5000)).toBe(2);
        expect(await kv.incrBy(k, 1)).toBe(3);
        const ttl = await kv.ttl(k);
        expect(ttl).toBeGreaterThan(90);
        expect(ttl).toBeLessThanOrEqual(100);
      });

      test('gives a TTL to an existing key that has none', async () => {
        const k = key('counter-late-ttl');
        await kv.incrBy(k, 1);
        expect(await kv.ttl(k)).toBe(-1);
        expect(await kv.incrBy(k, 1, 100)).toBe(2);
        expect(await kv.ttl(k)).toBeGreaterThan(90);
      });

      test('continues from an integer written with set', async () => {
        const k = key('counter-from-set');
        await kv.set(k, '41');
        expect(await kv.incrBy(k, 1)).toBe(42);
      });

      test('rejects a non-integer amount, a non-integer value and an invalid TTL without writing', async () => {
        const k = key('counter-bad');
        await expect(kv.incrBy(k, 1.5)).rejects.toThrow();
        await expect(kv.incrBy(k, 1, 0)).rejects.toThrow();
        expect(await kv.get(k)).toBeNull();

        const text = key('counter-text');
        await kv.set(text, 'abc');
        await expect(kv.incrBy(text, 1)).rejects.toThrow(/not an integer/);
        expect(await kv.get(text)).toBe('abc');
      });
    });

    describe('hIncrBy / hGetAll', () => {
      test('adds several fields at once and accumulates per field', async () => {
        const k = key('hash');
        await kv.hIncrBy(k, { requests: 1, tokens: 120, errors: 0 });
        await kv.hIncrBy(k, { requests: 1, tokens: 80, 'latency-ms': 340 });
        await kv.hIncrBy(k, { errors: -1 });
        expect(await kv.hGetAll(k)).toEqual({ requests: 2, tokens: 200, errors: -1, 'latency-ms': 340 });
      });

      test('field names are kept verbatim, unicode and "__proto__" included', async () => {
        const k = key('hash-names');
        await kv.hIncrBy(k, { 'claude-sonnet-4.5': 3, 'modèle 🤖': 2, ['__proto__']: 1, constructor: 4 });
        const all = await kv.hGetAll(k);
        expect(Object.keys(all).sort()).toEqual(
          ['__proto__', 'claude-sonnet-4.5', 'constructor', 'modèle 🤖'].sort(),
        );
        expect(Object.getOwnPropertyDescriptor(all, '__proto__')?.value).toBe(1);
        expect(all['modèle 🤖']).toBe(2);
        expect(all.constructor).toBe(4);
      });

      test('a missing hash reads as an empty object, and an empty update creates nothing', async () => {
        const k = key('hash-empty');
        expect(await kv.hGetAll(k)).toEqual({});
        await kv.hIncrBy(k, {}, 100);
        expect(await kv.ttl(k)).toBe(-2);
      });

      test('gives a new hash the TTL, and later updates do not reset it', async () => {
        const k = key('hash-ttl');
        await kv.hIncrBy(k, { a: 1 }, 100);
        await kv.hIncrBy(k, { a: 1 }, 5000);
        await kv.hIncrBy(k, { b: 1 });
        const ttl = await kv.ttl(k);
        expect(ttl).toBeGreaterThan(90);
        expect(ttl).toBeLessThanOrEqual(100);
        expect(await kv.hGetAll(k)).toEqual({ a: 2, b: 1 });
      });

      test('a non-integer amount is rejected before any field is written', async () => {
        const k = key('hash-bad');
        await expect(kv.hIncrBy(k, { good: 1, bad: 0.5 })).rejects.toThrow();
        expect(await kv.hGetAll(k)).toEqual({});
      });
    });

    describe('pfAdd / pfCount', () => {
      test('counts distinct members, ignoring duplicates within and across calls', async () => {
        const k = key('hll');
        await kv.pfAdd(k, ['alice', 'bob', 'alice']);
        await kv.pfAdd(k, ['bob', 'carol', 'Ünïcødé 🙂']);
        expect(await kv.pfCount(k)).toBe(4);
      });

      test('counts the union of several keys; missing keys add nothing', async () => {
        const [a, b, missing] = [key('hll-a'), key('hll-b'), key('hll-missing')];
        await kv.pfAdd(a, ['u1', 'u2', 'u3']);
        await kv.pfAdd(b, ['u3', 'u4', 'u1', 'u5']);
        expect(await kv.pfCount(a, b)).toBe(5);
        expect(await kv.pfCount(a, b, missing)).toBe(5);
        expect(await kv.pfCount(missing)).toBe(0);
        expect(await kv.pfCount()).toBe(0);
        expect(await kv.pfCount(a)).toBe(3);
      });

      test('stays within 2% on a few thousand distinct members', async () => {
        const k = key('hll-large');
        const members = Array.from({ length: 5000 }, (_, i) => `user-${i}`);
        for (let i = 0; i < members.length; i += 1000) await kv.pfAdd(k, members.slice(i, i + 1000));
        await kv.pfAdd(k, members.slice(0, 2000));
        const count = await kv.pfCount(k);
        expect(Math.abs(count - 5000)).toBeLessThanOrEqual(100);
      });

      test('gives a new key the TTL, and later adds do not reset it', async () => {
        const k = key('hll-ttl');
        await kv.pfAdd(k, ['a'], 100);
        await kv.pfAdd(k, ['b'], 5000);
        await kv.pfAdd(k, ['c']);
        const ttl = await kv.ttl(k);
        expect(ttl).toBeGreaterThan(90);
        expect(ttl).toBeLessThanOrEqual(100);
        expect(await kv.pfCount(k)).toBe(3);
      });
    });

    describe('ttl', () => {
      test('is -2 for a missing key and -1 for a key without TTL', async () => {
        const k = key('ttl-kinds');
        expect(await kv.ttl(k)).toBe(-2);
        await kv.set(k, 'v');
        expect(await kv.ttl(k)).toBe(-1);
      });
    });

    test('keys written with a TTL disappear once it passes', async () => {
      const [s, nx, counter, hash, hll] = [
        key('exp-s'),
        key('exp-nx'),
        key('exp-n'),
        key('exp-h'),
        key('exp-p'),
      ];
      await kv.set(s, 'v', { ttlSeconds: 1 });
      await kv.set(nx, 'first', { ttlSeconds: 1, onlyIfAbsent: true });
      await kv.incrBy(counter, 7, 1);
      await kv.hIncrBy(hash, { a: 1 }, 1);
      await kv.pfAdd(hll, ['x'], 1);
      expect(await kv.get(s)).toBe('v');

      await sleep(1_300);

      expect(await kv.get(s)).toBeNull();
      expect(await kv.ttl(s)).toBe(-2);
      expect(await kv.set(nx, 'second', { onlyIfAbsent: true })).toBe(true);
      expect(await kv.get(nx)).toBe('second');
      expect(await kv.incrBy(counter, 1)).toBe(1);
      expect(await kv.hGetAll(hash)).toEqual({});
      expect(await kv.pfCount(hll)).toBe(0);
      expect(await kv.del(s, hash, hll)).toBe(0);
    });

    test('ping resolves', async () => {
      await expect(kv.ping()).resolves.toBeUndefined();
    });

    test('a closed client rejects further operations', async () => {
      const other = await make();
      const k = key('closed');
      await other.set(k, 'v');
      await other.close();
      await expect(other.get(k)).rejects.toThrow(/closed/);
      await expect(other.ping()).rejects.toThrow(/closed/);
    });
  });
}
