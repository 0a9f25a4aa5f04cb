import type { CheckName } from '@/lib/health/status';

/** How many UTC days of uptime bars the public status page shows; the last one is today (so far). */
export const UPTIME_DAYS = 90;

const DAY_MS = 86_400_000;

/** Checks of one dependency on one UTC day, as the SQL aggregate answers them (not_configured left out). */
export type DayCount = { dependency: CheckName; day: string; ok: number; fail: number };

export const BAR_TONES = ['up', 'partial', 'down', 'none'] as const;
export type BarTone = (typeof BAR_TONES)[number];

/** One bar: a UTC day, its share of ok checks (null = no checks that day) and its colour. */
export type UptimeDay = { day: string; uptime: number | null; tone: BarTone };

/** The UTC day (YYYY-MM-DD) of an instant. */
export function utcDay(at: Date | number): string {
  return new Date(typeof at === 'number' ? at : at.getTime()).toISOString().slice(0, 10);
}

/** Midnight UTC of the first of `days` days ending with today: the 90-day query reads from there. */
export function firstDayStart(now: Date, days = UPTIME_DAYS): Date {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(midnight - (days - 1) * DAY_MS);
}

/** The `days` UTC days ending with today, oldest first. */
export function dayRange(now: Date, days = UPTIME_DAYS): string[] {
  const start = firstDayStart(now, days).getTime();
  return Array.from({ length: days }, (_, i) => utcDay(start + i * DAY_MS));
}

/**
 * A day's colour: every check ok is up, at least 95% ok is partial, less is down, none is no data.
 * One failed check among a day of per-minute checks (99.93%) is already partial: a public page does not
 * round a failure away.
 */
export function barTone(uptime: number | null): BarTone {
  if (uptime === null) return 'none';
  if (uptime >= 1) return 'up';
  return uptime >= 0.95 ? 'partial' : 'down';
}

const share = (ok: number, fail: number) => (ok + fail === 0 ? null : ok / (ok + fail));

/** One bar per day of the range, oldest first; a day without checks is a grey "no data" bar. */
export function fillDays(counts: readonly DayCount[], now: Date, days = UPTIME_DAYS): UptimeDay[] {
  const byDay = new Map<string, { ok: number; fail: number }>();
  for (const c of counts) {
    const sum = byDay.get(c.day) ?? { ok: 0, fail: 0 };
    sum.ok += c.ok;
    sum.fail += c.fail;
    byDay.set(c.day, sum);
  }
  return dayRange(now, days).map((day) => {
    const c = byDay.get(day);
    const uptime = c ? share(c.ok, c.fail) : null;
    return { day, uptime, tone: barTone(uptime) };
  });
}

/** Share of ok checks over the whole range (days in range only), or null when nothing was checked. */
export function rangeUptime(counts: readonly DayCount[], now: Date, days = UPTIME_DAYS): number | null {
  const inRange = new Set(dayRange(now, days));
  let ok = 0;
  let fail = 0;
  for (const c of counts) {
    if (!inRange.has(c.day)) continue;
    ok += c.ok;
    fail += c.fail;
  }
  return share(ok, fail);
}

/**
 * A percentage with two decimals, truncated rather than rounded so 99.999% never reads as 100% and a day
 * with a failure never looks perfect.
 */
export function formatUptime(uptime: number | null): string {
  if (uptime === null) return 'no data';
  if (uptime >= 1) return '100%';
  const truncated = Math.floor(uptime * 10_000) / 100;
  return `${truncated.toFixed(2)}%`;
}

const DAY_LABEL = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

/** Tooltip of a bar: "3 Mar 2026: 99.93% uptime" or "3 Mar 2026: no data". */
export function barTitle(day: UptimeDay): string {
  const date = DAY_LABEL.format(new Date(`${day.day}T00:00:00Z`));
  return day.uptime === null ? `${date}: no data` : `${date}: ${formatUptime(day.uptime)} uptime`;
}
