import { describe, expect, it } from 'vitest';
import { BASELINE_BUCKETS, BASELINES, METRICS } from '../engine/types';
import { baselineOffsetsMs, metricSql } from './inputs';

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

describe('metricSql', () => {
  it('reads every metric from one event type, or any type for active users', () => {
    const types = Object.fromEntries(METRICS.map((m) => [m, metricSql(m).type]));
    expect(types).toEqual({
      error_rate: 'http.request',
      p95_response_ms: 'response.sent',
      cache_hit_rate: 'cache',
      availability: 'http.request',
      ai_error_rate: 'ai.call',
      failed_logins: 'auth.attempt',
      active_users: null,
      request_count: 'http.request',
    });
  });
});
