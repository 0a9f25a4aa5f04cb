/**
 * Every limit of POST /api/v1/events, in one place: the README documents them and clients may import them.
 * Per-event bounds are far above what a real chat app sends and far below what would hurt the server.
 */

/** A body, after decompression; counted while reading, so no larger body is ever held in memory. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** From the first read of the body to its last byte: a body dribbled slowly is refused after this. */
export const BODY_READ_TIMEOUT_MS = 15_000;
export const MAX_EVENTS_PER_BATCH = 1000;

/**
 * A request with a browser key: what a keepalive fetch or `navigator.sendBeacon` may carry (64 KiB), so a page
 * cannot make the server read megabytes under a public key.
 */
export const MAX_BROWSER_BODY_BYTES = 64 * 1024;
export const MAX_BROWSER_EVENTS_PER_BATCH = 50;

/** One event as JSON (UTF-8), with all its fields. */
export const MAX_EVENT_BYTES = 64 * 1024;
/** Object keys in one event, counting its own fields and those of every nested object. */
export const MAX_EVENT_KEYS = 1000;
/** The event object is level 1; each object or array inside it adds one. */
export const MAX_EVENT_DEPTH = 20;
export const MAX_METADATA_BYTES = 16 * 1024;
export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;

/**
 * Insert statements one request may spend, after Postgres refused its write, to find the events at fault.
 * Bisection finds a few refused events among 1000 in about 12 statements each; past this budget the events
 * not yet stored are refused unwritten (each named in the answer, so the sender can resend them).
 */
export const MAX_SALVAGE_WRITES = 100;
