import { firstParam, inDateWindow, pageText, parseIsoDate } from '@/lib/http/query-params';

/** The audit log page's filters, from its URL: actor (part of an email or user id), action prefix, time window. */
export type AuditFilter = { actor: string | null; action: string | null; from: Date | null; to: Date | null };

const MAX_TEXT = 200;

/** Parses the filter; bad values give a message for the page to show, and that filter is dropped. */
export function parseAuditFilter(
  params: Record<string, string | string[] | undefined>,
  now = new Date(),
): { filter: AuditFilter; problems: string[] } {
  const problems: string[] = [];
  const text = (key: 'actor' | 'action') => {
    if (!firstParam(params[key])?.trim()) return null;
    const value = pageText(params[key], MAX_TEXT)?.trim() ?? null;
    if (value === null) problems.push(`"${key}" must be plain text of at most ${MAX_TEXT} characters.`);
    return value;
  };
  const date = (key: 'from' | 'to') => {
    const raw = firstParam(params[key])?.trim();
    if (!raw) return null;
    // <input type="datetime-local"> sends "2026-12-01T10:00" without a zone: the page says times are UTC.
    const ms = parseIsoDate(raw);
    if (!inDateWindow(ms, now)) {
      problems.push(`"${key}" must be a UTC date and time like 2026-12-01T10:00, after 2000.`);
      return null;
    }
    return new Date(ms);
  };
  const filter = { actor: text('actor'), action: text('action'), from: date('from'), to: date('to') };
  if (filter.from && filter.to && filter.from >= filter.to) {
    problems.push('"from" must be before "to".');
    filter.to = null;
  }
  return { filter, problems };
}
