import {
  BASELINES,
  CHANGE_METRICS,
  CONSECUTIVE_EVENTS,
  DEPENDENCIES,
  GROUP_BYS,
  METRICS,
  OPERATORS,
  RULE_CATEGORIES,
  SEVERITIES,
} from '@/lib/alerts/engine/types';
import {
  BASELINE_LABELS,
  DEPENDENCY_LABELS,
  EVENT_LABELS,
  METRIC_LABELS,
} from '@/lib/alerts/rules/constants';
import type { Option } from './field-parts';

const SEVERITY_HINTS = { P1: 'critical', P2: 'high', P3: 'medium', P4: 'low' } as const;

export const SEVERITY_OPTIONS: Option[] = SEVERITIES.map((s) => [s, `${s} · ${SEVERITY_HINTS[s]}`]);
export const CATEGORY_OPTIONS: Option[] = RULE_CATEGORIES.map((c) => [c, c]);
export const METRIC_OPTIONS: Option[] = METRICS.map((m) => [m, METRIC_LABELS[m]]);
export const CHANGE_METRIC_OPTIONS: Option[] = CHANGE_METRICS.map((m) => [m, METRIC_LABELS[m]]);
export const OPERATOR_OPTIONS: Option[] = OPERATORS.map((o) => [
  o,
  { '>': 'above (>)', '>=': 'at or above (≥)', '<': 'below (<)', '<=': 'at or below (≤)' }[o],
]);
export const GROUP_OPTIONS: Option[] = [
  ['', 'not grouped'],
  ...GROUP_BYS.map((g): Option => [g, `per ${g}`]),
];
export const EVENT_OPTIONS: Option[] = CONSECUTIVE_EVENTS.map((e) => [e, EVENT_LABELS[e]]);
export const BASELINE_OPTIONS: Option[] = BASELINES.map((b) => [b, BASELINE_LABELS[b]]);
export const DEPENDENCY_OPTIONS: Option[] = (['any', ...DEPENDENCIES] as const).map((d) => [
  d,
  DEPENDENCY_LABELS[d],
]);
