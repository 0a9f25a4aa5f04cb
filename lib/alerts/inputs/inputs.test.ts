import { describe, expect, it } from 'vitest';
import { BASELINE_BUCKETS, BASELINES, CHANGE_METRICS, METRICS } from '../engine/types';
import { METRIC_IDS } from '@/lib/metrics/catalog';
import { baselineOffsetsMs } from './inputs';

const DAY = 86_400_000;

describe('baselineOffsetsMs', () => {
  it('gives one window per baseline bucket the engine expects', () => {
    for (const b of BASELINES) expect(baselineOffsetsMs(b)).toHaveLength(BASELINE_BUCKETS[b]);
  });
  it('shifts by a day, a week, or each of the last seven days', () => {
    expect(baselineOffsetsMs('previous_day')).toEqual([DAY]);
    expect(baselineOffsetsMs('same_hour_last_week')).toEqual([7 * DAY]);
    expect(baselineOffsetsMs('7d_average')).toEqual([1, 2, 3, 4, 5, 6, 7].map((d) => d * DAY));
  });
});

describe('rule metrics', () => {
  it('are metrics of the catalog, the figures the dashboards show, the eight of the first release among them', () => {
    for (const m of METRICS) expect(METRIC_IDS).toContain(m);
    for (const m of [
      'error_rate',
      'p95_response_ms',
      'cache_hit_rate',
      'availability',
      'ai_error_rate',
      'failed_logins',
      'active_users',
      'request_count',
    ] as const) {
      expect(METRICS).toContain(m);
    }
    expect(METRICS).toContain('p95_first_response_ms');
    // Named metrics too: a rule names the series (cpu.utilization) they read.
    expect(METRICS).toContain('metric_average');
    expect(CHANGE_METRICS).not.toContain('metric_average');
  });
});
