/**
 * The rule editor's form, validated per rule kind, in the units people type (percent, seconds to days,
 * USD, × baseline) and converted to the engine's (fractions, milliseconds). Pure: no I/O.
 */
import { z } from 'zod';
import { slugify } from '@/lib/settings/slug';
import { DEFAULT_RULES } from './defaults';
import { DEFAULT_REPEAT_INTERVAL_MS } from '../engine/routing';
import {
  BASELINES,
  CHANGE_METRICS,
  CONSECUTIVE_EVENTS,
  DEPENDENCIES,
  GROUP_BYS,
  METRICS,
  OPERATORS,
  RULE_CATEGORIES,
  RULE_KINDS,
  SEVERITIES,
  type Metric,
  type Rule,
  type RuleKind,
  type Series,
} from '../engine/types';
import { needsName } from '@/lib/metrics/catalog';
import {
  DEFAULT_CATEGORY,
  DURATION_UNITS,
  FOR_MAX_MS,
  METRIC_LABELS,
  METRIC_UNITS,
  REPEAT_MAX_MS,
  REPEAT_MIN_MS,
  WINDOW_MAX_MS,
  WINDOW_MIN_MS,
  type DurationUnit,
} from './constants';
import { describeMs, msOf, splitDuration, toFraction, toPercent } from './units';

const MAX_MS_THRESHOLD = 600_000;
const DEFAULT_MIN_ELAPSED_FRACTION = 1 / 24;

const blankAsUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const number = (label: string, unit = '') =>
  z.preprocess(
    blankAsUndefined,
    z.coerce.number({ error: `${label}: enter a number${unit ? ` (${unit})` : ''}.` }),
  );
const wholeNumber = (label: string, min: number, max: number) =>
  number(label)
    .pipe(z.number().int(`${label} must be a whole number.`))
    .pipe(
      z.number().min(min, `${label} must be at least ${min}.`).max(max, `${label} must be at most ${max}.`),
    );
const optionalNumber = (label: string, unit = '') =>
  z.preprocess(
    blankAsUndefined,
    z.coerce
      .number({ error: `${label}: enter a number${unit ? ` (${unit})` : ''}, or leave it blank.` })
      .optional(),
  );
const unit = (label: string) =>
  z.enum(DURATION_UNITS, { error: `${label} unit must be seconds, minutes, hours or days.` });
const choice = <T extends readonly [string, ...string[]]>(values: T, message: string) =>
  z.enum(values, { error: message });
const optionalChoice = <T extends readonly [string, ...string[]]>(values: T, message: string) =>
  z.preprocess(blankAsUndefined, z.enum(values, { error: message }).optional());
const list = (values: readonly string[]) => values.join(', ');
/** Postgres text cannot hold a NUL character: refused with the field named, never a failed save. */
const NUL = /\u0000/;
const nulMessage = (label: string) => `${label} cannot contain a NUL character (\\u0000); remove it.`;

const baseFields = {
  name: z
    .string({ error: 'Name the rule.' })
    .trim()
    .min(1, 'Name the rule.')
    .max(100, 'Keep the rule name to 100 characters.')
    .refine((v) => !NUL.test(v), nulMessage('The name')),
  description: z.preprocess(
    (v) => v ?? '',
    z
      .string()
      .trim()
      .max(500, 'Keep the description to 500 characters.')
      .refine((v) => !NUL.test(v), nulMessage('The description')),
  ),
  severity: choice(SEVERITIES, `Severity must be one of ${list(SEVERITIES)}.`),
  category: optionalChoice(RULE_CATEGORIES, `Category must be one of ${list(RULE_CATEGORIES)}.`),
  forAmount: optionalNumber('For', 'a duration'),
  forUnit: unit('For').default('m'),
  repeatAmount: optionalNumber('Repeat every', 'a duration'),
  repeatUnit: unit('Repeat every').default('h'),
};

const windowFields = { windowAmount: number('Window', 'a duration'), windowUnit: unit('Window') };
const groupBy = optionalChoice(GROUP_BYS, `Group by must be one of ${list(GROUP_BYS)}, or none.`);
const minSamples = wholeNumber('Minimum samples', 0, 1_000_000);

type Ctx = z.core.$RefinementCtx;

function checkDuration(ctx: Ctx, field: string, label: string, ms: number, minMs: number, maxMs: number) {
  if (ms < minMs || ms > maxMs)
    ctx.addIssue({
      code: 'custom',
      path: [field],
      message:
        minMs === 0
          ? `${label} must be at most ${describeMs(maxMs)} (0 fires on the first breach).`
          : `${label} must be between ${describeMs(minMs)} and ${describeMs(maxMs)}.`,
    });
}

function checkFor(
  ctx: Ctx,
  v: {
    forAmount?: number | undefined;
    forUnit: DurationUnit;
    repeatAmount?: number | undefined;
    repeatUnit: DurationUnit;
  },
) {
  checkDuration(ctx, 'forAmount', 'For', msOf(v.forAmount ?? 0, v.forUnit), 0, FOR_MAX_MS);
  if (v.repeatAmount !== undefined) {
    const ms = msOf(v.repeatAmount, v.repeatUnit);
    if (ms !== 0 && (ms < REPEAT_MIN_MS || ms > REPEAT_MAX_MS))
      ctx.addIssue({
        code: 'custom',
        path: ['repeatAmount'],
        message: `Repeat every must be between ${describeMs(REPEAT_MIN_MS)} and ${describeMs(REPEAT_MAX_MS)}, or 0 for never.`,
      });
  }
}

function checkWindow(ctx: Ctx, v: { windowAmount: number; windowUnit: DurationUnit }) {
  checkDuration(
    ctx,
    'windowAmount',
    'Window',
    msOf(v.windowAmount, v.windowUnit),
    WINDOW_MIN_MS,
    WINDOW_MAX_MS,
  );
}

const thresholdForm = z
  .object({
    kind: z.literal('threshold'),
    ...baseFields,
    metric: choice(METRICS, `Metric must be one of ${list(METRICS)}.`),
    seriesName: z.preprocess(
      blankAsUndefined,
      z
        .string()
        .trim()
        .max(200, 'Keep the metric name to 200 characters.')
        .regex(/^[^\s]+$/, 'The metric name has no spaces (cpu.utilization).')
        .refine((v) => !NUL.test(v), nulMessage('The metric name'))
        .optional(),
    ),
    seriesLabels: z.preprocess(
      (v) => (typeof v === 'string' ? v : ''),
      z
        .string()
        .max(1000, 'Keep the labels to 1000 characters.')
        .refine((v) => !NUL.test(v), nulMessage('The labels')),
    ),
    operator: choice(OPERATORS, `Operator must be one of ${list(OPERATORS)}.`),
    value: number('Threshold'),
    ...windowFields,
    minSamples,
    groupBy,
  })
  .superRefine((v, ctx) => {
    if (needsName(v.metric) && v.seriesName === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['seriesName'],
        message: `${METRIC_LABELS[v.metric]} needs the name of the series it watches (cpu.utilization, LCP).`,
      });
    if (parseLabels(v.seriesLabels) === null)
      ctx.addIssue({
        code: 'custom',
        path: ['seriesLabels'],
        message: 'Labels are key=value pairs separated by commas (pool=main, region=eu).',
      });
    checkThresholdValue(ctx, v.metric, v.value);
    checkWindow(ctx, v);
    checkFor(ctx, v);
  });

function checkThresholdValue(ctx: Ctx, metric: Metric, value: number) {
  const message = {
    percent: value < 0 || value > 100 ? 'Threshold must be between 0% and 100%.' : null,
    ms:
      value < 0 || value > MAX_MS_THRESHOLD
        ? `Threshold must be between 0 and ${MAX_MS_THRESHOLD} ms (10 minutes).`
        : null,
    count: value < 0 ? 'Threshold cannot be negative.' : null,
  }[METRIC_UNITS[metric]];
  if (message) ctx.addIssue({ code: 'custom', path: ['value'], message });
}

const consecutiveForm = z
  .object({
    kind: z.literal('consecutive'),
    ...baseFields,
    event: choice(CONSECUTIVE_EVENTS, `Event must be one of ${list(CONSECUTIVE_EVENTS)}.`),
    count: wholeNumber('Count', 1, 1000),
    withinAmount: number('Within', 'a duration'),
    withinUnit: unit('Within'),
    groupBy: optionalChoice(
      ['model'] as const,
      'Consecutive failures can only be grouped by model, or not at all.',
    ),
  })
  .superRefine((v, ctx) => {
    checkDuration(
      ctx,
      'withinAmount',
      'Within',
      msOf(v.withinAmount, v.withinUnit),
      WINDOW_MIN_MS,
      WINDOW_MAX_MS,
    );
    checkFor(ctx, v);
  });

const changeForm = z
  .object({
    kind: z.literal('change'),
    ...baseFields,
    metric: choice(
      CHANGE_METRICS,
      `A change rule compares a metric that needs no name: one of ${list(CHANGE_METRICS)}.`,
    ),
    baseline: choice(BASELINES, `Baseline must be one of ${list(BASELINES)}.`),
    direction: choice(['drop', 'rise'] as const, 'Direction must be drop or rise.'),
    dropPercent: optionalNumber('Drop', '%'),
    riseFactor: optionalNumber('Rise', '× the baseline'),
    ...windowFields,
    minSamples,
    groupBy,
  })
  .superRefine((v, ctx) => {
    if (v.direction === 'drop' && (v.dropPercent === undefined || v.dropPercent <= 0 || v.dropPercent > 100))
      ctx.addIssue({
        code: 'custom',
        path: ['dropPercent'],
        message: 'Drop must be more than 0% and at most 100% (20 = a 20% drop).',
      });
    if (v.direction === 'rise' && (v.riseFactor === undefined || v.riseFactor <= 1 || v.riseFactor > 1000))
      ctx.addIssue({
        code: 'custom',
        path: ['riseFactor'],
        message: 'Rise must be more than 1× and at most 1000× the baseline (2 = twice the baseline).',
      });
    checkWindow(ctx, v);
    checkFor(ctx, v);
  });

const budgetForm = z
  .object({
    kind: z.literal('budget'),
    ...baseFields,
    dailyBudgetUsd: optionalNumber('Daily budget', 'USD'),
    thresholdPercent: number('Alert at', '% of the daily budget'),
  })
  .superRefine((v, ctx) => {
    if (v.dailyBudgetUsd !== undefined && (v.dailyBudgetUsd <= 0 || v.dailyBudgetUsd > 10_000_000))
      ctx.addIssue({
        code: 'custom',
        path: ['dailyBudgetUsd'],
        message:
          "Daily budget must be more than $0 (and at most $10,000,000), or blank to use the project's budget.",
      });
    if (v.thresholdPercent < 1 || v.thresholdPercent > 1000)
      ctx.addIssue({
        code: 'custom',
        path: ['thresholdPercent'],
        message: 'Alert at must be between 1% and 1000% of the daily budget (150 = 50% over).',
      });
    checkFor(ctx, v);
  });

const healthForm = z
  .object({
    kind: z.literal('health'),
    ...baseFields,
    dependency: choice(
      ['any', ...DEPENDENCIES] as const,
      `Dependency must be any, or one of ${list(DEPENDENCIES)}.`,
    ),
    failures: wholeNumber('Failed checks in a row', 1, 100),
  })
  .superRefine((v, ctx) => checkFor(ctx, v));

/** `pool=main, region=eu` as labels; '' is none; null when a pair is not key=value. */
export function parseLabels(text: string): Record<string, string> | null {
  const labels: Record<string, string> = {};
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? '' : part.slice(0, eq).trim();
    if (key === '') return null;
    labels[key] = part.slice(eq + 1).trim();
  }
  return labels;
}

export function formatLabels(labels: Record<string, string> | undefined): string {
  return Object.entries(labels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

function seriesOf(name: string, labelsText: string): Series {
  const labels = parseLabels(labelsText) ?? {};
  return Object.keys(labels).length > 0 ? { name, labels } : { name };
}

type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** Everything the editor sets; `toRule` adds the key, the enabled flag and fields the form does not show. */
export type RuleFields = Without<Rule, 'key' | 'enabled' | 'minBaselineCoverage' | 'minElapsedFraction'>;

type FormOutput = z.output<typeof ruleFormUnion>;

const ruleFormUnion = z.discriminatedUnion(
  'kind',
  [thresholdForm, consecutiveForm, changeForm, budgetForm, healthForm],
  {
    error: `Pick a rule kind: ${list(RULE_KINDS)}.`,
  },
);

export const ruleFormSchema = ruleFormUnion.transform(toFields);

function toFields(v: FormOutput): RuleFields {
  const base = {
    name: v.name,
    description: v.description,
    severity: v.severity,
    category: v.category ?? DEFAULT_CATEGORY[v.kind],
    forMs: msOf(v.forAmount ?? 0, v.forUnit),
    // The default (4 h) is not stored, so a rule left at it follows the default.
    ...(v.repeatAmount === undefined || msOf(v.repeatAmount, v.repeatUnit) === DEFAULT_REPEAT_INTERVAL_MS
      ? {}
      : { repeatIntervalMs: msOf(v.repeatAmount, v.repeatUnit) }),
  };
  const grouped = <G>(g: G | undefined) => (g === undefined ? {} : { groupBy: g });
  switch (v.kind) {
    case 'threshold':
      return {
        ...base,
        kind: 'threshold',
        metric: v.metric,
        ...(needsName(v.metric) ? { series: seriesOf(v.seriesName!, v.seriesLabels) } : {}),
        operator: v.operator,
        value: METRIC_UNITS[v.metric] === 'percent' ? toFraction(v.value) : v.value,
        windowMs: msOf(v.windowAmount, v.windowUnit),
        minSamples: v.minSamples,
        ...grouped(v.groupBy),
      };
    case 'consecutive':
      return {
        ...base,
        kind: 'consecutive',
        event: v.event,
        count: v.count,
        withinMs: msOf(v.withinAmount, v.withinUnit),
        ...grouped(v.groupBy),
      };
    case 'change':
      return {
        ...base,
        kind: 'change',
        metric: v.metric,
        baseline: v.baseline,
        ...(v.direction === 'drop'
          ? { direction: 'drop' as const, ratio: toFraction(v.dropPercent!) }
          : { direction: 'rise' as const, factor: v.riseFactor! }),
        windowMs: msOf(v.windowAmount, v.windowUnit),
        minSamples: v.minSamples,
        ...grouped(v.groupBy),
      };
    case 'budget':
      return {
        ...base,
        kind: 'budget',
        dailyBudgetUsd: v.dailyBudgetUsd ?? null,
        thresholdRatio: toFraction(v.thresholdPercent),
      };
    case 'health':
      return { ...base, kind: 'health', dependency: v.dependency, failures: v.failures };
  }
}

/**
 * The stored rule for edited fields. Fields the editor does not show (a change rule's baseline coverage,
 * a budget rule's minimum elapsed fraction) are kept from `previous` when it has the same kind.
 */
export function toRule(fields: RuleFields, key: string, enabled: boolean, previous?: Rule): Rule {
  const same = previous?.kind === fields.kind ? previous : undefined;
  switch (fields.kind) {
    case 'change': {
      const coverage = same?.kind === 'change' ? same.minBaselineCoverage : undefined;
      return {
        ...fields,
        key,
        enabled,
        ...(coverage === undefined ? {} : { minBaselineCoverage: coverage }),
      };
    }
    case 'budget':
      return {
        ...fields,
        key,
        enabled,
        minElapsedFraction: same?.kind === 'budget' ? same.minElapsedFraction : DEFAULT_MIN_ELAPSED_FRACTION,
      };
    default:
      return { ...fields, key, enabled };
  }
}

const uuid = (what: string) => z.uuid({ error: `Pick the ${what} first.` });
export const projectIdSchema = z.object({ projectId: uuid('project') });
export const ruleRefSchema = z.object({ projectId: uuid('project'), ruleId: uuid('rule') });
const nested = ruleFormSchema.transform((fields) => ({ fields }));
export const createRuleSchema = projectIdSchema.and(nested);
export const updateRuleSchema = ruleRefSchema.and(nested);
export const setRuleEnabledSchema = ruleRefSchema.extend({
  enabled: z
    .enum(['true', 'false'], { error: 'Say whether the rule is enabled.' })
    .transform((v) => v === 'true'),
});

// ---- the other direction: a stored rule as form values ----

function repeatValues(ms: number): { repeatAmount: string; repeatUnit: DurationUnit } {
  if (ms === 0) return { repeatAmount: '0', repeatUnit: 'h' };
  const { amount, unit } = splitDuration(ms);
  return { repeatAmount: String(amount), repeatUnit: unit };
}

export type RuleFormValues = Record<string, string>;

/** The editor's field values for a rule (the inverse of `ruleFormSchema`). */
export function ruleFormValues(rule: Rule): RuleFormValues {
  const forParts = splitDuration(rule.forMs);
  const base: RuleFormValues = {
    kind: rule.kind,
    name: rule.name,
    description: rule.description,
    severity: rule.severity,
    category: rule.category,
    forAmount: String(rule.forMs === 0 ? 0 : forParts.amount),
    forUnit: rule.forMs === 0 ? 'm' : forParts.unit,
    ...repeatValues(rule.repeatIntervalMs ?? DEFAULT_REPEAT_INTERVAL_MS),
  };
  const window = (ms: number, prefix: 'window' | 'within') => {
    const { amount, unit } = splitDuration(ms);
    return { [`${prefix}Amount`]: String(amount), [`${prefix}Unit`]: unit };
  };
  switch (rule.kind) {
    case 'threshold':
      return {
        ...base,
        metric: rule.metric,
        seriesName: rule.series?.name ?? '',
        seriesLabels: formatLabels(rule.series?.labels),
        operator: rule.operator,
        value: String(METRIC_UNITS[rule.metric] === 'percent' ? toPercent(rule.value) : rule.value),
        ...window(rule.windowMs, 'window'),
        minSamples: String(rule.minSamples),
        groupBy: rule.groupBy ?? '',
      };
    case 'consecutive':
      return {
        ...base,
        event: rule.event,
        count: String(rule.count),
        ...window(rule.withinMs, 'within'),
        groupBy: rule.groupBy ?? '',
      };
    case 'change':
      return {
        ...base,
        metric: rule.metric,
        baseline: rule.baseline,
        direction: rule.direction,
        dropPercent: rule.direction === 'drop' ? String(toPercent(rule.ratio)) : '20',
        riseFactor: rule.direction === 'rise' ? String(rule.factor) : '2',
        ...window(rule.windowMs, 'window'),
        minSamples: String(rule.minSamples),
        groupBy: rule.groupBy ?? '',
      };
    case 'budget':
      return {
        ...base,
        dailyBudgetUsd: rule.dailyBudgetUsd === null ? '' : String(rule.dailyBudgetUsd),
        thresholdPercent: String(toPercent(rule.thresholdRatio)),
      };
    case 'health':
      return { ...base, dependency: rule.dependency, failures: String(rule.failures) };
  }
}

// ---- keys and audit diffs ----

/** `custom-<slug of the name>`, with -2, -3, ... when the project already has that key. */
export function customRuleKey(name: string, taken: ReadonlySet<string>): string {
  const stem = `custom-${slugify(name).slice(0, 48).replace(/-+$/, '') || 'rule'}`;
  if (!taken.has(stem)) return stem;
  for (let n = 2; ; n++) if (!taken.has(`${stem}-${n}`)) return `${stem}-${n}`;
}

export type RuleChange = { before: Record<string, unknown>; after: Record<string, unknown> };

/** Only the fields that differ, for the audit log. */
export function diffRules(before: Rule, after: Rule): RuleChange {
  const out: RuleChange = { before: {}, after: {} };
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  for (const field of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (JSON.stringify(b[field]) === JSON.stringify(a[field])) continue;
    out.before[field] = b[field] ?? null;
    out.after[field] = a[field] ?? null;
  }
  return out;
}

export const hasChanges = (change: RuleChange) => Object.keys(change.after).length > 0;

/** Starting values of the "add rule" form per kind: the first default rule of that kind, unnamed. */
export function ruleTemplates(): Record<RuleKind, RuleFormValues> {
  const entries = RULE_KINDS.map((kind) => {
    const model = DEFAULT_RULES.find((r) => r.kind === kind)!;
    const values: RuleFormValues = { ...ruleFormValues(model), name: '', description: '' };
    return [kind, values] as const;
  });
  return Object.fromEntries(entries) as Record<RuleKind, RuleFormValues>;
}
