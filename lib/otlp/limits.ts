/**
 * Bounds of the OTLP receiver beyond those of POST /api/v1/events (lib/ingest/limits.ts), which it shares (body
 * size, read deadline, per-event bounds). OpenTelemetry SDKs send at most 512 items per export by default.
 */

/** Spans, log records or metric data points in one export request. */
export const MAX_OTLP_ITEMS = 2000;
/** Attributes kept per item (resource and scope attributes included); the rest are dropped and counted. */
export const MAX_OTLP_ATTRIBUTES = 128;
/** A string attribute, log body or status message longer than this is cut and ends with an ellipsis. */
export const MAX_OTLP_STRING = 4096;
/** Arrays and key-value lists nested deeper than this are kept as a note, not walked. */
export const MAX_OTLP_DEPTH = 6;
/** Items of one attribute's array or key-value list (nested ones included) kept. */
export const MAX_OTLP_VALUES = 256;
/** `exception` events of one span turned into `error` events; a span that throws in a loop keeps the first ones. */
export const MAX_OTLP_EXCEPTIONS_PER_SPAN = 16;
/**
 * An item's attributes as JSON (UTF-8): past this, the largest are dropped and counted, so a span with many long
 * attributes (prompts, completions) still fits the 64 KiB of one event (lib/ingest/limits.ts) with its own fields.
 */
export const MAX_OTLP_ATTRIBUTE_BYTES = 32 * 1024;
