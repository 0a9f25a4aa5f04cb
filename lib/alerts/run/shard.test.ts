import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError } from '@/lib/http/errors';
import { parseShard, shardOf } from './shard';

describe('cron shards', () => {
  it('reads i/n and refuses anything else with a message', () => {
    expect(parseShard(null)).toBeNull();
    expect(parseShard('')).toBeNull();
    expect(parseShard('0/1')).toEqual({ index: 0, count: 1 });
    expect(parseShard(' 3/4 ')).toEqual({ index: 3, count: 4 });
    for (const bad of ['4/4', '-1/4', '1/0', 'a/b', '1', '1/2/3', '0/99999', '1.5/4']) {
      expect(() => parseShard(bad), bad).toThrow(AppError);
      expect(() => parseShard(bad), bad).toThrow(/"shard" must be i\/n/);
    }
  });

  it('puts every project in exactly one shard, the same one every time, and spreads them evenly', () => {
    const ids = Array.from({ length: 4_000 }, () => randomUUID());
    const counts = [0, 0, 0, 0];
    for (const id of ids) {
      const s = shardOf(id, 4);
      expect(shardOf(id, 4)).toBe(s);
      counts[s]! += 1;
    }
    for (const c of counts) expect(c).toBeGreaterThan(800);
    expect(shardOf('00000000-0000-0000-0000-000000000000', 1)).toBe(0);
  });
});
