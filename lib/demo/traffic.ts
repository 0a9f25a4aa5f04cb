import type { StampedEvent } from '../client/types';
import { DEPLOY_HOUR, generateLoginBurst, generateMinute } from './background';
import type { Outage } from './outages';
import { Rng, hashKey } from './random';
import { generateSession } from './session';
import { Sink, type Timed } from './sink';

export { scheduleOutages, type Outage } from './outages';
export { MODELS } from './session';

export type TrafficOptions = {
  from: Date;
  to: Date;
  seed?: number;
  /** Distinct users on an ordinary weekday; every other volume scales with it. */
  usersPerDay?: number;
  /** Windows in which Claude calls fail and 5xx answers spike. */
  outages?: readonly Outage[];
  /** Offset of the simulated users' local time from UTC, for the daily rhythm. */
  utcOffsetMinutes?: number;
  environment?: string;
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Relative sessions per local hour: quiet nights, a working-day plateau, a smaller evening. */
const HOURLY_SHAPE = [
  0.3, 0.2, 0.15, 0.12, 0.12, 0.18, 0.35, 0.6, 0.85, 1, 1.05, 1.05, 0.95, 1, 1.05, 1, 0.95, 0.85, 0.75, 0.7,
  0.7, 0.65, 0.55, 0.4,
] as const;
const SHAPE_TOTAL = HOURLY_SHAPE.reduce((sum, w) => sum + w, 0);
const SHAPE_PEAK = Math.max(...HOURLY_SHAPE);
/** Weekends are quieter, but by less than the 20% day-over-day drop the default alert looks for. */
const WEEKEND_FACTOR = 0.82;
const SESSIONS_PER_USER = 1.4;
/** Users drawn per day so that, after repeats, about `usersPerDay` distinct ones show up. */
const ACTIVE_LIST_FACTOR = 1.33;
const MOBILE_SHARE = 0.35;
const LOGIN_BURSTS_PER_HOUR = 1 / 40;

/**
 * Realistic chat-app traffic in [from, to), in time order. Pure and deterministic: each absolute hour is
 * generated from (seed, hour) alone, so overlapping ranges yield identical events with identical ids.
 */
export function* generateTraffic(options: TrafficOptions): Generator<StampedEvent> {
  const from = options.from.getTime();
  const to = options.to.getTime();
  if (!(from < to)) return;
  const world = createWorld(options);
  let pending: Timed[] = [];
  // Sessions last under an hour, so the hour before `from` is the only one that can spill into the range.
  for (let hour = Math.floor(from / HOUR) * HOUR - HOUR; hour < to; hour += HOUR) {
    pending = pending.concat(world.hour(hour));
    pending.sort(byTime);
    const cut = hour + HOUR;
    let i = 0;
    for (; i < pending.length && pending[i]!.t < cut; i += 1) {
      const { t, event } = pending[i]!;
      if (t >= to) return;
      if (t >= from) yield event;
    }
    pending = pending.slice(i);
  }
}

function byTime(a: Timed, b: Timed): number {
  return a.t - b.t || (a.event.id < b.event.id ? -1 : a.event.id > b.event.id ? 1 : 0);
}

function createWorld(options: TrafficOptions) {
  const seed = options.seed ?? 1;
  const usersPerDay = Math.max(1, options.usersPerDay ?? 400);
  const offset = (options.utcOffsetMinutes ?? 0) * MINUTE;
  const environment = options.environment ?? 'production';
  const prefix = `demo${seed}-`;
  const outages = (options.outages ?? []).map((o) => [o.start.getTime(), o.end.getTime()] as const);
  const isDown = (t: number) => outages.some(([start, end]) => t >= start && t < end);
  const poolSize = Math.ceil(usersPerDay * 3);
  const dayUsersCache = new Map<number, number[]>();

  const localDay = (t: number) => Math.floor((t + offset) / DAY);
  const localHour = (t: number) => new Date(t + offset).getUTCHours();
  const dayFactor = (day: number) => {
    const weekday = new Date(day * DAY).getUTCDay();
    const weekend = weekday === 0 || weekday === 6 ? WEEKEND_FACTOR : 1;
    return weekend * Rng.for(seed, 'day-factor', day).between(0.94, 1.06);
  };
  const release = (t: number) =>
    `v${new Date(t + offset - DEPLOY_HOUR * HOUR).toISOString().slice(0, 10).replaceAll('-', '.')}`;
  const userId = (index: number) => `user_${index.toString().padStart(5, '0')}`;
  const isMobile = (index: number) => hashKey(seed, 'mobile', index) % 1000 < MOBILE_SHARE * 1000;

  /** Regulars (low indices) come back most days; the long tail shows up now and then. */
  function dayUsers(day: number): number[] {
    const cached = dayUsersCache.get(day);
    if (cached) return cached;
    const rng = Rng.for(seed, 'day-users', day);
    const wanted = Math.min(
      Math.floor(poolSize * 0.6),
      Math.round(usersPerDay * ACTIVE_LIST_FACTOR * dayFactor(day)),
    );
    const chosen = new Set<number>();
    while (chosen.size < Math.max(1, wanted)) chosen.add(Math.floor(poolSize * rng.next() ** 1.6));
    const users = [...chosen];
    dayUsersCache.set(day, users);
    if (dayUsersCache.size > 4) dayUsersCache.delete(dayUsersCache.keys().next().value!);
    return users;
  }

  function hour(start: number): Timed[] {
    const items: Timed[] = [];
    const day = localDay(start);
    const shape = HOURLY_SHAPE[localHour(start)] ?? 1;
    const load = shape / SHAPE_PEAK;
    const common = { environment, release: release(start) };
    const expected =
      (usersPerDay * SESSIONS_PER_USER * ACTIVE_LIST_FACTOR * dayFactor(day) * shape) / SHAPE_TOTAL;
    const sessions = Rng.for(seed, 'sessions', start).poisson(expected);
    const users = dayUsers(day);
    const hourKey = (start / HOUR).toString(36);

    for (let i = 0; i < sessions; i += 1) {
      const rng = Rng.for(seed, 'session', start, i);
      const index = rng.pick(users);
      const key = `${prefix}s${hourKey}-${i}`;
      const sink = new Sink(key, { ...common, userId: userId(index), sessionId: key }, items);
      generateSession({ rng, sink, start: start + rng.next() * HOUR, mobile: isMobile(index), load, isDown });
    }

    for (let m = 0; m < 60; m += 1) {
      const t = start + m * MINUTE;
      const sink = new Sink(`${prefix}m${(t / MINUTE).toString(36)}`, common, items);
      const sinceDeploy = (Math.floor((t + offset) / MINUTE) - DEPLOY_HOUR * 60) % 1440;
      const uptimeMinutes = sinceDeploy < 0 ? sinceDeploy + 1440 : sinceDeploy;
      generateMinute({ rng: Rng.for(seed, 'minute', t), sink, t, load, uptimeMinutes, down: isDown(t) });
    }

    const burstRng = Rng.for(seed, 'login-burst', start);
    if (burstRng.chance(LOGIN_BURSTS_PER_HOUR)) {
      const targets = [userId(burstRng.int(0, poolSize - 1)), userId(burstRng.int(0, poolSize - 1)), 'admin'];
      const sink = new Sink(`${prefix}b${hourKey}`, common, items);
      generateLoginBurst(burstRng, sink, start + burstRng.between(0, 50 * MINUTE), targets);
    }
    return items;
  }

  return { hour };
}
