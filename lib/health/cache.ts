import { shareInFlight } from './probes';

export const HEALTH_CACHE_MS = 30_000;

export type HealthCache<T> = {
  /** The last result while it is younger than `maxAgeMs`, else a new probe (shared with one in flight). */
  recent(): Promise<T>;
  /** A new probe, shared with one already in flight. */
  fresh(): Promise<T>;
  /** Keeps a result probed elsewhere (the alerts cron's) as the latest. */
  remember(value: T): void;
};

/**
 * At most one probe per `maxAgeMs` for callers content with `recent()`, however many there are: anonymous
 * health checks cannot multiply the calls to Anthropic and Clerk.
 */
export function createHealthCache<T>(
  probe: () => Promise<T>,
  { maxAgeMs = HEALTH_CACHE_MS, now = () => Date.now() }: { maxAgeMs?: number; now?: () => number } = {},
): HealthCache<T> {
  let last: { value: T; at: number } | undefined;
  const remember = (value: T) => {
    last = { value, at: now() };
  };
  const fresh = shareInFlight(async () => {
    const value = await probe();
    remember(value);
    return value;
  });
  return {
    recent: () => (last && now() - last.at < maxAgeMs ? Promise.resolve(last.value) : fresh()),
    fresh,
    remember,
  };
}
