/** The audit log page's filters, from its URL: actor (part of an email or user id), action prefix, time window. */
export type AuditFilter = { actor: string | null; action: string | null; from: Date | null; to: Date | null };

export const AUDIT_FILTER_KEYS = ['actor', 'action', 'from', 'to'] as const;
const MAX_TEXT = 200;
const EARLIEST = Date.UTC(2000, 0, 1);
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Parses the filter; bad values give a message for the page to show, and that filter is dropped. */
export function parseAuditFilter(
  params: Record<string, string | string[] | undefined>,
  now = new Date(),
): { filter: AuditFilter; problems: string[] } {
  const problems: string[] = [];
  const text = (key: 'actor' | 'action') => {
    const raw = first(params[key])?.trim();
    if (!raw) return null;
    if (raw.length > MAX_TEXT || CONTROL.test(raw)) {
      problems.push(`"${key}" must be plain text of at most ${MAX_TEXT} characters.`);
      return null;
    }
    return raw;
  };
  const date = (key: 'from' | 'to') => {
    const raw = first(params[key])?.trim();
    if (!raw) return null;
    // <input type="datetime-local"> sends "2026-12-01T10:00" without a zone: the page says times are UTC.
    const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?)?$/.test(raw)
      ? `${raw}${raw.length > 10 ? '' : 'T00:00'}Z`
      : raw;
    const ms = /^\d{4}-\d{2}-\d{2}/.test(iso) ? Date.parse(iso) : NaN;
    if (!Number.isFinite(ms) || ms < EARLIEST || ms > now.getTime() + 86_400_000) {
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

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
