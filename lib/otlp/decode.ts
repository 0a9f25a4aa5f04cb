import { AppError } from '@/lib/http/errors';
import { messages } from './proto';

export type Signal = 'traces' | 'logs' | 'metrics';
export type Encoding = 'protobuf' | 'json';

/** The encoding of an OTLP/HTTP request, from its Content-Type. */
export function encodingOf(contentType: string | null): Encoding {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  throw new AppError(
    'unsupported_media_type',
    `Content-Type "${type.slice(0, 64)}" is not OTLP; send "application/x-protobuf" or "application/json".`,
  );
}

/**
 * An export request as plain objects with OTLP/JSON's lowerCamelCase names, whichever the encoding: protobuf is
 * decoded against the OTLP messages (int64 as decimal strings, ids as bytes), JSON is parsed as sent (ids as hex,
 * int64 as strings or numbers). The mappers accept both shapes.
 */
export function decodeRequest(signal: Signal, encoding: Encoding, body: Buffer): Record<string, unknown> {
  if (encoding === 'protobuf') {
    const type = messages[signal].request;
    let message;
    try {
      message = type.decode(body);
    } catch (error) {
      throw new AppError(
        'bad_request',
        `The body is not a valid OTLP ${signal} protobuf message (${describe(error)}); check the exporter's protocol setting.`,
      );
    }
    return type.toObject(message, { longs: String, enums: Number, bytes: Buffer, defaults: false }) as Record<
      string,
      unknown
    >;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new AppError('bad_request', `The body is not valid JSON: ${describe(error)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AppError('bad_request', `The body must be an OTLP ${signal} export request object.`);
  }
  return parsed as Record<string, unknown>;
}

const REJECTED_FIELD: Record<Signal, string> = {
  traces: 'rejectedSpans',
  logs: 'rejectedLogRecords',
  metrics: 'rejectedDataPoints',
};

export type Encoded = { body: Uint8Array | string; contentType: string };

/** An export response, with `partial_success` when some items were rejected, in the request's encoding. */
export function encodeResponse(
  signal: Signal,
  encoding: Encoding,
  rejected: number,
  errorMessage: string,
): Encoded {
  const partialSuccess = rejected > 0 ? { [REJECTED_FIELD[signal]]: rejected, errorMessage } : undefined;
  if (encoding === 'json') {
    return {
      body: JSON.stringify(partialSuccess ? { partialSuccess } : {}),
      contentType: 'application/json',
    };
  }
  const type = messages[signal].response;
  return {
    body: type.encode(type.fromObject(partialSuccess ? { partialSuccess } : {})).finish(),
    contentType: 'application/x-protobuf',
  };
}

/** An error answer: a google.rpc.Status (code and message) in the request's encoding, as OTLP/HTTP asks. */
export function encodeStatus(encoding: Encoding, code: number, message: string): Encoded {
  if (encoding === 'json')
    return { body: JSON.stringify({ code, message }), contentType: 'application/json' };
  const type = messages.status;
  return {
    body: type.encode(type.fromObject({ code, message })).finish(),
    contentType: 'application/x-protobuf',
  };
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 200);
}

/** A trace or span id: bytes from protobuf, hex from OTLP/JSON. Empty or all zero means absent. */
export function hexId(raw: unknown, bytes: 8 | 16): string | undefined | null {
  let hex: string;
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (raw instanceof Uint8Array) {
    if (raw.length === 0) return undefined;
    if (raw.length !== bytes) return null;
    // protobufjs gives Buffers (`bytes: Buffer`): read in place, no copy.
    hex = (Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)).toString(
      'hex',
    );
  } else if (typeof raw === 'string' && raw.length === bytes * 2 && /^[0-9a-f]+$/i.test(raw)) {
    hex = raw.toLowerCase();
  } else {
    return null;
  }
  return /^0+$/.test(hex) ? undefined : hex;
}

/** A fixed64 nanosecond time (a decimal string or a number); undefined when absent or zero. */
export function nanos(raw: unknown): bigint | undefined {
  // OTLP/JSON may send int64 as a number: nanosecond times are past 2^53, so they arrive rounded, still usable.
  if (typeof raw === 'number' && Number.isFinite(raw) && raw >= 1) return BigInt(Math.trunc(raw));
  if (typeof raw === 'string' && /^\d{1,20}$/.test(raw)) {
    const n = BigInt(raw);
    return n > 0n ? n : undefined;
  }
  return undefined;
}

/** An enum: OTLP/JSON sends numbers, some senders the names (`SPAN_KIND_SERVER`). */
export function enumValue(raw: unknown, names: readonly string[]): number {
  if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
  if (typeof raw === 'string') {
    const i = names.indexOf(raw);
    if (i >= 0) return i;
    if (/^\d+$/.test(raw)) return Number(raw);
  }
  return 0;
}

/** The repeated field `name` of a message, or none. */
export function list(raw: unknown, name: string): unknown[] {
  const value = (raw as Record<string, unknown> | null | undefined)?.[name];
  return Array.isArray(value) ? value : [];
}

/** Epoch milliseconds of a nanosecond time, as the event schema takes them. */
export const toMs = (ns: bigint): number => Number(ns / 1_000_000n);
