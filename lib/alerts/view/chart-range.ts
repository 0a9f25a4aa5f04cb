/**
 * The time range and grid of an alert's chart. Pure.
 * Range: 1 h before the latest firing transition to 30 min after the resolution that ended it, or now.
 * Grid: points at multiples of a "nice" step (each divides a UTC day, so days start on a point).
 */
import type { InstanceState } from '../engine/types';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export const MAX_POINTS = 120;
export const BEFORE_FIRING_MS = HOUR;
export const AFTER_RESOLVED_MS = 30 * MIN;
/** A rolling window is recomputed at every point: cap points x window so a 24 h window stays cheap. */
export const MAX_ROLLING_SCAN_MS = 30 * DAY;

export const NICE_STEPS_MS = [
  MIN,
  2 * MIN,
  5 * MIN,
  10 * MIN,
  15 * MIN,
  30 * MIN,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
] as const;

/** The smallest nice step giving at most `maxPoints` points over `spanMs`; whole days beyond one day. */
export function chooseBucketMs(spanMs: number, maxPoints = MAX_POINTS): number {
  const wanted = Math.max(1, spanMs) / Math.max(1, maxPoints);
  const step = NICE_STEPS_MS.find((s) => s >= wanted);
  return step ?? Math.ceil(wanted / DAY) * DAY;
}

/** How many points a rolling window of `windowMs` may have (at least 12). */
export function maxPointsForWindow(windowMs: number): number {
  return Math.max(12, Math.min(MAX_POINTS, Math.floor(MAX_ROLLING_SCAN_MS / Math.max(windowMs, 1))));
}

/** Grid points (epoch ms) in [from, to]: multiples of bucketMs. */
export function pointTimes(from: Date, to: Date, bucketMs: number): number[] {
  const out: number[] = [];
  for (let t = Math.ceil(from.getTime() / bucketMs) * bucketMs; t <= to.getTime(); t += bucketMs) out.push(t);
  return out;
}

export type TransitionMark = { fromState: InstanceState; toState: InstanceState; at: Date };
export type ChartWindow = { from: Date; to: Date; firedAt: Date | null; resolvedAt: Date | null };

/**
 * The chart range of an alert from its transitions (any order). Never fired: the hour around its latest
 * transition (or the last hour). The end never passes `now`.
 */
export function alertChartWindow(transitions: readonly TransitionMark[], now: Date): ChartWindow {
  const sorted = [...transitions].sort((a, b) => a.at.getTime() - b.at.getTime());
  const firing = sorted.filter((t) => t.toState === 'firing').at(-1);
  const nowMs = now.getTime();
  if (!firing) {
    const anchor = Math.min(sorted.at(-1)?.at.getTime() ?? nowMs, nowMs);
    return {
      from: new Date(anchor - HOUR),
      to: new Date(Math.min(nowMs, anchor + HOUR)),
      firedAt: null,
      resolvedAt: null,
    };
  }
  const firedMs = firing.at.getTime();
  const resolved = sorted.find((t) => t.at.getTime() > firedMs && t.fromState === 'firing');
  const end = resolved ? Math.min(nowMs, resolved.at.getTime() + AFTER_RESOLVED_MS) : nowMs;
  return {
    from: new Date(firedMs - BEFORE_FIRING_MS),
    to: new Date(Math.max(end, firedMs)),
    firedAt: firing.at,
    resolvedAt: resolved?.at ?? null,
  };
}
