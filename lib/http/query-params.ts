import { AppError } from '@/lib/http/errors';

/**
 * Checks shared by every reader of a URL (route handlers and pages): control characters, unknown or repeated
 * parameters, and dates. Pure; every refusal is AppError('bad_request') with a message that says what to fix.
 */

const DAY_MS = 86_400_000;
/** No date before this is read: nothing was recorded earlier, and year 0000-style values break the database. */
export const EARLIEST_DATE = new Date('2000-01-01T00:00:00.000Z');
/** How far past now a date may lie (clock skew and time zones), at most. */
export const MAX_FUTURE_MS = DAY_MS;

const CONTROL = /[\u0000-\u001f\u007f]/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids go to uuid columns: anything else is simply not found, never a database error. */
export const isUuid = (value: string) => UUID.test(value);

/** The first value of a page's search param (Next gives an array for repeats), or null. */
export const firstParam = (value: string | string[] | undefined): string | null =>
  (Array.isArray(value) ? value[0] : value) ?? null;

/** A page's free-text param for a database read: null when absent, over `max` characters or not plain text. */
export function pageText(value: string | string[] | undefined, max = 256): string | null {
  const text = firstParam(value);
  return text !== null && text.length <= max && !CONTROL.test(text) && text.isWellFormed() ? text : null;
}

/** A name or value as messages show it: JSON-quoted, so control characters read as escapes, and cut at 64. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);
}

const codePoint = (char: string) => `U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;

/** `value` itself, or a 400 when it holds a control character (U+0000-U+001F, U+007F) or half a surrogate pair. */
export function checkText(value: string, name: string): string {
  const control = CONTROL.exec(value);
  if (control) {
    throw new AppError(
      'bad_request',
      `${quote(name)} contains the control character ${codePoint(control[0])}; remove it.`,
    );
  }
  if (!value.isWellFormed()) {
    throw new AppError(
      'bad_request',
      `${quote(name)} is not valid text (half of a UTF-16 surrogate pair); send UTF-8.`,
    );
  }
  return value;
}

/**
 * The query string of a route handler as one trimmed value per parameter (empty values count as absent).
 * 400 for a parameter outside `allowed` (naming it, the allowed ones and a `hints` alias if any), for one
 * given twice, and for control characters in a name or value.
 */
export function readQuery<K extends string>(
  params: URLSearchParams,
  allowed: readonly K[],
  hints: Readonly<Record<string, K>> = {},
): Partial<Record<K, string>> {
  const values: Partial<Record<K, string>> = {};
  const seen = new Set<string>();
  for (const [name, value] of params) {
    if (!(allowed as readonly string[]).includes(name)) {
      const hint = Object.hasOwn(hints, name) ? ` (did you mean "${hints[name]}"?)` : '';
      throw new AppError(
        'bad_request',
        `Unknown parameter ${quote(name)}${hint}; the parameters are ${allowed.join(', ')}.`,
      );
    }
    if (seen.has(name)) throw new AppError('bad_request', `"${name}" is given more than once; pass it once.`);
    seen.add(name);
    const text = checkText(value, name).trim();
    if (text) values[name as K] = text;
  }
  return values;
}

/** One parameter read before the rest (e.g. `project`, to authorize first): trimmed, null when absent. */
export function singleParam(params: URLSearchParams, name: string): string | null {
  const values = params.getAll(name);
  if (values.length > 1)
    throw new AppError('bad_request', `"${name}" is given more than once; pass it once.`);
  return values[0] === undefined ? null : checkText(values[0], name).trim() || null;
}

/** A page's search params: each value the page reads, first of repeats, trimmed, checked for control characters. */
export function readPageParam(value: string | string[] | undefined, name: string): string | null {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  return text ? checkText(text, name) : null;
}

const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Epoch ms of a calendar-valid ISO 8601 date or date-time (no zone means UTC), else NaN. */
export function parseIsoDate(text: string): number {
  const m = ISO_DATE.exec(text);
  if (!m) return NaN;
  const part = (i: number) => Number(m[i] ?? 0);
  const [year, month, day, hour, minute, second] = [part(1), part(2), part(3), part(4), part(5), part(6)];
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const offset = zoneOffsetMinutes(m[8]);
  const valid =
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour < 24 &&
    minute < 60 &&
    second < 60;
  if (!valid || offset === null) return NaN;
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, ms));
  date.setUTCFullYear(year); // Date.UTC would read years 0-99 as 1900-1999
  return date.getTime() - offset * 60_000;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function zoneOffsetMinutes(zone: string | undefined): number | null {
  if (!zone || zone === 'Z') return 0;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(-2));
  if (hours > 14 || minutes >= 60) return null;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

/** Whether epoch ms `ms` lies between EARLIEST_DATE and MAX_FUTURE_MS after `now`. */
export function inDateWindow(ms: number, now: Date): boolean {
  return Number.isFinite(ms) && ms >= EARLIEST_DATE.getTime() && ms <= now.getTime() + MAX_FUTURE_MS;
}

/**
 * A date parameter: ISO 8601 (date or date-time; no zone means UTC) or epoch milliseconds, between
 * 2000-01-01 and one day after `now`.
 */
export function parseDateParam(value: string, name: string, now: Date = new Date()): Date {
  const text = checkText(value, name).trim();
  const digits = /^\d+$/.test(text);
  const ms = digits ? Number(text) : parseIsoDate(text);
  if (!digits && Number.isNaN(ms)) {
    // A "+" of a zone offset arrives as a space when the client forgot to encode it.
    const plus = /\s\d{2}:?\d{2}$/.test(text) ? ' Encode the "+" of a zone offset as %2B.' : '';
    throw new AppError(
      'bad_request',
      `"${name}" must be an ISO 8601 date-time (e.g. 2025-01-31T12:00:00Z) or epoch milliseconds; got ${quote(text)}.${plus}`,
    );
  }
  if (!inDateWindow(ms, now)) {
    throw new AppError(
      'bad_request',
      `"${name}" must lie between ${EARLIEST_DATE.toISOString().slice(0, 10)} and one day from now; got ${quote(text)}.`,
    );
  }
  return new Date(ms);
}
