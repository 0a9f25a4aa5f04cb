import { describe, expect, it } from 'vitest';
import { METRICS } from '../catalog';
import { binOf, mergeBins } from '../histogram';
import type { RollupRow } from '../rollups/read';
import { MEASURE_NAMES, type Field, type Measure } from '../rollups/shape';
import {
  countingSinceOutput,
  MAX_SERIES_PER_FAMILY,
  dependencyOutputs,
  familyOutput,
  formatNumber,
  render,
  specsOf,
} from './exposition';
import { FAMILIES, fieldOf, SECONDS_BUCKETS, type Family } from './families';

function row(
  key: RollupRow['key'],
  values: Partial<Record<Measure, number>>,
  samples: Partial<Record<Field, number[]>> = {},
): RollupRow {
  const all = Object.fromEntries(MEASURE_NAMES.map((m) => [m, values[m] ?? null])) as RollupRow['values'];
  const bins = Object.fromEntries(
    Object.entries(samples).map(([field, list]) => [
      field,
      mergeBins(list.map((v) => [binOf(v), 1] as const)),
    ]),
  );
  return { key, bucket: null, values: all, bins };
}

const family = (name: string): Family => {
  const found = FAMILIES.find((f) => f.name === name);
  if (!found) throw new Error(`no family ${name}`);
  return found;
};

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

describe('Prometheus families', () => {
  it('name every family after Prometheus conventions and a catalog metric', () => {
    const names = new Set<string>();
    for (const f of FAMILIES) {
      expect(f.name, f.name).toMatch(NAME);
      expect(f.name.startsWith('chatwatch_'), f.name).toBe(true);
      expect(names.has(f.name), `${f.name} twice`).toBe(false);
      names.add(f.name);
      expect(METRICS[f.metric], f.name).toBeDefined();
      if (f.kind === 'counter') expect(f.name.endsWith('_total'), f.name).toBe(true);
      else {
        expect(f.name.endsWith('_total'), f.name).toBe(false);
        expect(METRICS[f.metric].aggregation.kind, f.name).toBe('percentile');
        expect([...f.buckets].sort((a, b) => a - b)).toEqual(f.buckets);
        fieldOf(f);
      }
      for (const l of f.labels) expect(l.label, f.name).toMatch(/^[a-zA-Z_][a-zA-Z0-9_]*$/);
      expect(f.labels.map((l) => l.label)).not.toContain('le');
    }
  });

  it('reads each event type once, with every dimension, measure and histogram its families need', () => {
    const specs = specsOf(FAMILIES);
    const ai = specs.get('ai.call')!;
    expect(ai.groupBy).toEqual(expect.arrayContaining(['service', 'environment', 'model', 'class']));
    expect(ai.measures).toEqual(
      expect.arrayContaining(['n', 'sum_in', 'sum_out', 'sum_cost', 'sum_duration', 'sum_ttft']),
    );
    expect(ai.fields).toEqual(expect.arrayContaining(['duration', 'ttft']));
    // A percentile's own class filter is applied per family, not to the whole read.
    expect(ai.where ?? {}).toEqual({});
    expect(new Set([...specs.values()].map((s) => s.types[0])).size).toBe(specs.size);
  });
});

describe('counters', () => {
  it('count per label set, drop empty series and map class values', () => {
    const out = familyOutput(family('chatwatch_cache_lookups_total'), [
      row({ service: 'chat', environment: 'prod', name: 'kv', class: 'get:true' }, { n: 7 }),
      row({ service: 'chat', environment: 'prod', name: 'kv', class: 'get:false' }, { n: 3 }),
      row({ service: 'chat', environment: 'prod', name: 'kv', class: 'set:' }, { n: 50 }),
      row({ service: 'chat', environment: 'prod', name: 'kv', class: 'get:' }, { n: 9 }),
    ]);
    expect(out.type).toBe('counter');
    expect(out.samples).toEqual([
      {
        suffix: '',
        labels: [
          ['service', 'chat'],
          ['environment', 'prod'],
          ['cache', 'kv'],
          ['result', 'hit'],
        ],
        value: 7,
      },
      {
        suffix: '',
        labels: [
          ['service', 'chat'],
          ['environment', 'prod'],
          ['cache', 'kv'],
          ['result', 'miss'],
        ],
        value: 3,
      },
    ]);
  });

  it('add the rows of one label set (the rollup read keeps classes apart) and leave missing sums out', () => {
    const rows = [
      row({ service: 'chat', environment: '', model: 'opus', class: 'ok' }, { n: 4, sum_cost: 0.5 }),
      row({ service: 'chat', environment: '', model: 'opus', class: 'error' }, { n: 1, sum_cost: 0.25 }),
      row({ service: 'chat', environment: '', model: 'haiku', class: 'ok' }, { n: 2 }),
    ];
    const cost = familyOutput(family('chatwatch_ai_cost_usd_total'), rows);
    expect(cost.samples.map((s) => [s.labels.at(-1), s.value])).toEqual([[['model', 'opus'], 0.75]]);
    const calls = familyOutput(family('chatwatch_ai_calls_total'), rows);
    expect(calls.samples.map((s) => s.value)).toEqual([2, 1, 4]);
  });
});

describe('histograms', () => {
  const durations = [3, 40, 40, 120, 999, 1_000, 4_000, 400_000];

  it('count cumulatively up to each bound, with +Inf, the exact sum and the count', () => {
    const out = familyOutput(family('chatwatch_ai_call_duration_seconds'), [
      row(
        { service: 'chat', environment: 'prod', model: 'opus', class: 'ok' },
        { n: durations.length, sum_duration: durations.reduce((a, b) => a + b, 0) },
        { duration: durations },
      ),
      // Failed calls stay out of the latency histogram, as out of the dashboard's latency percentiles.
      row(
        { service: 'chat', environment: 'prod', model: 'opus', class: 'error' },
        { n: 1, sum_duration: 30_000 },
        { duration: [30_000] },
      ),
    ]);
    expect(out.type).toBe('histogram');
    const buckets = out.samples.filter((s) => s.suffix === '_bucket');
    expect(buckets.map((s) => s.labels.at(-1)![1])).toEqual([...SECONDS_BUCKETS.map(String), '+Inf']);
    const at = (le: string) => buckets.find((s) => s.labels.at(-1)![1] === le)!.value;
    expect(at('0.005')).toBe(1);
    expect(at('0.05')).toBe(3);
    expect(at('0.25')).toBe(4);
    // 999 ms and 1,000 ms are in the bucket of 1 s (1,000 ms is within 1% of it either way).
    expect(at('1')).toBe(6);
    expect(at('5')).toBe(7);
    expect(at('300')).toBe(7);
    expect(at('+Inf')).toBe(8);
    const values = buckets.map((s) => s.value);
    expect([...values].sort((a, b) => a - b)).toEqual(values);
    expect(out.samples.find((s) => s.suffix === '_count')!.value).toBe(8);
    expect(out.samples.find((s) => s.suffix === '_sum')!.value).toBeCloseTo(406.202, 9);
  });

  it('sum from the bins, within 1%, for a field the rollups keep no sum of', () => {
    const ttfr = [200, 900, 1_500];
    const out = familyOutput(family('chatwatch_response_first_response_seconds'), [
      row({ service: 'chat', environment: '', class: 'streamed' }, { n: 3 }, { ttfr }),
    ]);
    const sum = out.samples.find((s) => s.suffix === '_sum')!.value;
    expect(Math.abs(sum - 2.6) / 2.6).toBeLessThanOrEqual(0.01);
  });

  it('keep web vitals measured in time apart from the layout shift score', () => {
    const rows = [
      row(
        { service: 'web', environment: '', name: 'LCP', class: '' },
        { n: 2, sum_value: 3_000 },
        { value: [1_000, 2_000] },
      ),
      row(
        { service: 'web', environment: '', name: 'CLS', class: '' },
        { n: 2, sum_value: 0.3 },
        { value: [0.05, 0.25] },
      ),
    ];
    const timed = familyOutput(family('chatwatch_web_vital_seconds'), rows);
    expect(new Set(timed.samples.map((s) => s.labels.find(([k]) => k === 'vital')![1]))).toEqual(
      new Set(['LCP']),
    );
    expect(timed.samples.find((s) => s.suffix === '_sum')!.value).toBe(3);
    const cls = familyOutput(family('chatwatch_web_vital_cls'), rows);
    expect(cls.samples.find((s) => s.suffix === '_count')!.value).toBe(2);
    expect(cls.samples.find((s) => s.labels.at(-1)?.[1] === '0.1')!.value).toBe(1);
    expect(cls.samples.find((s) => s.suffix === '_sum')!.value).toBe(0.3);
  });

  it('have no series without samples', () => {
    expect(familyOutput(family('chatwatch_retrieval_duration_seconds'), []).samples).toEqual([]);
    expect(
      familyOutput(family('chatwatch_retrieval_duration_seconds'), [row({ service: 'a' }, { n: 1 })]).samples,
    ).toEqual([]);
  });
});

describe('text format', () => {
  it('writes HELP and TYPE once per family, escapes label values and help, and skips empty families', () => {
    const text = render([
      {
        name: 'chatwatch_x_total',
        help: 'back\\slash and\nnewline',
        type: 'counter',
        samples: [{ suffix: '', labels: [['route', 'a"b\\c\nd']], value: 2 }],
      },
      { name: 'chatwatch_empty_total', help: 'nothing', type: 'counter', samples: [] },
      { name: 'chatwatch_g', help: 'g', type: 'gauge', samples: [{ suffix: '', labels: [], value: 0.5 }] },
    ]);
    expect(text).toBe(
      [
        '# HELP chatwatch_x_total back\\\\slash and\\nnewline',
        '# TYPE chatwatch_x_total counter',
        'chatwatch_x_total{route="a\\"b\\\\c\\nd"} 2',
        '# HELP chatwatch_g g',
        '# TYPE chatwatch_g gauge',
        'chatwatch_g 0.5',
        '',
      ].join('\n'),
    );
    expect(render([])).toBe('');
  });

  it('writes numbers as Prometheus parses them', () => {
    expect(formatNumber(Infinity)).toBe('+Inf');
    expect(formatNumber(-Infinity)).toBe('-Inf');
    expect(formatNumber(NaN)).toBe('NaN');
    expect(formatNumber(1e-7)).toBe('1e-7');
    expect(formatNumber(12)).toBe('12');
  });

  it('gauges the dependencies from their last checks and says when counting started', () => {
    const [up, latency] = dependencyOutputs([
      { dependency: 'database', state: 'ok', latencyMs: 12 },
      { dependency: 'ai', state: 'fail', latencyMs: null },
    ]);
    expect(up!.samples.map((s) => [s.labels[0]![1], s.value])).toEqual([
      ['ai', 0],
      ['database', 1],
    ]);
    expect(latency!.samples).toEqual([{ suffix: '', labels: [['dependency', 'database']], value: 0.012 }]);
    expect(countingSinceOutput(new Date('2026-12-04T00:00:00Z')).samples[0]!.value).toBe(1_796_342_400);
  });

  it('keeps the largest series of a family only, and rounds sums so a counter cannot step down by float noise', () => {
    const rows = Array.from({ length: MAX_SERIES_PER_FAMILY + 20 }, (_, i) =>
      row({ service: `s${i}`, environment: '', name: 'client', path: `/r${i}` }, { n: i + 1 }),
    );
    const out = familyOutput(family('chatwatch_errors_total'), rows);
    expect(out.samples).toHaveLength(MAX_SERIES_PER_FAMILY);
    expect(Math.min(...out.samples.map((s) => s.value))).toBe(21);
    const cost = (parts: number[]) =>
      familyOutput(
        family('chatwatch_ai_cost_usd_total'),
        parts.map((c) =>
          row({ service: 'a', environment: '', model: 'm', class: 'ok' }, { n: 1, sum_cost: c }),
        ),
      ).samples[0]!.value;
    // 0.1 + 0.2 and 0.3 differ in the last bit; both read 0.3.
    expect(cost([0.1, 0.2])).toBe(cost([0.3]));
  });
});
