import { AppError } from '@/lib/http/errors';
import { checkText, parseDateParam } from '@/lib/http/query-params';

export const RANGES = ['15m', '1h', '6h', '24h', '7d', '30d', '90d', '1y'] as const;
export type RangePreset = (typeof RANGES)[number];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const RANGE_MS: Record<RangePreset, number> = {
  '15m': 15 * MINUTE,
  '1h': HOUR,
  '6h': 6 * HOUR,
  '24h': DAY,
  '7d': 7 * DAY,
  '30d': 30 * DAY,
  '90d': 90 * DAY,
  '1y': 365 * DAY,
};

export const DEFAULT_RANGE: RangePreset = '24h';
/**
 * The longest custom range (`from`/`to`) any dashboard or read API answers: a leap year. Ranges longer
 * than the raw events' retention read the rollups (kept ROLLUP_RETENTION_DAYS, 400 by default).
 */
export const MAX_SPAN_DAYS = 366;
/** Charts get at most this many points; the smallest step below that keeps under it is chosen. */
export const MAX_POINTS = 100;
const BUCKET_STEPS = [
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  // No 12 h step: a 30-day chart takes days, which the daily rollups answer whole.
  DAY,
  2 * DAY,
  7 * DAY,
] as const;

export type TimeRange = {
  from: Date;
  to: Date;
  /** The preset the range came from, or `custom` for explicit from/to. */
  preset: RangePreset | 'custom';
  bucketMs: number;
  /** The period of equal length just before `from`, for trends. */
  previous: { from: Date; to: Date };
};

export type Filters = { service: string | null; environment: string | null; model: string | null };
export const NO_FILTERS: Filters = { service: null, environment: null, model: null };

export type RangeInput = { from?: string | null; to?: string | null; range?: string | null };

/**
 * `range` (a preset) ends now; `from`/`to` (ISO 8601 or epoch ms, 2000-01-01 to a day from now) win over it.
 * With only `from`, the range ends now; with only `to`, it spans the default 24 h before it.
 */
export function parseRange(input: RangeInput, now: Date = new Date()): TimeRange {
  const preset = parsePreset(input.range);
  const [fromText, toText] = [input.from?.trim(), input.to?.trim()];
  const to = toText ? parseDateParam(toText, 'to', now) : now;
  const from = fromText
    ? parseDateParam(fromText, 'from', now)
    : new Date(to.getTime() - RANGE_MS[preset ?? DEFAULT_RANGE]);
  const span = to.getTime() - from.getTime();
  if (span <= 0) throw new AppError('bad_request', '"from" must be before "to".');
  if (span > MAX_SPAN_DAYS * DAY) {
    throw new AppError('bad_request', `The range spans more than ${MAX_SPAN_DAYS} days; narrow "from"/"to".`);
  }
  const custom = Boolean(fromText || toText);
  return {
    from,
    to,
    preset: custom ? 'custom' : (preset ?? DEFAULT_RANGE),
    bucketMs: bucketFor(span),
    previous: previousPeriod(from, to),
  };
}

function parsePreset(value: string | null | undefined): RangePreset | null {
  const text = value?.trim();
  if (!text) return null;
  if ((RANGES as readonly string[]).includes(text)) return text as RangePreset;
  checkText(text, 'range');
  throw new AppError('bad_request', `"range" must be one of ${RANGES.join(', ')} (or pass "from" and "to").`);
}

/** The smallest step that keeps a chart of `spanMs` at or under MAX_POINTS points. */
export function bucketFor(spanMs: number): number {
  return BUCKET_STEPS.find((step) => Math.ceil(spanMs / step) <= MAX_POINTS) ?? 7 * DAY;
}

/** Most points a chart may ask for with an explicit `bucket`. */
export const MAX_REQUESTED_POINTS = 1000;
const UNIT_MS = { m: MINUTE, h: HOUR, d: DAY } as const;

/** An explicit bucket (`5m`, `1h`, `1d`, ...): one of the bucket steps, at most MAX_REQUESTED_POINTS per range. */
export function parseBucket(value: string, spanMs: number): number {
  const match = /^(\d{1,4})([mhd])$/.exec(value.trim());
  const ms = match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : NaN;
  if (!(BUCKET_STEPS as readonly number[]).includes(ms)) {
    throw new AppError('bad_request', `"bucket" must be one of ${BUCKET_STEPS.map(formatStep).join(', ')}.`);
  }
  if (Math.ceil(spanMs / ms) > MAX_REQUESTED_POINTS) {
    throw new AppError(
      'bad_request',
      `"bucket" ${value.trim()} gives more than ${MAX_REQUESTED_POINTS} points for this range; pick a larger one.`,
    );
  }
  return ms;
}

function formatStep(ms: number): string {
  return ms % DAY === 0 ? `${ms / DAY}d` : ms % HOUR === 0 ? `${ms / HOUR}h` : `${ms / MINUTE}m`;
}

export function previousPeriod(from: Date, to: Date): { from: Date; to: Date } {
  const span = to.getTime() - from.getTime();
  return { from: new Date(from.getTime() - span), to: new Date(from.getTime()) };
}

const MAX_FILTER_LENGTH = 128;

export function parseFilters(input: {
  service?: string | null;
  environment?: string | null;
  model?: string | null;
}): Filters {
  return {
    service: filterValue(input.service, 'service'),
    environment: filterValue(input.environment, 'environment'),
    model: filterValue(input.model, 'model'),
  };
}

function filterValue(value: string | null | undefined, name: string): string | null {
  const text = value?.trim();
  if (!text) return null;
  checkText(text, name);
  if (text.length > MAX_FILTER_LENGTH) {
    throw new AppError('bad_request', `"${name}" must be at most ${MAX_FILTER_LENGTH} characters.`);
  }
  return text;
}
