import { describe, expect, it } from 'vitest';
import {
  HISTOGRAM_FLOOR,
  HISTOGRAM_GAMMA,
  HISTOGRAM_MAX_BIN,
  HISTOGRAM_RELATIVE_ERROR,
  binOf,
  binSql,
  binValue,
  countOf,
  mergeBins,
  quantile,
  quantileOfSorted,
  sortBins,
  sortMerged,
} from './histogram';

const A = HISTOGRAM_RELATIVE_ERROR;
// The bound holds exactly in real numbers; exp() and log() round at ~1e-13 relative.
const BOUND = A * (1 + 1e-9);
const QS = [0, 0.5, 0.9, 0.95, 0.99, 1];

/** Deterministic uniform [0, 1) (mulberry32), so a failure replays. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function normal(next: () => number) {
  return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

function histogram(values: readonly number[]) {
  return mergeBins(values.map((v) => [binOf(v), 1] as const));
}

/** percentile_cont(q): the exact value, and the error the bound allows (1% of each interpolated value). */
function exactCont(values: readonly number[], q: number) {
  const sorted = [...values].sort((x, y) => x - y);
  const h = q * (sorted.length - 1);
  const [lo, hi, f] = [sorted[Math.floor(h)]!, sorted[Math.ceil(h)]!, h - Math.floor(h)];
  return { exact: lo + (hi - lo) * f, allowed: BOUND * (Math.abs(lo) * (1 - f) + Math.abs(hi) * f) };
}

function expectWithinCont(estimate: number | null, values: readonly number[], q: number) {
  const { exact, allowed } = exactCont(values, q);
  if (allowed === 0) return expect(estimate).toBe(0);
  expect(Math.abs(estimate! - exact)).toBeLessThanOrEqual(allowed * (1 + 1e-9));
}

function expectWithinBound(estimate: number | null, exact: number) {
  if (Math.abs(exact) <= HISTOGRAM_FLOOR) return expect(estimate).toBe(0);
  expect(Math.abs(estimate! - exact)).toBeLessThanOrEqual(BOUND * Math.abs(exact));
}

const entries = (bins: Map<number, number>) => [...bins].sort((x, y) => x[0] - y[0]);

describe('binOf and binValue', () => {
  it('keep every value within 1% of its bin representative, and this bound is tight', () => {
    const next = random(1);
    for (let i = 0; i < 20_000; i++) {
      const v = (next() < 0.5 ? -1 : 1) * 10 ** (-8 + 300 * next());
      expectWithinBound(binValue(binOf(v)), v);
    }
    // Just above a bin's lower edge and at its upper edge the error is a, on either side.
    const upper = HISTOGRAM_FLOOR * HISTOGRAM_GAMMA ** 100;
    const lower = upper / HISTOGRAM_GAMMA;
    const inside = lower * (1 + 1e-9);
    expect(binOf(lower)).toBe(99);
    expect(binOf(inside)).toBe(100);
    expect(binOf(upper)).toBe(100);
    expect((binValue(100) - inside) / inside).toBeCloseTo(A, 7);
    expect((upper - binValue(100)) / upper).toBeCloseTo(A, 7);
  });

  it('keep the order of values, with negatives mirroring positives', () => {
    const next = random(2);
    const values = Array.from({ length: 5_000 }, () => (next() - 0.5) * 10 ** (20 * next() - 10)).sort(
      (x, y) => x - y,
    );
    const bins = values.map(binOf);
    for (let i = 1; i < bins.length; i++) expect(bins[i]!).toBeGreaterThanOrEqual(bins[i - 1]!);
    for (const v of values) expect(binOf(-v) + binOf(v)).toBe(0);
    expect(binValue(-binOf(123.4))).toBe(-binValue(binOf(123.4)));
  });

  it('put values computed as floor·gamma^k at the top of bin k, and the next float just above in k too', () => {
    const lnFloor = Math.log(HISTOGRAM_FLOOR);
    const lnGamma = Math.log(HISTOGRAM_GAMMA);
    for (let k = 1; k < HISTOGRAM_MAX_BIN; k++) {
      const byExp = Math.exp(lnFloor + k * lnGamma);
      const byPower = HISTOGRAM_FLOOR * HISTOGRAM_GAMMA ** k;
      for (const boundary of [byExp, ...(byPower < Infinity ? [byPower] : [])]) {
        expect(binOf(boundary)).toBe(k);
        expect(binOf(boundary * (1 + 2 ** -52))).toBe(k);
      }
      if (k % 97 === 0) expect(binOf(byExp * (1 + 1e-6))).toBe(k + 1);
    }
  });

  it('map extreme values to finite bins: zero bin below the floor, the last bin for the largest and infinities', () => {
    expect(Object.is(binOf(-0), 0)).toBe(true);
    expect(Object.is(binOf(-Number.MIN_VALUE), 0)).toBe(true);
    expect(binOf(0)).toBe(0);
    expect(binOf(Number.MIN_VALUE)).toBe(0);
    expect(binOf(HISTOGRAM_FLOOR)).toBe(0);
    expect(binOf(-HISTOGRAM_FLOOR)).toBe(0);
    expect(binOf(HISTOGRAM_FLOOR * (1 + 2 ** -52))).toBe(1);
    expect(binOf(-HISTOGRAM_FLOOR * (1 + 2 ** -52))).toBe(-1);
    expect(binOf(Number.MAX_VALUE)).toBe(HISTOGRAM_MAX_BIN);
    expect(binOf(-Number.MAX_VALUE)).toBe(-HISTOGRAM_MAX_BIN);
    expect(binOf(Infinity)).toBe(HISTOGRAM_MAX_BIN);
    expect(binOf(-Infinity)).toBe(-HISTOGRAM_MAX_BIN);
    expect(binOf(Number.MAX_VALUE / HISTOGRAM_GAMMA ** 2)).toBe(HISTOGRAM_MAX_BIN - 2);
    expect(binOf(1e300)).toBeLessThan(HISTOGRAM_MAX_BIN);
    expect(binOf(-1e300)).toBe(-binOf(1e300));
    for (const v of [1e300, -1e300, Number.MAX_VALUE, -Number.MAX_VALUE, 1e-8, -1e-8, 2e-9]) {
      expectWithinBound(binValue(binOf(v)), v);
    }
    expect(binValue(HISTOGRAM_MAX_BIN)).toBe(Number.MAX_VALUE);
    expect(binValue(0)).toBe(0);
    expect(() => binOf(NaN)).toThrow(RangeError);
    expect(() => binValue(HISTOGRAM_MAX_BIN + 1)).toThrow(RangeError);
    expect(() => binValue(1.5)).toThrow(RangeError);
  });

  it('build SQL that reads the expression as float8 and uses the same literals', () => {
    const sql = binSql('e.latency_ms');
    expect(sql).toContain('((e.latency_ms)::float8)');
    expect(sql).toContain(`'${Math.log(HISTOGRAM_GAMMA)}'::float8`);
    expect(sql).toContain(`'${Math.log(HISTOGRAM_FLOOR)}'::float8`);
    expect(sql).toContain(`least(${HISTOGRAM_MAX_BIN},`);
  });
});

describe('mergeBins and countOf', () => {
  const a = histogram([1, 2, 2, 300, -5]);
  const b = histogram([2, 0, 1e6]);
  const c = new Map([[binOf(300), 4]]);

  it('add counts bin by bin, associatively and commutatively, without touching the parts', () => {
    const before = entries(a);
    expect(entries(mergeBins(mergeBins(a, b), c))).toEqual(entries(mergeBins(a, mergeBins(b, c))));
    expect(entries(mergeBins(a, b, c))).toEqual(entries(mergeBins(c, b, a)));
    expect(entries(mergeBins(a, b)).find(([bin]) => bin === binOf(2))).toEqual([binOf(2), 3]);
    expect(countOf(mergeBins(a, b, c))).toBe(countOf(a) + countOf(b) + countOf(c));
    expect(countOf(mergeBins(a, b, c))).toBe(12);
    expect(entries(a)).toEqual(before);
    expect(mergeBins().size).toBe(0);
  });

  it('give the histogram of all values when merging histograms of parts', () => {
    const next = random(3);
    const values = Array.from({ length: 3_000 }, () => Math.exp(10 * next()));
    const parts = [values.slice(0, 1_000), values.slice(1_000, 1_100), values.slice(1_100)].map(histogram);
    expect(entries(mergeBins(...parts))).toEqual(entries(histogram(values)));
  });
});

describe('quantile', () => {
  const distributions: Record<string, (next: () => number) => number> = {
    'lognormal latencies, 1 ms to 60 s': (next) =>
      Math.min(60_000, Math.max(1, Math.exp(Math.log(800) + 1.5 * normal(next)))),
    'uniform 0 to 1000': (next) => 1000 * next(),
    'spanning 1e-3 to 1e9': (next) => 10 ** (-3 + 12 * next()),
    'negatives mixed with positives': (next) => 100 * normal(next),
  };

  for (const [name, draw] of Object.entries(distributions)) {
    it(`is within 1% of the exact percentile_cont: ${name}`, () => {
      const next = random(name.length);
      const values = Array.from({ length: 5_000 }, () => draw(next));
      const bins = histogram(values);
      for (const q of QS) expectWithinCont(quantile(bins, q), values, q);
    });
  }

  it('is within 1% for all-equal values, one value, and extremes', () => {
    for (const q of QS) {
      expectWithinBound(quantile(histogram(Array(1_000).fill(42.5)), q), 42.5);
      expectWithinBound(quantile(histogram([0.25]), q), 0.25);
      expectWithinBound(quantile(histogram([-7]), q), -7);
    }
    const extremes = [
      -Number.MAX_VALUE,
      -1e300,
      -1,
      -0,
      0,
      Number.MIN_VALUE,
      1e-9,
      1e-8,
      1,
      1e300,
      Number.MAX_VALUE,
    ];
    for (const q of [0, 0.1, 0.3, 0.5, 0.7, 0.9, 1]) {
      expectWithinCont(quantile(histogram(extremes), q), extremes, q);
    }
    expect(quantile(histogram([1, Infinity]), 1)).toBe(Number.MAX_VALUE);
  });

  it('interpolates between ranks floor(h) and ceil(h) like percentile_cont, skipping empty bins', () => {
    const bins = new Map([
      [binOf(10), 1],
      [binOf(20), 0],
      [binOf(30), 3],
    ]);
    const [r10, r30] = [binValue(binOf(10)), binValue(binOf(30))];
    expect(quantile(bins, 0)).toBe(r10);
    expect(quantile(bins, 1 / 6)).toBeCloseTo((r10 + r30) / 2, 12);
    expect(quantile(bins, 1 / 3)).toBe(r30);
    expect(quantile(bins, 1)).toBe(r30);
    expect(
      quantile(
        [
          [binOf(5), 2],
          [binOf(1), 2],
        ],
        0.5,
      ),
    ).toBeCloseTo((binValue(binOf(1)) + binValue(binOf(5))) / 2, 12);
  });

  it('is null when empty and refuses q outside [0, 1]', () => {
    expect(quantile(new Map(), 0.5)).toBeNull();
    expect(quantile(new Map([[3, 0]]), 0.5)).toBeNull();
    for (const q of [-0.01, 1.01, NaN]) expect(() => quantile(histogram([1]), q)).toThrow(RangeError);
    expect(() => quantile(new Map(), 2)).toThrow(RangeError);
  });
});

describe('sortBins and quantileOfSorted', () => {
  it('sort once for several quantiles, each within 1% of the exact percentile_cont', () => {
    const next = random(11);
    const values = Array.from({ length: 2_000 }, () => 50 * normal(next) + 20);
    const sorted = sortBins(histogram(values));
    expect(sorted.n).toBe(2_000);
    expect([...sorted.bins]).toEqual([...sorted.bins].sort((x, y) => x - y));
    for (const q of QS) expectWithinCont(quantileOfSorted(sorted, q), values, q);
  });

  it('merge repeated bins of a list of pairs and leave out empty ones', () => {
    const sorted = sortBins([
      [7, 2],
      [-3, 1],
      [7, 3],
      [4, 0],
    ]);
    expect([...sorted.bins]).toEqual([-3, 7]);
    expect([...sorted.counts]).toEqual([1, 5]);
    expect(sorted.n).toBe(6);
    expect(quantileOfSorted(sortBins([]), 0.5)).toBeNull();
    expect(() => quantileOfSorted(sorted, 1.5)).toThrow(RangeError);
  });
});

describe('sortMerged', () => {
  const viaMaps = (parts: Map<number, number>[]) => sortBins(mergeBins(...parts));

  it('equals merging then sorting, for parts of one field (near bins, both signs, empty bins)', () => {
    const next = random(23);
    for (let round = 0; round < 50; round++) {
      const parts = Array.from({ length: 1 + Math.floor(next() * 4) }, () =>
        histogram(Array.from({ length: Math.floor(next() * 300) }, () => 400 * normal(next) + 100)),
      );
      if (round % 7 === 0) parts.push(new Map([[12, 0]]));
      const merged = sortMerged(parts);
      expect(merged).toEqual(viaMaps(parts));
      for (const q of QS) expect(quantileOfSorted(merged, q)).toBe(quantileOfSorted(viaMaps(parts), q));
    }
  });

  it('takes bins far apart (the smallest and largest values) the same way, without a huge array', () => {
    const parts = [
      new Map([
        [-HISTOGRAM_MAX_BIN, 2],
        [5, 1],
      ]),
      new Map([
        [HISTOGRAM_MAX_BIN, 3],
        [5, 4],
      ]),
    ];
    const merged = sortMerged(parts);
    expect([...merged.bins]).toEqual([-HISTOGRAM_MAX_BIN, 5, HISTOGRAM_MAX_BIN]);
    expect([...merged.counts]).toEqual([2, 5, 3]);
    expect(merged).toEqual(viaMaps(parts));
  });

  it('is empty for no parts, empty parts and empty bins only', () => {
    for (const parts of [[], [new Map()], [new Map([[3, 0]])]]) {
      const merged = sortMerged(parts);
      expect(merged.n).toBe(0);
      expect(merged.bins.length).toBe(0);
      expect(quantileOfSorted(merged, 0.5)).toBeNull();
    }
  });

  it('leaves its parts as they were', () => {
    const part = new Map([
      [1, 2],
      [3, 4],
    ]);
    sortMerged([part, part]);
    expect([...part]).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });
});
