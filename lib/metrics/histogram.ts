/**
 * Mergeable log-bucket histogram for latency-like values (DDSketch's logarithmic mapping) whose bin index
 * Postgres computes too (`binSql`), so bins counted in SQL and in JS merge.
 *
 * With a = HISTOGRAM_RELATIVE_ERROR, γ = (1 + a) / (1 - a), F = HISTOGRAM_FLOOR and ε = 1e-9:
 * - |v| ≤ F (0, -0, denormals) is bin 0. Otherwise k = ceil((ln|v| - ln F) / ln γ - ε), at least 1 and at
 *   most HISTOGRAM_MAX_BIN (the bin of Number.MAX_VALUE, where ±Infinity go too), and -k for v < 0, so bin
 *   order is value order. Bin k ≥ 1 covers (F·γ^(k-1+ε), F·γ^(k+ε)]; bin 1 also takes (F, F·γ^ε].
 * - Error bound: v in bin k lies in (L, γL]; its representative r = (1 + a)·L = (1 - a)·γL, so
 *   |v - r| / v ≤ a at both ends and in between (up to float rounding, ~1e-12 relative).
 * - Why ε: Math.log (V8's fdlibm) and Postgres' ln (glibc; musl in PGlite) differ in the last bit for ~0.05%
 *   of inputs, enough to put a value computed as F·γ^k in bin k on one side and k + 1 on the other. Shifted
 *   edges leave JS and SQL (same formula, same literals) apart by one bin only for values within ~1e-13
 *   relative of F·γ^(k+ε), which the bound still covers; test/histogram-sql.integration.test.ts checks both.
 */

/** The relative error bound of any quantile read from a histogram: 1%. */
export const HISTOGRAM_RELATIVE_ERROR = 0.01;
/** γ = (1 + a) / (1 - a): each bin spans a factor γ, so its representative is within a of every value in it. */
export const HISTOGRAM_GAMMA = (1 + HISTOGRAM_RELATIVE_ERROR) / (1 - HISTOGRAM_RELATIVE_ERROR);
/** Magnitudes up to this (1 ns in ms, a billionth of a dollar) count as 0, in bin 0. */
export const HISTOGRAM_FLOOR = 1e-9;
/** The last bin: the one of Number.MAX_VALUE, where ±Infinity go too. */
export const HISTOGRAM_MAX_BIN = 36_525;

// Literals rather than Math.log(...) so every engine, and the SQL text, use the very same doubles.
const LN_GAMMA = 0.020000666706669435;
const LN_FLOOR = -20.72326583694641;
const BOUNDARY_SHIFT = 1e-9;

/** bin index -> count */
export type Bins = ReadonlyMap<number, number>;

/** The bin of a value (see the scheme above): ±Infinity go to the last bins, NaN throws a RangeError. */
export function binOf(value: number): number {
  if (Number.isNaN(value)) throw new RangeError('binOf: NaN has no bin');
  const magnitude = Math.abs(value);
  if (magnitude <= HISTOGRAM_FLOOR) return 0;
  const k = Math.ceil((Math.log(magnitude) - LN_FLOOR) / LN_GAMMA - BOUNDARY_SHIFT);
  const bin = Math.min(HISTOGRAM_MAX_BIN, Math.max(1, k));
  return value < 0 ? -bin : bin;
}

/**
 * Postgres int expression equal to binOf(expression) for any float8 (or int, numeric) SQL expression,
 * built-in functions only: null gives null, 'NaN' gives null (not counted), ±'Infinity' the last bins.
 * `expression` is trusted SQL text (a column or expression of ours), embedded as is: never user input.
 */
export function binSql(expression: string): string {
  const v = `((${expression})::float8)`;
  const ceiled = `ceil((ln(abs(${v})) - ${float8(LN_FLOOR)}) / ${float8(LN_GAMMA)} - ${float8(BOUNDARY_SHIFT)})`;
  return (
    `(case when ${v} = 'NaN'::float8 then null when abs(${v}) <= ${float8(HISTOGRAM_FLOOR)} then 0 ` +
    `else (sign(${v}) * least(${HISTOGRAM_MAX_BIN}, greatest(1, ${ceiled})))::int end)`
  );
}

// String(x) is the shortest text that parses back to exactly x, in JS and in Postgres' float8in alike.
function float8(x: number): string {
  return `'${x}'::float8`;
}

/** The representative of a bin: within HISTOGRAM_RELATIVE_ERROR of every value in it; 0 for bin 0. */
export function binValue(bin: number): number {
  if (!Number.isInteger(bin) || Math.abs(bin) > HISTOGRAM_MAX_BIN) {
    throw new RangeError(`binValue: no bin ${bin}`);
  }
  if (bin === 0) return 0;
  const upper = Math.exp(LN_FLOOR + (Math.abs(bin) + BOUNDARY_SHIFT) * LN_GAMMA);
  // The last bin's upper edge passes Number.MAX_VALUE; its values do not, so clamping only brings r closer.
  const representative = Math.min(Number.MAX_VALUE, (1 - HISTOGRAM_RELATIVE_ERROR) * upper);
  return bin < 0 ? -representative : representative;
}

export function mergeBins(...parts: Iterable<readonly [number, number]>[]): Map<number, number> {
  const merged = new Map<number, number>();
  for (const part of parts) {
    for (const [bin, count] of part) merged.set(bin, (merged.get(bin) ?? 0) + count);
  }
  return merged;
}

export function countOf(bins: Iterable<readonly [number, number]>): number {
  let total = 0;
  for (const [, count] of bins) total += count;
  return total;
}

/** A histogram's non-empty bins in value order, with their counts and total: what quantiles walk. */
export type SortedBins = { bins: Float64Array; counts: Float64Array; n: number };

/** Sorts a histogram once for several quantiles (a chart's p50, p95 and p99 of the same bins). */
export function sortBins(bins: Iterable<readonly [number, number]>): SortedBins {
  const merged = bins instanceof Map ? (bins as ReadonlyMap<number, number>) : mergeBins(bins);
  const keys = new Float64Array(merged.size);
  let k = 0;
  for (const [bin, count] of merged) if (count > 0) keys[k++] = bin;
  const sorted = keys.subarray(0, k).sort();
  const counts = new Float64Array(k);
  let n = 0;
  for (let i = 0; i < k; i++) n += counts[i] = merged.get(sorted[i]!)!;
  return { bins: sorted, counts, n };
}

/** Bins apart by at most this many merge in a dense array: no hashing, no sort (see `sortMerged`). */
const DENSE_SPAN = 8_192;

/**
 * `sortBins(mergeBins(...parts))` in one pass: histograms of one field (a chart bucket's rows, one per class)
 * use a few hundred neighbouring bins, so their counts add up in an array indexed by bin and leave in bin
 * order. A percentile of a chart bucket is read this way on every request, so this is what a chart costs.
 */
export function sortMerged(parts: readonly Bins[]): SortedBins {
  // forEach, not for...of: no [bin, count] pair allocated per bin.
  let lo = Infinity;
  let hi = -Infinity;
  const bounds = (_: number, bin: number) => {
    if (bin < lo) lo = bin;
    if (bin > hi) hi = bin;
  };
  for (const part of parts) part.forEach(bounds);
  if (lo > hi) return { bins: new Float64Array(0), counts: new Float64Array(0), n: 0 };
  if (hi - lo >= DENSE_SPAN) return sortBins(parts.length === 1 ? parts[0]! : mergeBins(...parts));
  const span = hi - lo + 1;
  const dense = scratch;
  const add = (count: number, bin: number) => {
    dense[bin - lo]! += count;
  };
  for (const part of parts) part.forEach(add);
  let k = 0;
  for (let i = 0; i < span; i++) if (dense[i]! > 0) k++;
  const bins = new Float64Array(k);
  const counts = new Float64Array(k);
  let n = 0;
  for (let i = 0, j = 0; i < span; i++) {
    const c = dense[i]!;
    if (c > 0) {
      bins[j] = lo + i;
      n += counts[j++] = c;
    }
  }
  dense.fill(0, 0, span);
  return { bins, counts, n };
}

/** sortMerged's array, zero between calls (it runs to completion, so calls never share it). */
const scratch = new Float64Array(DENSE_SPAN);

/**
 * The quantile as Postgres' percentile_cont(q) defines it (linear between the values at ranks floor(h) and
 * ceil(h), h = q * (n - 1)), each value read as its bin's representative. For values of one sign the
 * interpolation of two values each within HISTOGRAM_RELATIVE_ERROR is itself within it. Null when empty.
 */
export function quantile(bins: Iterable<readonly [number, number]>, q: number): number | null {
  checkQ(q);
  return quantileOfSorted(sortBins(bins), q);
}

/** `quantile` of bins sorted by `sortBins`. */
export function quantileOfSorted(sorted: SortedBins, q: number): number | null {
  checkQ(q);
  const { bins, counts, n } = sorted;
  if (n === 0) return null;
  const h = q * (n - 1);
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  /** The representative of the value at 0-based rank r. */
  const at = (r: number) => {
    let seen = 0;
    for (let i = 0; i < bins.length; i++) {
      seen += counts[i]!;
      if (seen > r) return binValue(bins[i]!);
    }
    return binValue(bins[bins.length - 1]!);
  };
  const low = at(lo);
  return hi === lo ? low : low + (at(hi) - low) * (h - lo);
}

function checkQ(q: number) {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q must be within [0, 1], got ${q}`);
}
