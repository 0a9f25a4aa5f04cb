import type { CommonFields, StampedEvent, TrackEvent } from '../client/types';

export type Timed = { t: number; event: StampedEvent };

type Context = Omit<CommonFields, 'id' | 'timestamp'>;

/**
 * Collects the events of one generation unit (a session, a minute, a burst). Ids are the unit's key plus
 * a counter, so the same seed always yields the same ids and a re-sent backfill is deduplicated.
 */
export class Sink {
  private count = 0;

  constructor(
    readonly key: string,
    private readonly context: Context,
    readonly items: Timed[] = [],
  ) {}

  emit(t: number, event: TrackEvent, context: Context = {}): string {
    const at = Math.round(t);
    const id = `${this.key}.${(this.count++).toString(36)}`;
    const stamped = {
      ...this.context,
      ...context,
      ...event,
      id,
      timestamp: new Date(at).toISOString(),
    } as StampedEvent;
    this.items.push({ t: at, event: stamped });
    return id;
  }
}
