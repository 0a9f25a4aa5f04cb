/** Start of the bucket holding `ms`, aligned to the Unix epoch (as SQL `date_bin(..., 'epoch')`). */
export function bucketStart(ms: number, bucketMs: number): number {
  return Math.floor(ms / bucketMs) * bucketMs;
}

/** Every bucket start that intersects [from, to), in order. */
export function bucketStarts(from: Date, to: Date, bucketMs: number): number[] {
  const starts: number[] = [];
  for (let t = bucketStart(from.getTime(), bucketMs); t < to.getTime(); t += bucketMs) starts.push(t);
  return starts;
}

export type Point<T> = { t: string } & T;

/**
 * A continuous series for a chart: one point per bucket of [from, to), with the row of that bucket or
 * `empty` (0 for counts, null for measures such as latency) where there is none. Rows carry their bucket
 * start in epoch ms as `bucket`.
 */
export function fillBuckets<R extends { bucket: number }, T extends object>(
  rows: readonly R[],
  range: { from: Date; to: Date; bucketMs: number },
  map: (row: R) => T,
  empty: T,
): Point<T>[] {
  const byBucket = new Map(rows.map((row) => [row.bucket, row]));
  return bucketStarts(range.from, range.to, range.bucketMs).map((start) => {
    const row = byBucket.get(start);
    return { t: new Date(start).toISOString(), ...(row ? map(row) : empty) };
  });
}

/** Buckets per series key (e.g. per model), each filled as above. */
export function fillSeries<R extends { bucket: number; key: string }, T extends object>(
  rows: readonly R[],
  range: { from: Date; to: Date; bucketMs: number },
  map: (row: R) => T,
  empty: T,
): { key: string; points: Point<T>[] }[] {
  const groups = new Map<string, R[]>();
  for (const row of rows) {
    const group = groups.get(row.key);
    if (group) group.push(row);
    else groups.set(row.key, [row]);
  }
  return [...groups].map(([key, group]) => ({ key, points: fillBuckets(group, range, map, empty) }));
}
