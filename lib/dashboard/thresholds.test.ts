import { describe, expect, it } from 'vitest';
import type { Rule } from '@/lib/alerts/engine/types';
import { defaultRules } from '@/lib/alerts/rules/defaults';
import { thresholdsFromRules } from './thresholds';

describe('thresholdsFromRules', () => {
  it('draws the default rules: error rate 1%, p95 first response 2 s, cache hit 80%, availability 99.9%', () => {
    expect(thresholdsFromRules(defaultRules())).toEqual({
      errorRate: { value: 0.01, label: 'alert: error rate > 1.00%' },
      p95FirstResponseMs: { value: 2000, label: 'alert: p95 first response > 2.00 s' },
      cacheHitRate: { value: 0.8, label: 'alert: hit rate < 80.0%' },
      availability: { value: 0.999, label: 'alert: availability < 99.9%' },
    });
  });

  it('follows an edited rule and drops a disabled one', () => {
    const rules = defaultRules().map((rule) => {
      if (rule.kind === 'threshold' && rule.metric === 'error_rate') return { ...rule, value: 0.05 };
      if (rule.kind === 'threshold' && rule.metric === 'cache_hit_rate') return { ...rule, enabled: false };
      return rule;
    });
    const thresholds = thresholdsFromRules(rules);
    expect(thresholds.errorRate?.value).toBe(0.05);
    expect(thresholds.cacheHitRate).toBeUndefined();
  });

  it('draws each latency rule on the chart of its own metric', () => {
    const rules = defaultRules();
    const firstResponse = rules.find((rule) => rule.key === 'p95-response-time')!;
    const others = rules.filter((rule) => rule !== firstResponse);
    const thresholds = thresholdsFromRules([
      ...others,
      { ...firstResponse, metric: 'p95_response_ms', value: 5000 } as Rule,
      { ...firstResponse, key: 'ai-latency', metric: 'ai_p95_latency_ms', value: 8000 } as Rule,
    ]);
    expect(thresholds.p95ResponseMs).toEqual({ value: 5000, label: 'alert: p95 > 5.00 s' });
    expect(thresholds.aiP95LatencyMs).toEqual({ value: 8000, label: 'alert: p95 > 8.00 s' });
    expect(thresholds.p95FirstResponseMs).toBeUndefined();
  });
});
