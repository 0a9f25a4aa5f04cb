import { percentile, ratio } from '@/lib/metrics/stats';
import { CHECK_NAMES, type CheckName, type ProbeState } from './status';

export const UPTIME_WINDOWS = ['24h', '7d', '30d'] as const;
export type UptimeWindow = (typeof UPTIME_WINDOWS)[number];

export const SLOT_STATES = ['up', 'down', 'partial', 'none'] as const;
export type SlotState = (typeof SLOT_STATES)[number];

const HOUR_MS = 3_600_000;
const WINDOW_MS: Record<UptimeWindow, number> = {
  '24h': 24 * HOUR_MS,
  '7d': 7 * 24 * HOUR_MS,
  '30d': 30 * 24 * HOUR_MS,
};
export const HISTORY_MS = WINDOW_MS['30d'];
export const STRIP_MS = WINDOW_MS['24h'];
export const DEFAULT_SLOTS = 48;

/** One check, or `count` checks with the same state when the reader pre-aggregated older data (no latency then). */
export type HealthSample = {
  dependency: CheckName;
  checkedAt: Date;
  state: ProbeState;
  latencyMs: number | null;
  count?: number;
};

export type HistorySlot = { start: string; end: string; state: SlotState; ok: number; fail: number };

export type DependencyHistory = {
  dependency: CheckName;
  /** ok / (ok + fail) per window; not_configured checks are left out; null when nothing was checked. */
  uptime: Record<UptimeWindow, number | null>;
  /** Median latency of successful checks over the last 24 h. */
  latencyP50Ms: number | null;
  /** The last 24 h in equal slots, oldest first; the last slot ends at `now`. */
  strip: HistorySlot[];
};

export type HealthHistory = { now: string; slots: number; dependencies: DependencyHistory[] };

/** Windows are half-open (now - length, now]: a check at exactly `now` counts, one at `now - 24h` does not. */
export function computeHealthHistory(
  samples: readonly HealthSample[],
  now: Date,
  slots = DEFAULT_SLOTS,
): HealthHistory {
  if (!Number.isInteger(slots) || slots < 1)
    throw new RangeError(`computeHealthHistory: slots must be a positive integer, got ${slots}`);
  const end = now.getTime();
  const slotMs = STRIP_MS / slots;
  const dependencies = CHECK_NAMES.map((dependency): DependencyHistory => {
    const counts = Object.fromEntries(UPTIME_WINDOWS.map((w) => [w, { ok: 0, fail: 0 }])) as Record<
      UptimeWindow,
      { ok: number; fail: number }
    >;
    const strip = Array.from({ length: slots }, () => ({ ok: 0, fail: 0 }));
    const latencies: number[] = [];
    for (const sample of samples) {
      if (sample.dependency !== dependency || sample.state === 'not_configured') continue;
      const age = end - sample.checkedAt.getTime();
      if (age < 0 || age >= HISTORY_MS) continue;
      const n = sample.count ?? 1;
      for (const w of UPTIME_WINDOWS) if (age < WINDOW_MS[w]) counts[w][sample.state] += n;
      if (age >= STRIP_MS) continue;
      // age in [k * slotMs, (k + 1) * slotMs) lands k slots back from the newest.
      const slot = strip[slots - 1 - Math.floor(age / slotMs)];
      if (slot) slot[sample.state] += n;
      if (sample.state === 'ok' && sample.latencyMs !== null) latencies.push(sample.latencyMs);
    }
    return {
      dependency,
      uptime: Object.fromEntries(
        UPTIME_WINDOWS.map((w) => [w, ratio(counts[w].ok, counts[w].ok + counts[w].fail)]),
      ) as Record<UptimeWindow, number | null>,
      latencyP50Ms: percentile(latencies, 0.5),
      strip: strip.map((c, i) => ({
        start: new Date(end - STRIP_MS + i * slotMs).toISOString(),
        end: new Date(end - STRIP_MS + (i + 1) * slotMs).toISOString(),
        state: slotState(c.ok, c.fail),
        ...c,
      })),
    };
  });
  return { now: now.toISOString(), slots, dependencies };
}

function slotState(ok: number, fail: number): SlotState {
  if (ok === 0 && fail === 0) return 'none';
  if (fail === 0) return 'up';
  return ok === 0 ? 'down' : 'partial';
}
