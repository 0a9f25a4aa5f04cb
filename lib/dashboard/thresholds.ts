/**
 * Threshold lines drawn on charts: the default alert rules of DESIGN.md. When alert rules are stored
 * (the alerts issue), pages read each project's enabled rules instead.
 */
export const DEFAULT_THRESHOLDS = {
  errorRate: { value: 0.01, label: 'alert: error rate > 1%' },
  p95ResponseMs: { value: 2000, label: 'alert: p95 > 2 s' },
  cacheHitRate: { value: 0.8, label: 'alert: hit rate < 80%' },
  availability: { value: 0.999, label: 'alert: availability < 99.9%' },
} as const;
