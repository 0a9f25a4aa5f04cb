import type { Metric, Rule } from '@/lib/alerts/engine/types';
import { formatValue, type Unit } from '@/lib/format';

export type Threshold = { value: number; label: string };
export const CHART_THRESHOLDS = [
  'errorRate',
  'p95ResponseMs',
  'p95FirstResponseMs',
  'aiP95LatencyMs',
  'cacheHitRate',
  'availability',
] as const;
export type ChartThreshold = (typeof CHART_THRESHOLDS)[number];
export type ChartThresholds = Partial<Record<ChartThreshold, Threshold>>;

const BY_METRIC: Partial<Record<Metric, { chart: ChartThreshold; label: string; unit: Unit }>> = {
  error_rate: { chart: 'errorRate', label: 'error rate', unit: 'percent' },
  p95_response_ms: { chart: 'p95ResponseMs', label: 'p95', unit: 'ms' },
  p95_first_response_ms: { chart: 'p95FirstResponseMs', label: 'p95 first response', unit: 'ms' },
  ai_p95_latency_ms: { chart: 'aiP95LatencyMs', label: 'p95', unit: 'ms' },
  cache_hit_rate: { chart: 'cacheHitRate', label: 'hit rate', unit: 'percent' },
  availability: { chart: 'availability', label: 'availability', unit: 'percent' },
};

/** The threshold line of each chart: the project's enabled, ungrouped threshold rule on that metric. */
export function thresholdsFromRules(rules: readonly Rule[]): ChartThresholds {
  const out: ChartThresholds = {};
  for (const rule of rules) {
    if (rule.kind !== 'threshold' || !rule.enabled || rule.groupBy) continue;
    const target = BY_METRIC[rule.metric];
    if (!target || out[target.chart]) continue;
    out[target.chart] = {
      value: rule.value,
      label: `alert: ${target.label} ${rule.operator} ${formatValue(rule.value, target.unit)}`,
    };
  }
  return out;
}
