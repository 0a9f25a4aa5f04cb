import { describe, expect, it } from 'vitest';
import { computeHealthHistory, type HealthSample } from './history';

const now = new Date('2025-06-10T12:00:00.000Z');
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
const daysAgo = (d: number) => minutesAgo(d * 24 * 60);
const sample = (over: Partial<HealthSample> & Pick<HealthSample, 'checkedAt' | 'state'>): HealthSample => ({
  dependency: 'database',
  latencyMs: over.state === 'not_configured' ? null : 10,
  ...over,
});
const of = (samples: HealthSample[], dependency = 'database', slots?: number) =>
  computeHealthHistory(samples, now, slots).dependencies.find((d) => d.dependency === dependency)!;

describe('computeHealthHistory', () => {
  it('answers null uptime, null latency and an all-none strip for every dependency when there is no data', () => {
    const history = computeHealthHistory([], now);
    expect(history.dependencies.map((d) => d.dependency)).toEqual(['database', 'cache', 'ai', 'auth']);
    for (const d of history.dependencies) {
      expect(d.uptime).toEqual({ '24h': null, '7d': null, '30d': null });
      expect(d.latencyP50Ms).toBeNull();
      expect(d.strip).toHaveLength(48);
      expect(d.strip.every((s) => s.state === 'none')).toBe(true);
    }
  });

  it('leaves not_configured checks out: only those gives null, not 0%', () => {
    const d = of([sample({ dependency: 'ai', checkedAt: minutesAgo(1), state: 'not_configured' })], 'ai');
    expect(d.uptime).toEqual({ '24h': null, '7d': null, '30d': null });
    expect(d.strip.at(-1)!.state).toBe('none');
    const mixed = of([
      sample({ checkedAt: minutesAgo(1), state: 'ok' }),
      sample({ checkedAt: minutesAgo(2), state: 'not_configured' }),
      sample({ checkedAt: minutesAgo(3), state: 'fail' }),
    ]);
    expect(mixed.uptime['24h']).toBe(0.5);
  });

  it('computes uptime per window from checks of different ages, and ignores other dependencies', () => {
    // 24h: 3 ok + 1 fail; 7d adds 2 fail (2 days ago); 30d adds 4 ok (20 days ago) and a pre-aggregated 10 ok.
    const samples: HealthSample[] = [
      sample({ checkedAt: minutesAgo(0), state: 'ok' }),
      sample({ checkedAt: minutesAgo(60), state: 'ok' }),
      sample({ checkedAt: minutesAgo(120), state: 'ok' }),
      sample({ checkedAt: minutesAgo(23 * 60), state: 'fail' }),
      sample({ checkedAt: daysAgo(2), state: 'fail', count: 2, latencyMs: null }),
      sample({ checkedAt: daysAgo(20), state: 'ok', count: 4, latencyMs: null }),
      sample({ checkedAt: daysAgo(29.5), state: 'ok', count: 10, latencyMs: null }),
      sample({ checkedAt: daysAgo(31), state: 'fail', count: 100 }),
      sample({ checkedAt: minutesAgo(-1), state: 'fail' }),
      sample({ dependency: 'cache', checkedAt: minutesAgo(5), state: 'fail' }),
    ];
    const d = of(samples);
    expect(d.uptime['24h']).toBe(3 / 4);
    expect(d.uptime['7d']).toBe(3 / 6);
    expect(d.uptime['30d']).toBe(17 / 20);
    expect(of(samples, 'cache').uptime['24h']).toBe(0);
  });

  it('treats windows as (now - length, now]: a check exactly 24 h old falls into 7 d only', () => {
    const d = of([sample({ checkedAt: daysAgo(1), state: 'fail' })]);
    expect(d.uptime).toEqual({ '24h': null, '7d': 0, '30d': 0 });
    expect(d.strip.every((s) => s.state === 'none')).toBe(true);
  });

  it('fills the strip oldest first: up, down, partial and none', () => {
    // 4 slots of 6 h: slot 3 = last 6 h, slot 0 = 18..24 h ago.
    const d = of(
      [
        sample({ checkedAt: minutesAgo(10), state: 'ok' }),
        sample({ checkedAt: minutesAgo(7 * 60), state: 'fail' }),
        sample({ checkedAt: minutesAgo(20 * 60), state: 'ok' }),
        sample({ checkedAt: minutesAgo(21 * 60), state: 'fail' }),
        sample({ checkedAt: minutesAgo(22 * 60), state: 'not_configured' }),
      ],
      'database',
      4,
    );
    expect(d.strip.map((s) => s.state)).toEqual(['partial', 'none', 'down', 'up']);
    expect(d.strip[0]).toMatchObject({
      start: '2025-06-09T12:00:00.000Z',
      end: '2025-06-09T18:00:00.000Z',
      ok: 1,
      fail: 1,
    });
    expect(d.strip[3]!.end).toBe(now.toISOString());
  });

  it('puts a check on a slot boundary into the older slot, whose end is inclusive', () => {
    const d = of([sample({ checkedAt: minutesAgo(6 * 60), state: 'fail' })], 'database', 4);
    expect(d.strip.map((s) => s.state)).toEqual(['none', 'none', 'down', 'none']);
  });

  it('takes the latency median over successful checks of the last 24 h only', () => {
    const d = of([
      sample({ checkedAt: minutesAgo(1), state: 'ok', latencyMs: 10 }),
      sample({ checkedAt: minutesAgo(2), state: 'ok', latencyMs: 30 }),
      sample({ checkedAt: minutesAgo(3), state: 'ok', latencyMs: 20 }),
      sample({ checkedAt: minutesAgo(4), state: 'ok', latencyMs: 40 }),
      sample({ checkedAt: minutesAgo(5), state: 'fail', latencyMs: 5000 }),
      sample({ checkedAt: daysAgo(3), state: 'ok', latencyMs: 900 }),
    ]);
    expect(d.latencyP50Ms).toBe(25);
  });

  it('rejects a slot count that is not a positive integer', () => {
    expect(() => computeHealthHistory([], now, 0)).toThrow(RangeError);
  });
});
