import { describe, expect, it } from 'vitest';
import { METRIC_IDS, METRICS, specFor, specForAll, valueOf, valuesOf } from './catalog';
import { binOf, mergeBins } from './histogram';
import type { RollupRow } from './rollups/read';
import { DIMENSIONS, MEASURE_NAMES, type Measure } from './rollups/shape';

function row(
  key: RollupRow['key'],
  values: Partial<Record<Measure, number>>,
  durations: number[] = [],
): RollupRow {
  const all = Object.fromEntries(MEASURE_NAMES.map((m) => [m, values[m] ?? null])) as RollupRow['values'];
  return {
    key,
    bucket: null,
    values: all,
    bins: { duration: mergeBins(durations.map((d) => [binOf(d), 1] as const)) },
  };
}

describe('metric catalog', () => {
  it('defines every metric over known dimensions, with a unit and a label', () => {
    for (const id of METRIC_IDS) {
      const def = METRICS[id];
      expect(def.label.length, id).toBeGreaterThan(0);
      for (const d of def.dimensions) expect(DIMENSIONS, id).toContain(d);
    }
  });

  it('reads ratios per class and divides the classes it names', () => {
    expect(specFor('error_rate').groupBy).toEqual(['class']);
    const rows = [
      row({ class: '2xx' }, { n: 90 }),
      row({ class: '4xx' }, { n: 6 }),
      row({ class: '5xx' }, { n: 4 }),
    ];
    expect(valueOf('error_rate', rows)).toEqual({ value: 0.04, samples: 100 });
    expect(valueOf('availability', rows)).toEqual({ value: 0.96, samples: 100 });
    expect(valueOf('request_count', rows)).toEqual({ value: 100, samples: 100 });
    expect(valueOf('error_rate', [])).toEqual({ value: null, samples: 0 });
  });

  it('leaves cache gets that do not say whether they hit out of the hit rate', () => {
    const rows = [
      row({ class: 'get:true' }, { n: 3 }),
      row({ class: 'get:false' }, { n: 1 }),
      row({ class: 'get:' }, { n: 10 }),
      row({ class: 'set:' }, { n: 50 }),
    ];
    expect(valueOf('cache_hit_rate', rows)).toEqual({ value: 0.75, samples: 4 });
  });

  it('keeps sums null without values, and averages from sums and counts', () => {
    expect(valueOf('ai_cost_usd', [row({}, { n: 2 })]).value).toBeNull();
    expect(
      valueOf('ai_cost_usd', [row({}, { n: 2, sum_cost: 0.5 }), row({}, { n: 1, sum_cost: 0.25 })]).value,
    ).toBe(0.75);
    expect(
      valueOf('metric_average', [
        row({}, { n: 2, sum_value: 30, n_value: 2 }),
        row({}, { n: 1, sum_value: 90, n_value: 1 }),
      ]),
    ).toEqual({
      value: 40,
      samples: 3,
    });
    expect(
      valueOf('metric_max', [row({}, { n: 1, max_value: 3 }), row({}, { n: 1, max_value: 97 })]).value,
    ).toBe(97);
  });

  it('takes percentiles of its own classes only, also when read beside other metrics', () => {
    const rows = [
      row({ class: 'ok' }, { n: 3 }, [100, 200, 300]),
      row({ class: 'error' }, { n: 1 }, [90_000]),
    ];
    const p = valueOf('ai_p95_latency_ms', rows);
    expect(p.samples).toBe(3);
    expect(Math.abs(p.value! / 290 - 1)).toBeLessThanOrEqual(0.01);
    expect(specFor('ai_p95_latency_ms').where).toEqual({ class: ['ok'] });
    const together = specForAll(['ai_calls', 'ai_p95_latency_ms', 'ai_error_rate'], { groupBy: ['model'] });
    expect(together.groupBy).toEqual(['model', 'class']);
    expect(together.where).toEqual({});
    expect(together.fields).toEqual(['duration']);
    expect(() => specForAll(['ai_calls', 'request_count'])).toThrow(/one event type/);
  });

  it('reads several percentiles of the same rows as each alone: per field and per class set', () => {
    const streamed = row({ class: 'streamed' }, { n: 3 }, [100, 200, 300]);
    const whole = row({ class: 'whole' }, { n: 2 }, [5_000, 9_000]);
    streamed.bins.ttft = mergeBins([10, 20, 30].map((d) => [binOf(d), 1] as const));
    whole.bins.ttft = mergeBins([700, 900].map((d) => [binOf(d), 1] as const));
    const ids = [
      'p50_response_ms',
      'p95_response_ms',
      'p95_ttft_ms',
      'streamed_p95_ttft_ms',
      'streamed_p50_ttft_ms',
    ] as const;
    const together = valuesOf(ids, [streamed, whole]);
    for (const id of ids) expect(together[id], id).toEqual(valueOf(id, [streamed, whole]));
    // The same field over other classes, and another field over the same rows, are other histograms.
    expect(together.streamed_p95_ttft_ms.samples).toBe(3);
    expect(together.p95_ttft_ms.samples).toBe(5);
    expect(together.p95_response_ms.value).toBeGreaterThan(together.p95_ttft_ms.value!);
  });
});
