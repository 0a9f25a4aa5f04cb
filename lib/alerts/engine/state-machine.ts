/**
 * Alert instance lifecycle: ok -> pending -> firing -> resolved -> ok, plus no_data.
 * Pure: the caller stores the result and records `transition` (null when the state did not change).
 *
 * Choices:
 * - No previous instance is treated as `ok` since `now`.
 * - breaching: ok / resolved / no_data -> pending, or straight to firing when forMs <= 0;
 *   pending -> firing once the breach has lasted forMs (now - since >= forMs); firing stays firing.
 * - ok: firing -> resolved; pending -> ok (a breach shorter than forMs never fires);
 *   resolved -> ok (resolved lasts one evaluation); no_data -> ok.
 * - no_data: firing stays firing (missing data does not resolve an alert at once) until it has had no data
 *   for `noDataResolveMs` (default a day; e.g. a model the app stopped calling), then resolves;
 *   pending -> no_data (the `for` clock restarts when data returns); ok / resolved -> no_data.
 * - `since` only moves when the state changes.
 */
import type { InstanceState, Verdict } from './types';

export type InstanceSnapshot = { state: InstanceState; since: Date };
export type Transition = { from: InstanceState; to: InstanceState };
export type NextInstance = InstanceSnapshot & { transition: Transition | null };

export const DEFAULT_NO_DATA_RESOLVE_MS = 24 * 60 * 60 * 1000;

export type NoDataOptions = {
  /** The last evaluation with data; null = unknown (then the state's `since` stands in). */
  dataAt?: Date | null;
  noDataResolveMs?: number;
};

export function nextInstanceState(
  previous: InstanceSnapshot | null,
  verdict: Pick<Verdict, 'state'>,
  forMs: number,
  now: Date,
  noData: NoDataOptions = {},
): NextInstance {
  const prev: InstanceSnapshot = previous ?? { state: 'ok', since: now };
  let to = target(prev, verdict.state, forMs, now);
  if (to === 'firing' && prev.state === 'firing' && verdict.state === 'no_data') {
    const lastData = (noData.dataAt ?? prev.since).getTime();
    if (now.getTime() - lastData >= (noData.noDataResolveMs ?? DEFAULT_NO_DATA_RESOLVE_MS)) to = 'resolved';
  }
  if (to === prev.state) return { state: prev.state, since: prev.since, transition: null };
  return { state: to, since: now, transition: { from: prev.state, to } };
}

function target(prev: InstanceSnapshot, verdict: Verdict['state'], forMs: number, now: Date): InstanceState {
  switch (verdict) {
    case 'breaching':
      if (prev.state === 'firing') return 'firing';
      if (forMs <= 0) return 'firing';
      if (prev.state === 'pending')
        return now.getTime() - prev.since.getTime() >= forMs ? 'firing' : 'pending';
      return 'pending';
    case 'ok':
      if (prev.state === 'firing') return 'resolved';
      return 'ok';
    case 'no_data':
      if (prev.state === 'firing') return 'firing';
      return 'no_data';
  }
}

/** Transitions that produce a notification: into firing, and firing -> resolved. */
export function isNotifiable(t: Transition | null): t is Transition {
  return t !== null && (t.to === 'firing' || (t.from === 'firing' && t.to === 'resolved'));
}
