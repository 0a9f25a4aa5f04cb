import { randomUUID } from 'node:crypto';
import { AppError } from '@/lib/http/errors';
import type { NewEventRow } from '@/db/schema';
import type { PriceTable } from './pricing';
import { MAX_EVENTS_PER_BATCH } from './limits';
import { BROWSER_EVENT_TYPES, parseEvent, type EventError, type ParsedEvent } from './schema';
import { toRow } from './to-row';

export type PreparedBatch = {
  rows: NewEventRow[];
  /** For each row, the event it came from: its index in the body and the id the sender gave, if any. */
  origins: Omit<EventError, 'message'>[];
  /** Events repeated within this batch (same id): counted as duplicates, stored once. */
  inBatchDuplicates: number;
  /** Rows of events sent with an id but no timestamp: stamped with the server's clock, so a retry differs. */
  serverStamped: NewEventRow[];
  errors: EventError[];
  total: number;
};

/** Pure: validates a decoded body and turns its valid events into rows. */
export function prepareBatch(
  body: unknown,
  projectId: string,
  options: { now: Date; retentionDays: number; prices?: PriceTable; browser?: boolean },
): PreparedBatch {
  const events = (body as { events?: unknown } | null)?.events;
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !Array.isArray(events)) {
    throw new AppError('bad_request', 'The body must be a JSON object of the form {"events": [ ... ]}.');
  }
  if (events.length === 0) throw new AppError('bad_request', '"events" is empty; send 1 to 1000 events.');
  if (events.length > MAX_EVENTS_PER_BATCH) {
    throw new AppError(
      'bad_request',
      `"events" holds ${events.length} events; send at most ${MAX_EVENTS_PER_BATCH} per request.`,
    );
  }
  const rows: NewEventRow[] = [];
  const origins: Omit<EventError, 'message'>[] = [];
  const errors: EventError[] = [];
  const seen = new Set<string>();
  const serverStamped: NewEventRow[] = [];
  let inBatchDuplicates = 0;
  events.forEach((raw, index) => {
    const parsed = parseEvent(raw, index, options.now, options.retentionDays);
    if (!parsed.ok) {
      errors.push(parsed.error);
      return;
    }
    const refused = options.browser ? browserRefusal(parsed.value) : undefined;
    if (refused) {
      const id = parsed.value.event.id;
      errors.push({ index, ...(id !== undefined ? { id } : {}), message: refused });
      return;
    }
    const sentId = parsed.value.event.id;
    // A public browser key stores its ids apart, so a page cannot take (and so drop) a server event's id.
    const eventId = sentId === undefined ? randomUUID() : options.browser ? BROWSER_ID_PREFIX + sentId : sentId;
    if (seen.has(eventId)) {
      inBatchDuplicates++;
      return;
    }
    seen.add(eventId);
    const row = toRow(projectId, parsed.value, eventId, options.prices);
    rows.push(row);
    if (parsed.value.event.id !== undefined && parsed.value.event.timestamp === undefined)
      serverStamped.push(row);
    origins.push(sentId === undefined ? { index } : { index, id: sentId });
  });
  return { rows, origins, inBatchDuplicates, serverStamped, errors, total: events.length };
}

/** The prefix of the stored id of an event sent with a browser key (the answer names the id as sent). */
export const BROWSER_ID_PREFIX = 'browser:';

const BROWSER_TYPES: ReadonlySet<string> = new Set(BROWSER_EVENT_TYPES);

/**
 * Why a browser key may not send this event, or undefined: only the types a page reports, and errors only as the
 * client's (an error without a source is the client's).
 */
function browserRefusal(parsed: ParsedEvent): string | undefined {
  const event = parsed.event;
  if (!BROWSER_TYPES.has(event.type)) {
    return `type: a browser key sends ${BROWSER_EVENT_TYPES.join(', ')} only; send "${event.type}" from your server with a server key`;
  }
  if (event.type === 'error') {
    if (event.source === undefined) event.source = 'client';
    else if (event.source !== 'client') return 'source: a browser key sends errors with source "client" only';
  }
  return undefined;
}
