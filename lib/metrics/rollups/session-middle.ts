import { binOf } from '../histogram';
import { GRAIN_MS, type Piece } from './plan';

/**
 * The session figures of a range's middle (its whole hours and days of session rollups), kept in a process between
 * reads (lib/metrics/queries/sessions.ts), and their merge with the activity read each time (the range's edges and
 * the buckets dirty now). Pure: no I/O.
 *
 * A bucket holds the sessions whose every event lies in it, summed (its rolled rows), and the parts of the sessions
 * that span buckets. The middle merges those parts per session once, when its buckets change; a read then only
 * merges the few sessions that also have activity outside the middle: it takes such a session's middle figures out
 * and puts its merged ones in.
 */

/** One session's activity: first and last event (epoch microseconds, exact) and messages. */
export type SessionActivity = { sessionId: string; firstUs: number; lastUs: number; messages: number };

/** Sessions summed: how many, their messages and durations, and a histogram of durations (bin -> count). */
export type SessionTotals = {
  count: number;
  messages: number;
  sumDurationMs: number;
  bins: Map<number, number>;
};

/** A bucket's rows: the sessions within it (one row per filter combination read: summed), the spanning sessions' parts. */
export type SessionBucket = {
  rolled: {
    count: number;
    messages: number;
    sumDurationMs: number;
    bins: readonly (readonly [number, number])[];
  }[];
  parts: SessionActivity[];
};

export type SessionMiddle = {
  /** Per bucketKey, the buckets read; a middle bucket missing here is read again next time. */
  buckets: ReadonlyMap<string, SessionBucket>;
  /** The parts of `buckets` merged per session. */
  sessions: ReadonlyMap<string, SessionActivity>;
  /** The rolled rows and the merged sessions of `buckets`, summed. */
  totals: SessionTotals;
};

export const bucketKey = (grain: string, bucketMs: number) => `${grain} ${bucketMs}`;

/** The keys of every bucket of the pieces (session grains: hours and days; a year is a few hundred). */
export function bucketKeys(pieces: readonly Piece[]): string[] {
  const keys: string[] = [];
  for (const p of pieces) {
    const step = GRAIN_MS[p.grain];
    for (let t = p.from.getTime(); t < p.to.getTime(); t += step) keys.push(bucketKey(p.grain, t));
  }
  return keys;
}

/** A session's duration in milliseconds: its last event - its first. */
export const durationMs = (s: SessionActivity) => (s.lastUs - s.firstUs) / 1000;

/** Rows of the same session (from several buckets or edges) as one. */
export function mergeActivity(rows: Iterable<SessionActivity>): Map<string, SessionActivity> {
  const merged = new Map<string, SessionActivity>();
  for (const r of rows) {
    const m = merged.get(r.sessionId);
    if (!m) merged.set(r.sessionId, { ...r });
    else {
      m.firstUs = Math.min(m.firstUs, r.firstUs);
      m.lastUs = Math.max(m.lastUs, r.lastUs);
      m.messages += r.messages;
    }
  }
  return merged;
}

const emptyTotals = (): SessionTotals => ({ count: 0, messages: 0, sumDurationMs: 0, bins: new Map() });

function addSession(totals: SessionTotals, s: SessionActivity, sign: 1 | -1) {
  const duration = durationMs(s);
  const bin = binOf(duration);
  totals.count += sign;
  totals.messages += sign * s.messages;
  totals.sumDurationMs += sign * duration;
  const c = (totals.bins.get(bin) ?? 0) + sign;
  if (c === 0) totals.bins.delete(bin);
  else totals.bins.set(bin, c);
}

/** The middle of `buckets`: their spanning sessions merged, everything summed. */
export function middleOf(buckets: ReadonlyMap<string, SessionBucket>): SessionMiddle {
  const totals = emptyTotals();
  for (const b of buckets.values())
    for (const r of b.rolled) {
      totals.count += r.count;
      totals.messages += r.messages;
      totals.sumDurationMs += r.sumDurationMs;
      for (const [bin, c] of r.bins) totals.bins.set(bin, (totals.bins.get(bin) ?? 0) + c);
    }
  const sessions = mergeActivity([...buckets.values()].flatMap((b) => b.parts));
  for (const s of sessions.values()) addSession(totals, s, 1);
  return { buckets, sessions, totals };
}

/**
 * The buckets to keep after a read: those kept before, less those rebuilt since (`changed`) or dirty now, plus those
 * read fresh. Null when that is what was kept already (nothing to merge again).
 */
export function refreshBuckets(
  kept: ReadonlyMap<string, SessionBucket> | null,
  changed: Iterable<string>,
  dirty: Iterable<string>,
  fresh: ReadonlyMap<string, SessionBucket>,
): Map<string, SessionBucket> | null {
  const buckets = new Map(kept ?? []);
  let same = kept !== null;
  for (const key of [...changed, ...dirty]) same = !buckets.delete(key) && same;
  for (const [key, bucket] of fresh) {
    buckets.set(key, bucket);
    same = false;
  }
  return same ? null : buckets;
}

/**
 * The figures of the middle and of the activity read around it (edges, dirty buckets): a session with activity on
 * both sides counts once, with its first and last event over both and its messages summed.
 */
export function sessionTotals(middle: SessionMiddle, activity: Iterable<SessionActivity>): SessionTotals {
  const totals: SessionTotals = { ...middle.totals, bins: new Map(middle.totals.bins) };
  for (const s of mergeActivity(activity).values()) {
    const inMiddle = middle.sessions.get(s.sessionId);
    if (inMiddle) {
      addSession(totals, inMiddle, -1);
      addSession(totals, mergeActivity([inMiddle, s]).get(s.sessionId)!, 1);
    } else addSession(totals, s, 1);
  }
  return totals;
}
