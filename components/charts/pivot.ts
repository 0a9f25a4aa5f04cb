/** Turns per-key series into chart rows: one row per bucket `t`, one column per key. */
export function pivotSeries<P extends { t: string }>(
  series: { key: string; points: P[] }[],
  value: (point: P) => number | null,
): Record<string, string | number | null>[] {
  const rows = new Map<string, Record<string, string | number | null>>();
  for (const { key, points } of series) {
    for (const point of points) {
      const row = rows.get(point.t) ?? { t: point.t };
      row[key] = value(point);
      rows.set(point.t, row);
    }
  }
  return [...rows.values()].sort((a, b) => String(a.t).localeCompare(String(b.t)));
}
