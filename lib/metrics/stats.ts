/**
 * Exact percentile with Postgres' `percentile_cont` definition: linear interpolation between the two
 * closest ranks at position p * (n - 1). `p` is a fraction in [0, 1]; no values gives null.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`percentile: p must be within [0, 1], got ${p}`);
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = p * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

/** numerator / denominator, or null when there is nothing to divide by (a rate of no data is not 0). */
export function ratio(numerator: number | null, denominator: number | null): number | null {
  if (numerator === null || denominator === null || denominator === 0) return null;
  return numerator / denominator;
}

export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** Relative change vs the previous period (0.25 = +25%); null when there is no previous value to compare to. */
export function trend(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null || previous === 0) return null;
  return (current - previous) / previous;
}

/** Postgres answers bigint and numeric as strings: a number, or null for SQL NULL. */
export function num(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

/** A count: SQL NULL (no rows) is 0. */
export function int(value: unknown): number {
  return num(value) ?? 0;
}
