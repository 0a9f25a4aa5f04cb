export const HOUR_MS = 3_600_000;

export type Window = { from: Date; to: Date };

/**
 * Splits [from, to) into the whole UTC hours read from an hourly rollup and the partial hours at either
 * edge read from raw events, so figures built from both are exact for any range.
 */
export function splitByHour(from: Date, to: Date): { hours: Window | null; raw: Window[] } {
  const start = Math.ceil(from.getTime() / HOUR_MS) * HOUR_MS;
  const end = Math.floor(to.getTime() / HOUR_MS) * HOUR_MS;
  if (start >= end) return { hours: null, raw: from < to ? [{ from, to }] : [] };
  const raw: Window[] = [];
  if (from.getTime() < start) raw.push({ from, to: new Date(start) });
  if (end < to.getTime()) raw.push({ from: new Date(end), to });
  return { hours: { from: new Date(start), to: new Date(end) }, raw };
}
