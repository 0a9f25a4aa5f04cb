import type { EventType } from '@/lib/ingest/schema';
import { groupRows, metricDef, specFor, valueOf, type Aggregation } from '../catalog';
import { binValue, mergeBins } from '../histogram';
import type { RollupRow, RollupSpec } from '../rollups/read';
import type { Dimension, Measure } from '../rollups/shape';
import { FIELD_SUMS, fieldOf, typeOf, type Family, type HistogramFamily } from './families';

/**
 * The Prometheus text exposition format (version 0.0.4) of catalog figures: pure, from the rollup rows the
 * query module read (lib/metrics/queries/prometheus.ts).
 */

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * Series per family at most: the largest (by value, or by count for histograms). Service, environment and route
 * come from what clients send, browsers included, so without a bound one page could make every scrape huge.
 */
export const MAX_SERIES_PER_FAMILY = 500;

/**
 * Sums are rounded to this many decimals: float additions in another grouping (raw rows, then rollups) differ in
 * the last bits, and a counter a bit lower than at the last scrape would read as a reset to Prometheus.
 */
const SUM_DECIMALS = 9;
const roundSum = (v: number) => Math.round(v * 10 ** SUM_DECIMALS) / 10 ** SUM_DECIMALS;

function largest<S extends { samples: Sample[] }>(series: S[], n: number): S[] {
  const size = (s: { samples: Sample[] }) =>
    s.samples.length === 1 ? s.samples[0]!.value : (s.samples.find((x) => x.suffix === '_count')?.value ?? 0);
  return [...series].sort((a, b) => size(b) - size(a)).slice(0, n);
}

export type Labels = readonly (readonly [string, string])[];
export type Sample = { suffix: string; labels: Labels; value: number };
export type FamilyOutput = {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  samples: Sample[];
};

/** One read per event type: every dimension, measure and histogram its families need, grouped by class. */
export function specsOf(families: readonly Family[]): Map<EventType, RollupSpec> {
  const specs = new Map<EventType, RollupSpec>();
  for (const family of families) {
    const type = typeOf(family);
    const own = specFor(family.metric);
    const sum = family.kind === 'histogram' ? FIELD_SUMS[fieldOf(family)] : undefined;
    const prior = specs.get(type);
    const union = <T>(a: readonly T[] | undefined, b: readonly T[]) => [...new Set([...(a ?? []), ...b])];
    specs.set(type, {
      types: [type],
      groupBy: union(prior?.groupBy, [...family.labels.map((l) => l.dimension), 'class' as Dimension]),
      bucketMs: null,
      measures: union(prior?.measures, [...own.measures, ...(sum ? [sum] : [])]),
      fields: union(prior?.fields, own.fields ?? []),
    });
  }
  return specs;
}

/** The classes a metric keeps (its rows of other classes do not count), or null for all. */
function classesOf(a: Aggregation): readonly string[] | null {
  if (a.kind === 'count' || a.kind === 'percentile') return a.classes ?? null;
  if (a.kind === 'ratio') return [...a.numerator, ...(a.denominator ?? [])];
  return null;
}

/** A family's series from the rows of its type's read. */
export function familyOutput(family: Family, rows: readonly RollupRow[]): FamilyOutput {
  const def = metricDef(family.metric);
  const classes = classesOf(def.aggregation);
  const kept = rows.filter(
    (r) =>
      Object.entries({ ...def.where, ...family.where }).every(([dimension, allowed]) => {
        const value = r.key[dimension as Dimension] ?? '';
        return typeof allowed === 'string'
          ? value === allowed
          : (allowed as readonly string[]).includes(value);
      }) &&
      (classes === null || classes.includes(r.key.class ?? '')),
  );
  const dimensions = family.labels.map((l) => l.dimension);
  const series: { labels: Labels; samples: Sample[] }[] = [];
  for (const group of groupRows(kept, dimensions).values()) {
    const labels: Labels = family.labels.map((l) => {
      const value = group[0]!.key[l.dimension] ?? '';
      return [l.label, l.values?.[value] ?? value] as const;
    });
    if (family.kind === 'counter') {
      const { value } = valueOf(family.metric, group);
      if (value !== null && value !== 0)
        series.push({ labels, samples: [{ suffix: '', labels, value: roundSum(value) }] });
    } else {
      series.push({ labels, samples: histogramSamples(family, group, labels) });
    }
  }
  // Label values come from what was sent, some of it with public browser keys: keep the largest series only.
  const shown = series.length > MAX_SERIES_PER_FAMILY ? largest(series, MAX_SERIES_PER_FAMILY) : series;
  shown.sort((a, b) => compareLabels(a.labels, b.labels));
  const samples = shown.flatMap((s) => s.samples);
  return { name: family.name, help: family.help, type: family.kind, samples };
}

/**
 * `_bucket`, `_sum` and `_count` of one series. A rollup bin counts in the first bucket whose bound is at or
 * above its representative value, so a bucket's count is exact but for values within 1% of its bound.
 */
function histogramSamples(family: HistogramFamily, rows: readonly RollupRow[], labels: Labels): Sample[] {
  const field = fieldOf(family);
  const bins = [...mergeBins(...rows.map((r) => r.bins[field] ?? new Map<number, number>()))]
    .filter(([, count]) => count > 0)
    .sort(([a], [b]) => a - b);
  const count = bins.reduce((n, [, c]) => n + c, 0);
  if (count === 0) return [];
  const measure: Measure | undefined = FIELD_SUMS[field];
  const exact = measure ? rows.reduce((s, r) => s + (r.values[measure] ?? 0), 0) : null;
  const sum = roundSum((exact ?? bins.reduce((s, [bin, c]) => s + binValue(bin) * c, 0)) * family.scale);
  const out: Sample[] = [];
  let i = 0;
  let below = 0;
  for (const bound of family.buckets) {
    while (i < bins.length && binValue(bins[i]![0]) * family.scale <= bound) below += bins[i++]![1];
    out.push({ suffix: '_bucket', labels: [...labels, ['le', formatNumber(bound)]], value: below });
  }
  out.push({ suffix: '_bucket', labels: [...labels, ['le', '+Inf']], value: count });
  out.push({ suffix: '_sum', labels, value: sum });
  out.push({ suffix: '_count', labels, value: count });
  return out;
}

function compareLabels(a: Labels, b: Labels): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = a[i]![1] < b[i]![1] ? -1 : a[i]![1] > b[i]![1] ? 1 : 0;
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** The text of families, in order: HELP, TYPE, then one line per sample; families without samples are left out. */
export function render(families: readonly FamilyOutput[]): string {
  const lines: string[] = [];
  for (const family of families) {
    if (family.samples.length === 0) continue;
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    for (const s of family.samples) {
      const labels = s.labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',');
      lines.push(`${family.name}${s.suffix}${labels ? `{${labels}}` : ''} ${formatNumber(s.value)}`);
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** A dependency's last recorded health check (lib/health), installation-wide. */
export type LastCheck = { dependency: string; state: 'ok' | 'fail'; latencyMs: number | null };

/** How old a dependency's last check may be for its gauges: the cron checks every minute. */
export const CHECK_FRESH_MS = 10 * 60_000;

/** `chatwatch_dependency_up` (1 or 0) and its probe latency, from each dependency's last check. */
export function dependencyOutputs(checks: readonly LastCheck[]): FamilyOutput[] {
  const sorted = [...checks].sort((a, b) => (a.dependency < b.dependency ? -1 : 1));
  return [
    {
      name: 'chatwatch_dependency_up',
      help: 'Whether the last health check of a dependency of this installation succeeded (1) or failed (0).',
      type: 'gauge',
      samples: sorted.map((c) => ({
        suffix: '',
        labels: [['dependency', c.dependency]],
        value: c.state === 'ok' ? 1 : 0,
      })),
    },
    {
      name: 'chatwatch_dependency_latency_seconds',
      help: 'How long the last health check of a dependency took.',
      type: 'gauge',
      samples: sorted
        .filter((c) => c.latencyMs !== null)
        .map((c) => ({ suffix: '', labels: [['dependency', c.dependency]], value: c.latencyMs! / 1000 })),
    },
  ];
}

/** When the counters started counting: 00:00 UTC of the scrape's day, in seconds. */
export function countingSinceOutput(since: Date): FamilyOutput {
  return {
    name: 'chatwatch_counters_start_timestamp_seconds',
    help: 'When the counters and histograms of this exposition started counting (00:00 UTC of today); they start again from 0 at midnight UTC.',
    type: 'gauge',
    samples: [{ suffix: '', labels: [], value: since.getTime() / 1000 }],
  };
}
