/**
 * How a read splits its window between the rollups and raw events. Rollups hold whole UTC buckets of
 * their table's grains; a read takes the coarsest whole buckets it can, finer ones toward its edges, and reads
 * the sub-minute edges from raw rows. Everything here is pure arithmetic on epoch milliseconds (UTC, no DST).
 * Weeks are aligned to the epoch like every grain: they start on Thursdays at 00:00 UTC.
 */

export const GRAINS = ['week', 'day', 'hour', 'quarter', 'minute'] as const;
export type Grain = (typeof GRAINS)[number];

export const GRAIN_MS: Record<Grain, number> = {
  minute: 60_000,
  /** A quarter of an hour: the 24-hour charts' buckets. */
  quarter: 900_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 7 * 86_400_000,
};

export type Window = { from: Date; to: Date };
export type Piece = Window & { grain: Grain };

export type ReadPlan = {
  /** Whole buckets read from the rollups, coarsest first; together they tile `covered`. */
  pieces: Piece[];
  /** The span the pieces cover, or null when the window holds no whole bucket. */
  covered: Window | null;
  /** The rest of the window, read from raw rows (at most two windows, one per edge). */
  raw: Window[];
};

const floorTo = (ms: number, step: number) => Math.floor(ms / step) * step;
const ceilTo = (ms: number, step: number) => Math.ceil(ms / step) * step;

/**
 * The grains a series with buckets of `bucketMs` may read: those that tile its buckets. A rollup bucket
 * of an allowed grain lies inside exactly one chart bucket.
 */
export function grainsFor(bucketMs: number | null): Grain[] {
  if (bucketMs === null) return [...GRAINS];
  return GRAINS.filter((g) => bucketMs % GRAIN_MS[g] === 0);
}

/** Splits [from, to) into rollup pieces of the allowed grains and the raw edges they leave. */
export function planRead(window: Window, grains: readonly Grain[] = GRAINS): ReadPlan {
  const order = GRAINS.filter((g) => grains.includes(g));
  const pieces: Piece[] = [];
  const raw: Window[] = [];
  const split = (from: number, to: number, level: number) => {
    if (from >= to) return;
    const grain = order[level];
    if (grain === undefined) {
      raw.push({ from: new Date(from), to: new Date(to) });
      return;
    }
    const step = GRAIN_MS[grain];
    const start = ceilTo(from, step);
    const end = floorTo(to, step);
    if (start >= end) {
      split(from, to, level + 1);
      return;
    }
    split(from, start, level + 1);
    pieces.push({ grain, from: new Date(start), to: new Date(end) });
    split(end, to, level + 1);
  };
  split(window.from.getTime(), window.to.getTime(), 0);
  pieces.sort(
    (a, b) => order.indexOf(a.grain) - order.indexOf(b.grain) || a.from.getTime() - b.from.getTime(),
  );
  raw.sort((a, b) => a.from.getTime() - b.from.getTime());
  const covered =
    pieces.length === 0
      ? null
      : {
          from: new Date(Math.min(...pieces.map((p) => p.from.getTime()))),
          to: new Date(Math.max(...pieces.map((p) => p.to.getTime()))),
        };
  return { pieces, covered, raw: mergeAdjacent(raw) };
}

function mergeAdjacent(windows: Window[]): Window[] {
  const out: Window[] = [];
  for (const w of windows) {
    const last = out.at(-1);
    if (last && last.to.getTime() === w.from.getTime()) last.to = w.to;
    else out.push({ from: w.from, to: w.to });
  }
  return out;
}

/** The bucket of a grain that holds `ms`. */
export function bucketStart(ms: number, grain: Grain): number {
  return floorTo(ms, GRAIN_MS[grain]);
}

/**
 * A plan's middle, its pieces of `finest` grain or coarser (their span as `covered`, no raw edges; null when it
 * has none), and its edges: the finer pieces and the raw edges (`covered` unchanged, for the tail). Pieces are
 * coarsest in the middle, finer toward the edges, so the middle's pieces tile one span.
 */
export function splitMiddle(plan: ReadPlan, finest: Grain): { middle: ReadPlan | null; edges: ReadPlan } {
  const inMiddle = (p: Piece) => GRAIN_MS[p.grain] >= GRAIN_MS[finest];
  const middle = plan.pieces.filter(inMiddle);
  if (middle.length === 0) return { middle: null, edges: plan };
  const covered = {
    from: new Date(Math.min(...middle.map((p) => p.from.getTime()))),
    to: new Date(Math.max(...middle.map((p) => p.to.getTime()))),
  };
  return {
    middle: { pieces: middle, covered, raw: [] },
    edges: { ...plan, pieces: plan.pieces.filter((p) => !inMiddle(p)) },
  };
}
