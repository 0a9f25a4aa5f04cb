import { describe, expect, it } from 'vitest';
import { defaultRules } from '@/lib/alerts/rules/defaults';
import { thresholdsFromRules } from './thresholds';

describe('thresholdsFromRules', () => {
  it('draws the default rules: error rate 1%, p95 2 s, cache hit 80%, availability 99.9%', () => {
    expect(thresholdsFromRules(defaultRules())).toEqual({
      errorRate: { value: 0.01, label: 'alert: error rate > 1.00%' },
      p95ResponseMs: { value: 2000, label: 'alert: p95 > 2.00 s' },
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
});
