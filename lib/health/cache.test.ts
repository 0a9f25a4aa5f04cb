import { describe, expect, it } from 'vitest';
import { createHealthCache, HEALTH_CACHE_MS } from './cache';

function setup() {
  const clock = { now: 1_000_000 };
  let probes = 0;
  let release: (() => void) | undefined;
  let hold = false;
  const cache = createHealthCache(
    async () => {
      probes++;
      const n = probes;
      if (hold) await new Promise<void>((resolve) => (release = resolve));
      return { probe: n };
    },
    { now: () => clock.now },
  );
  return {
    cache,
    clock,
    probes: () => probes,
    holdNext: () => (hold = true),
    release: () => {
      hold = false;
      release?.();
    },
  };
}

describe('createHealthCache', () => {
  it('answers any number of callers within 30 s from one probe', async () => {
    const t = setup();
    const concurrent = await Promise.all(Array.from({ length: 300 }, () => t.cache.recent()));
    expect(t.probes()).toBe(1);
    expect(new Set(concurrent.map((r) => r.probe))).toEqual(new Set([1]));
    for (let i = 0; i < 100; i++) {
      t.clock.now += 290; // 100 calls spread over 29 s
      expect(await t.cache.recent()).toEqual({ probe: 1 });
    }
    expect(t.probes()).toBe(1);
    t.clock.now = 1_000_000 + HEALTH_CACHE_MS;
    expect(await t.cache.recent()).toEqual({ probe: 2 });
    expect(t.probes()).toBe(2);
  });

  it('shares a slow probe in flight instead of starting another', async () => {
    const t = setup();
    t.holdNext();
    const waiting = Array.from({ length: 50 }, () => t.cache.recent());
    const forced = t.cache.fresh();
    await Promise.resolve();
    expect(t.probes()).toBe(1);
    t.release();
    expect(await Promise.all([...waiting, forced])).toEqual(Array.from({ length: 51 }, () => ({ probe: 1 })));
  });

  it('fresh() always probes anew once the previous probe is done', async () => {
    const t = setup();
    await t.cache.fresh();
    await t.cache.fresh();
    expect(t.probes()).toBe(2);
    expect(await t.cache.recent()).toEqual({ probe: 2 });
    expect(t.probes()).toBe(2);
  });

  it("serves a result remembered from elsewhere (the cron's probe) without probing", async () => {
    const t = setup();
    t.cache.remember({ probe: 99 });
    t.clock.now += HEALTH_CACHE_MS - 1;
    expect(await t.cache.recent()).toEqual({ probe: 99 });
    expect(t.probes()).toBe(0);
    t.clock.now += 1;
    expect(await t.cache.recent()).toEqual({ probe: 1 });
  });
});
