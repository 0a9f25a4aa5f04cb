/**
 * Turning per-bucket query rows into chart points. Pure.
 * Bucket k covers [k * bucketMs, (k + 1) * bucketMs); the point at time t sums the buckets before t.
 */
import { utcDayFraction } from '../engine/evaluate';
import type { CheckState } from '../engine/types';

const DAY = 86_400_000;

export type BucketSum = { k: number; sum: number };

/** The bucket just before point t: [t - bucketMs, t). */
export const bucketBefore = (t: number, bucketMs: number) => Math.floor(t / bucketMs) - 1;

/** Per point: the sum of the bucket just before it (0 when none), e.g. matching events per bucket. */
export function sumsPerPoint(
  rows: readonly BucketSum[],
  times: readonly number[],
  bucketMs: number,
): number[] {
  const byBucket = new Map(rows.map((r) => [r.k, r.sum]));
  return times.map((t) => byBucket.get(bucketBefore(t, bucketMs)) ?? 0);
}

/**
 * Per point t: the sum of every bucket from t's UTC midnight up to t (spend so far today). bucketMs must
 * divide a day, so a day starts on a bucket boundary; rows must cover from the first point's midnight.
 */
export function cumulativeDaily(
  rows: readonly BucketSum[],
  times: readonly number[],
  bucketMs: number,
): number[] {
  const byBucket = new Map(rows.map((r) => [r.k, r.sum]));
  return times.map((t) => {
    const midnight = Math.floor(t / DAY) * DAY;
    let total = 0;
    for (let k = midnight / bucketMs; k < t / bucketMs; k++) total += byBucket.get(k) ?? 0;
    return total;
  });
}

/** What the budget rule compares: spend so far divided by the elapsed fraction of the UTC day (floored). */
export function projectedSpend(spentUsd: number, at: number, minElapsedFraction: number): number {
  const elapsed = Math.min(1, Math.max(utcDayFraction(new Date(at)), minElapsedFraction, Number.EPSILON));
  return spentUsd / elapsed;
}

export type CheckPoint = { at: number; state: CheckState };

/**
 * Per point t: failed checks in a row as of the latest check at or before t (not_configured checks carry
 * no evidence and are skipped, as the engine does); null before any check.
 */
export function failureRuns(checks: readonly CheckPoint[], times: readonly number[]): (number | null)[] {
  const sorted = checks.filter((c) => c.state !== 'not_configured').sort((a, b) => a.at - b.at);
  const out: (number | null)[] = [];
  let i = 0;
  let run: number | null = null;
  for (const t of times) {
    while (i < sorted.length && sorted[i]!.at <= t) {
      run = sorted[i]!.state === 'fail' ? (run ?? 0) + 1 : 0;
      i++;
    }
    out.push(run);
  }
  return out;
}
