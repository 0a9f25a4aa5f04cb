/** Raw events are partitioned by RANGE (ts), one partition per UTC day named `events_pYYYYMMDD`. */
export const EVENTS_TABLE = 'events';
export const PARTITION_PREFIX = 'events_p';
export const DAY_MS = 86_400_000;
/** Partitions exist this many whole UTC days past today, so an event stamped a little ahead always has one. */
export const DAYS_AHEAD = 2;

export type PartitionSpec = { name: string; from: Date; to: Date };
export type DayRange = { from: Date; to: Date };

const NAME_PATTERN = /^events_p(\d{4})(\d{2})(\d{2})$/;

/** The start (00:00 UTC) of the UTC day holding `t`. */
export function utcDay(t: Date): Date {
  return new Date(Math.floor(t.getTime() / DAY_MS) * DAY_MS);
}

export function partitionName(day: Date): string {
  return PARTITION_PREFIX + utcDay(day).toISOString().slice(0, 10).replaceAll('-', '');
}

/** The day a partition name stands for, or null for a name that is not one of ours. */
export function dayOfPartitionName(name: string): Date | null {
  const match = NAME_PATTERN.exec(name);
  if (!match) return null;
  const day = new Date(`${match[1]}-${match[2]}-${match[3]}T00:00:00Z`);
  return Number.isNaN(day.getTime()) || partitionName(day) !== name ? null : day;
}

/** One partition per UTC day from the day of `from` through the day of `to`, both included. */
export function planPartitions({ from, to }: DayRange): PartitionSpec[] {
  const specs: PartitionSpec[] = [];
  for (let t = utcDay(from).getTime(); t <= to.getTime(); t += DAY_MS) {
    const day = new Date(t);
    specs.push({ name: partitionName(day), from: day, to: new Date(t + DAY_MS) });
  }
  return specs;
}

/**
 * The days the app keeps partitions for: from the oldest day ingest still accepts (now - retention) through
 * DAYS_AHEAD days past today. The day before it would be dropped by the next retention run at once.
 */
export function partitionWindow(now: Date, retentionDays: number): DayRange {
  return {
    from: utcDay(new Date(now.getTime() - retentionDays * DAY_MS)),
    to: new Date(utcDay(now).getTime() + DAYS_AHEAD * DAY_MS),
  };
}

/** One partition per distinct UTC day of some timestamps (a batch of rows), oldest first. */
export function partitionsOf(timestamps: Iterable<Date>): PartitionSpec[] {
  const days = new Set<number>();
  for (const t of timestamps) days.add(utcDay(t).getTime());
  return [...days]
    .sort((a, b) => a - b)
    .map((t) => ({ name: partitionName(new Date(t)), from: new Date(t), to: new Date(t + DAY_MS) }));
}

const BOUND = /^FOR VALUES FROM \('([^']+)'\) TO \('([^']+)'\)$/;
const TIMESTAMPTZ = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)([+-]\d{2})(?::?(\d{2}))?(?::\d{2})?$/;

/** Parses a timestamptz as Postgres prints it in any session time zone ('2026-01-05 00:00:00+00', '+05:30'). */
export function parseTimestamptz(text: string): Date | null {
  const match = TIMESTAMPTZ.exec(text);
  if (!match) return null;
  const t = new Date(`${match[1]}T${match[2]}${match[3]}:${match[4] ?? '00'}`);
  return Number.isNaN(t.getTime()) ? null : t;
}

/**
 * The bounds of a range partition from `pg_get_expr(relpartbound, oid)`, or null when they are not two
 * timestamps (MINVALUE, MAXVALUE, DEFAULT: not a partition this app made).
 */
export function parsePartitionBound(expression: string): DayRange | null {
  const match = BOUND.exec(expression.trim());
  if (!match) return null;
  const from = parseTimestamptz(match[1]!);
  const to = parseTimestamptz(match[2]!);
  return from && to ? { from, to } : null;
}
