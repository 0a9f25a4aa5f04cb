import { authenticateApiKey } from '@/lib/auth/api-keys';
import { describeError } from '@/db/errors';
import { AppError, databaseFailure } from '@/lib/http/errors';
import { readBody } from '@/lib/ingest/body';
import { AllInvalidError, ingestBatch } from '@/lib/ingest/ingest';
import { MAX_EVENTS_PER_BATCH } from '@/lib/ingest/limits';
import { enforceRateLimit } from '@/lib/ingest/rate-limit';
import { getKv } from '@/lib/kv';
import { log } from '@/lib/log';
import {
  decodeRequest,
  encodeResponse,
  encodeStatus,
  encodingOf,
  type Encoded,
  type Encoding,
  type Signal,
} from './decode';
import { mapLogs } from './logs';
import { mapMetrics } from './metrics';
import type { Mapped } from './resource';
import { findStoredCalls, recordCallParents } from './stored';
import { mapReadSpans, readSpans } from './traces';

const MAPPERS: Record<
  Signal,
  (request: Record<string, unknown>, projectId: string) => Mapped | Promise<Mapped>
> = {
  traces: async (request, projectId) => {
    const { spans } = readSpans(request);
    const stored = await findStoredCalls(projectId, spans).catch((error: unknown) =>
      databaseFailure(error, 'The database is unreachable; retry shortly.'),
    );
    return mapReadSpans(spans, stored);
  },
  logs: mapLogs,
  metrics: mapMetrics,
};

const ITEM: Record<Signal, string> = { traces: 'span', logs: 'log record', metrics: 'data point' };

/** gRPC status codes of google.rpc.Status, by HTTP status, for OTLP/HTTP error bodies. */
const GRPC_CODE: Record<number, number> = {
  400: 3,
  401: 16,
  403: 7,
  404: 5,
  413: 11,
  415: 3,
  429: 8,
  503: 14,
};

export type OtlpAnswer = {
  status: number;
  encoded: Encoded;
  headers: Record<string, string>;
  liveRecorded: Promise<unknown>;
};

/**
 * One OTLP/HTTP export request, the verb behind /api/otlp/v1/{traces,logs,metrics}: the same key, rate limit, body
 * bounds and storage as POST /api/v1/events; items mapped to events (lib/otlp/{traces,logs,metrics}.ts) and stored
 * through `ingestBatch`; the answer in the request's encoding, with `partial_success` for the items not stored.
 */
export async function receiveOtlp(signal: Signal, request: Request): Promise<OtlpAnswer> {
  // Errors are answered in the request's encoding when it names one we know; JSON otherwise.
  const contentType = request.headers.get('content-type');
  let encoding: Encoding = /protobuf/i.test(contentType ?? '') ? 'protobuf' : 'json';
  try {
    const key = await authenticateApiKey(request, 'ingest');
    encoding = encodingOf(contentType);
    await enforceRateLimit(getKv(), key.keyId);
    const body = await readBody(request, { emptyHint: `send an OTLP ${signal} export request` });
    const mapped = await MAPPERS[signal](decodeRequest(signal, encoding, body), key.projectId);
    const { rejectedItems, messages, liveRecorded } = await store(key.projectId, mapped);
    const rejected = rejectedItems.size;
    const orphans = (mapped.orphanCalls ?? []).filter((o) => !rejectedItems.has(o.item));
    await recordCallParents(
      key.projectId,
      orphans.map((o) => o.parentSpanId),
    ).catch((error: unknown) => databaseFailure(error, 'The database is unreachable; retry shortly.'));
    if (mapped.total > 0 && rejected === mapped.total) {
      throw new AppError(
        'bad_request',
        `All ${mapped.total} ${ITEM[signal]}s were rejected: ${summary(messages)}`,
      );
    }
    return {
      status: 200,
      encoded: encodeResponse(signal, encoding, rejected, rejected > 0 ? summary(messages) : ''),
      headers: {},
      liveRecorded,
    };
  } catch (error) {
    if (!(error instanceof AppError))
      log.error('otlp_unhandled_error', { signal, error: describeError(error) });
    const appError =
      error instanceof AppError ? error : new AppError('internal', 'Internal error; it has been logged.');
    return {
      status: appError.status,
      encoded: encodeStatus(encoding, GRPC_CODE[appError.status] ?? 13, appError.message),
      headers: appError.headers,
      liveRecorded: Promise.resolve(),
    };
  }
}

/** Stores the mapped events in batches of the ingest API's size; an item is rejected when any of its events is. */
async function store(
  projectId: string,
  mapped: Mapped,
): Promise<{ rejectedItems: Set<number>; messages: string[]; liveRecorded: Promise<unknown> }> {
  const rejectedItems = new Set(mapped.rejections.map((r) => r.index));
  const messages = mapped.rejections.map((r) => `item ${r.index}: ${r.message}`);
  const live: Promise<void>[] = [];
  for (let start = 0; start < mapped.events.length; start += MAX_EVENTS_PER_BATCH) {
    const events = mapped.events.slice(start, start + MAX_EVENTS_PER_BATCH);
    let errors;
    try {
      const result = await ingestBatch(projectId, { events });
      live.push(result.liveRecorded);
      errors = result.body.errors ?? [];
    } catch (error) {
      if (!(error instanceof AllInvalidError)) throw error;
      errors = error.errors;
    }
    for (const e of errors) {
      const item = mapped.items[start + e.index]!;
      if (!rejectedItems.has(item)) messages.push(`item ${item}: ${e.message}`);
      rejectedItems.add(item);
    }
  }
  return { rejectedItems, messages, liveRecorded: Promise.all(live) };
}

function summary(messages: string[]): string {
  const shown = messages.slice(0, 5).join('; ');
  return messages.length > 5 ? `${shown}; and ${messages.length - 5} more` : shown;
}
