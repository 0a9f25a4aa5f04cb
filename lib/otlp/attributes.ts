import {
  MAX_OTLP_ATTRIBUTE_BYTES,
  MAX_OTLP_ATTRIBUTES,
  MAX_OTLP_DEPTH,
  MAX_OTLP_STRING,
  MAX_OTLP_VALUES,
} from './limits';

/** An OTLP AnyValue as plain JSON. */
export type AttrValue = string | number | boolean | null | AttrValue[] | { [key: string]: AttrValue };
export type Attrs = Record<string, AttrValue>;

/**
 * Cuts a string to `max` characters (ellipsis included), never inside a surrogate pair. NUL characters, which
 * Postgres text cannot hold (the ingest API refuses them), become U+FFFD: one in an attribute must not cost the span.
 */
export function cut(raw: string, max = MAX_OTLP_STRING): string {
  const text = raw.includes('\u0000') ? raw.replace(/\u0000/g, '\uFFFD') : raw;
  if (text.length <= max) return text;
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return text.slice(0, end) + '…';
}

/**
 * One AnyValue ({stringValue} | {intValue} | ... as protobufjs' toObject or OTLP/JSON give it) as JSON, within the
 * receiver's bounds: long strings cut, nesting past MAX_OTLP_DEPTH and values past MAX_OTLP_VALUES left out.
 * `budget` counts values across one item's attributes so a wide and deep value cannot blow up.
 */
export function anyValue(raw: unknown, depth = 0, budget = { values: MAX_OTLP_VALUES }): AttrValue {
  if (typeof raw !== 'object' || raw === null) return null;
  const v = raw as Record<string, unknown>;
  if (typeof v.stringValue === 'string') return cut(v.stringValue);
  if (typeof v.boolValue === 'boolean') return v.boolValue;
  if (v.intValue !== undefined && v.intValue !== null) return intValue(v.intValue);
  if (v.doubleValue !== undefined && v.doubleValue !== null) return doubleValue(v.doubleValue);
  if (v.bytesValue !== undefined && v.bytesValue !== null) return cut(bytesAsBase64(v.bytesValue));
  const list = (v.arrayValue as { values?: unknown } | undefined)?.values;
  const kv = (v.kvlistValue as { values?: unknown } | undefined)?.values;
  if (list === undefined && kv === undefined) {
    // An empty value, or a one-of an older sender left out: proto3 omits defaults, so `{}` may be "".
    if ('arrayValue' in v) return [];
    if ('kvlistValue' in v) return {};
    return null;
  }
  if (depth >= MAX_OTLP_DEPTH) return `[nested deeper than ${MAX_OTLP_DEPTH} levels]`;
  if (list !== undefined) {
    const out: AttrValue[] = [];
    for (const item of Array.isArray(list) ? list : []) {
      if (--budget.values < 0) break;
      out.push(anyValue(item, depth + 1, budget));
    }
    return out;
  }
  const out: Record<string, AttrValue> = Object.create(null);
  for (const pair of Array.isArray(kv) ? kv : []) {
    if (--budget.values < 0) break;
    const key = keyOf(pair);
    if (key !== undefined) out[key] = anyValue((pair as { value?: unknown }).value, depth + 1, budget);
  }
  return out;
}

/**
 * An AnyValue or KeyValue list as sent, uncut, in a form both encodings give alike (ints as decimal text, bytes as
 * base64, kinds tagged): what item digests are made of, so a record re-exported in the other encoding, or two
 * records that differ only past a cut, digest as they should.
 */
export function canonical(raw: unknown, depth = 0): unknown {
  if (Array.isArray(raw)) {
    return raw.map((pair) => [
      (pair as { key?: unknown } | null)?.key ?? null,
      canonical((pair as { value?: unknown } | null)?.value, depth),
    ]);
  }
  if (typeof raw !== 'object' || raw === null) return null;
  const v = raw as Record<string, unknown>;
  if (typeof v.stringValue === 'string') return ['s', v.stringValue];
  if (typeof v.boolValue === 'boolean') return ['b', v.boolValue];
  if (v.intValue !== undefined && v.intValue !== null) return ['i', String(v.intValue)];
  if (v.doubleValue !== undefined && v.doubleValue !== null) return ['d', Number(v.doubleValue)];
  if (v.bytesValue !== undefined && v.bytesValue !== null) return ['y', bytesAsBase64(v.bytesValue)];
  // Past the depth anything reads as a note: it only has to tell records apart, and the decoders bound nesting.
  if (depth >= MAX_OTLP_DEPTH * 4) return ['n', JSON.stringify(raw).length];
  const list = (v.arrayValue as { values?: unknown } | undefined)?.values;
  if (Array.isArray(list)) return ['a', list.map((item) => canonical(item, depth + 1))];
  const kv = (v.kvlistValue as { values?: unknown } | undefined)?.values;
  if (Array.isArray(kv)) return ['k', canonical(kv, depth + 1)];
  return null;
}

/** A KeyValue list as one object; later keys win, as OTLP leaves duplicates to the receiver. */
export function attributes(raw: unknown, into: Attrs = Object.create(null)): Attrs {
  if (!Array.isArray(raw)) return into;
  const budget = { values: MAX_OTLP_VALUES };
  let kept = Object.keys(into).length;
  let dropped = 0;
  for (const pair of raw) {
    const key = keyOf(pair);
    if (key === undefined) continue;
    if (!(key in into) && kept >= MAX_OTLP_ATTRIBUTES) {
      dropped++;
      continue;
    }
    if (!(key in into)) kept++;
    into[key] = anyValue((pair as { value?: unknown }).value, 0, budget);
  }
  dropped += fitBytes(into);
  if (dropped > 0) into['otel.dropped_attributes_count'] = dropped;
  return into;
}

/**
 * Drops the largest attributes until the rest take at most MAX_OTLP_ATTRIBUTE_BYTES as JSON, and answers how many
 * went. Mapped attributes (model, tokens, route, ids) are short, so what goes is prompts, completions, payloads.
 */
function fitBytes(attrs: Attrs): number {
  const keys = Object.keys(attrs);
  // A cheap bound first (3 bytes per UTF-16 unit at most): most items are far below it.
  let bound = 0;
  for (const key of keys) {
    const value = attrs[key];
    bound +=
      key.length +
      4 +
      // An array or key-value list may hold up to MAX_OTLP_VALUES strings: measured, not guessed.
      (typeof value === 'string'
        ? value.length
        : typeof value === 'object' && value !== null
          ? JSON.stringify(value).length
          : 24);
  }
  if (bound * 3 <= MAX_OTLP_ATTRIBUTE_BYTES) return 0;
  const sizes = keys.map((key) => ({ key, bytes: Buffer.byteLength(JSON.stringify({ [key]: attrs[key] })) }));
  let total = sizes.reduce((sum, s) => sum + s.bytes, 0);
  let dropped = 0;
  for (const { key, bytes } of sizes.sort((a, b) => b.bytes - a.bytes)) {
    if (total <= MAX_OTLP_ATTRIBUTE_BYTES) break;
    delete attrs[key];
    total -= bytes;
    dropped++;
  }
  return dropped;
}

function keyOf(pair: unknown): string | undefined {
  const key = (pair as { key?: unknown } | null)?.key;
  return typeof key === 'string' && key.length > 0 ? cut(key, 256) : undefined;
}

/** int64 as protobufjs gives it with `longs: String`, or as OTLP/JSON sends it (a string or a number). */
function intValue(raw: unknown): number | string | null {
  const n = typeof raw === 'string' ? Number(raw) : typeof raw === 'number' ? raw : NaN;
  if (!Number.isFinite(n)) return null;
  return Number.isSafeInteger(n) ? n : String(raw);
}

/** OTLP/JSON sends NaN and the infinities as strings; JSON columns cannot hold them. */
function doubleValue(raw: unknown): number | string | null {
  const n = typeof raw === 'string' ? Number(raw) : typeof raw === 'number' ? raw : NaN;
  if (Number.isFinite(n)) return n;
  return typeof raw === 'string' ? cut(raw, 16) : null;
}

function bytesAsBase64(raw: unknown): string {
  if (raw instanceof Uint8Array) return Buffer.from(raw).toString('base64');
  return typeof raw === 'string' ? raw : '';
}

/** A string attribute by its first present name; numbers are given as text. */
export function text(attrs: Attrs, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = attrs[name];
    if (typeof value === 'string' && value.length > 0) return value;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  }
  return undefined;
}

/** A numeric attribute by its first present name; numeric strings count (int64 sent as text). */
export function number(attrs: Attrs, ...names: string[]): number | undefined {
  for (const name of names) {
    const value = attrs[name];
    const n =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && value.trim() !== ''
          ? Number(value)
          : NaN;
    if (Number.isFinite(n)) return n;
  }
  return undefined;
}
