import type { CheckName } from '@/lib/health/status';

/** How many UTC days of uptime bars the public status page shows; the last one is today (so far). */
export const UPTIME_DAYS = 90;

const DAY_MS = 86_400_000;

/** Checks of one dependency on one UTC day, as the SQL aggregate answers them (not_configured left out). */
export type DayCount = { dependency: CheckName; day: string; ok: number; fail: number };

export const BAR_TONES = ['up', 'partial', 'down', 'none'] as const;
export type BarTone = (typeof BAR_TONES)[number];

/** One bar: a UTC day and its colour. The share behind the colour stays on the server. */
export type UptimeDay = { day: string; tone: BarTone };

/** What a bar's colour means, in words: the legend and each bar's tooltip. */
export const BAR_WORDS: Record<BarTone, string> = {
  up: 'no failed checks',
  partial: 'a few failed checks',
  down: 'many failed checks',
  none: 'no data',
};

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
 * A day's colour: every check ok is up, at least 95% ok is partial, less is down, none is no data. The page
 * names the colours in words only (BAR_WORDS), never this share or the 95%.
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
    return { day, tone: barTone(c ? share(c.ok, c.fail) : null) };
  });
}

const DAY_LABEL = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

/** Tooltip of a bar: "3 Mar 2026: a few failed checks" or "3 Mar 2026: no data". */
export function barTitle(day: UptimeDay): string {
  return `${DAY_LABEL.format(new Date(`${day.day}T00:00:00Z`))}: ${BAR_WORDS[day.tone]}`;
}
