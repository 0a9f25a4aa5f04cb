import { hashKey } from './random';

export type Outage = { start: Date; end: Date };

export type OutageSchedule = {
  from: Date;
  to: Date;
  everyMinutes: number;
  durationMinutes: number;
  seed?: number;
};

/**
 * Outage windows every `everyMinutes`, aligned to the epoch plus a seeded offset rather than to `from`,
 * so two runs over overlapping ranges agree on when the outages were.
 */
export function scheduleOutages({
  from,
  to,
  everyMinutes,
  durationMinutes,
  seed = 1,
}: OutageSchedule): Outage[] {
  if (everyMinutes <= 0 || durationMinutes <= 0) return [];
  const period = everyMinutes * 60_000;
  const length = Math.min(durationMinutes * 60_000, period);
  const offset = (hashKey(seed, 'outage', everyMinutes) % everyMinutes) * 60_000;
  const outages: Outage[] = [];
  for (let k = Math.floor((from.getTime() - offset - length) / period); ; k += 1) {
    const start = k * period + offset;
    if (start >= to.getTime()) break;
    if (start + length > from.getTime())
      outages.push({ start: new Date(start), end: new Date(start + length) });
  }
  return outages;
}
