import { isRetryableStatus, parseRetryAfter, retryDelay } from './retry';
import type { EventRejection, IngestResponse, StampedEvent, TrackEvent } from './types';

export * from './types';
export { backoffDelay, isRetryableStatus, parseRetryAfter, retryDelay } from './retry';

export const MAX_EVENTS_PER_REQUEST = 1000;
export const MAX_BODY_BYTES = 4 * 1024 * 1024;
const BODY_OVERHEAD_BYTES = '{"events":[]}'.length;

export type ClientErrorCode =
  | 'rejected'
  | 'bad_request'
  | 'unauthorized'
  | 'payload_too_large'
  | 'http_error'
  | 'retries_exhausted'
  | 'queue_overflow'
  | 'invalid_event'
  | 'closed';

export type ClientErrorInfo = {
  /** HTTP status of the last answer, when there was one. */
  status?: number;
  /** Ids of the events this error is about. */
  eventIds: string[];
  /** Per-event reasons from a 207 (or a 400 where every event was invalid). */
  rejections?: EventRejection[];
  cause?: unknown;
};

export class ClientError extends Error {
  override readonly name = 'ClientError';
  constructor(
    readonly code: ClientErrorCode,
    message: string,
    readonly info: ClientErrorInfo,
  ) {
    super(message);
  }
}

export type ClientOptions = {
  /** Base URL of the dashboard, e.g. `https://monitor.example.com`. */
  url: string;
  apiKey: string;
  /** Send as soon as this many events are queued (at most 1000 go in one request). */
  batchSize?: number;
  flushIntervalMs?: number;
  /** Beyond this many queued events the oldest are dropped (counted in `stats().dropped`). */
  maxQueue?: number;
  /** Retries of one batch on 408/429/5xx/network errors before it is given up. */
  maxRetries?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
  /** Every failure ends here; `track`, `flush` and `close` never throw. Defaults to `console.warn`. */
  onError?: (error: ClientError) => void;
  /** Called with the server's counts after each 200 or 207. */
  onResponse?: (response: IngestResponse, eventIds: string[]) => void;
};

export type ClientStats = {
  queued: number;
  inFlight: number;
  requests: number;
  retries: number;
  /** Events in batches the server answered with 200 or 207. */
  sent: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Events given up after a non-retryable answer or after `maxRetries`. */
  failed: number;
  /** Events never sent: queue overflow, not serializable, or tracked after `close()`. */
  dropped: number;
};

export type Client = {
  /** Queues an event and returns its id (assigned when missing), or undefined when it was dropped. */
  track(event: TrackEvent): string | undefined;
  /** Resolves once everything queued so far has been answered or given up. */
  flush(): Promise<void>;
  /** Flushes and stops the timer; later `track` calls are dropped. */
  close(): Promise<void>;
  stats(): ClientStats;
};

type Entry = { id: string; json: string; bytes: number };

/**
 * const monitor = createClient({ url: 'https://monitor.example.com', apiKey: process.env.MONITOR_KEY! });
 * monitor.track({ type: 'ai.call', model: 'claude-sonnet-4-5', durationMs: 1840, inputTokens: 912, outputTokens: 388 });
 * await monitor.close(); // before the process exits
 */
export function createClient(options: ClientOptions): Client {
  const endpoint = `${options.url.replace(/\/+$/, '')}/api/v1/events`;
  const perRequest = clamp(options.batchSize ?? 100, 1, MAX_EVENTS_PER_REQUEST);
  const batchSize = Math.max(1, options.batchSize ?? 100);
  const maxQueue = Math.max(1, options.maxQueue ?? 10_000);
  const maxRetries = Math.max(0, options.maxRetries ?? 8);
  const policy = { baseMs: options.retryBaseMs ?? 500, maxMs: options.retryMaxMs ?? 30_000 };
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const headers = {
    authorization: `Bearer ${options.apiKey}`,
    'content-type': 'application/json',
  };

  const queue: Entry[] = [];
  let inFlight = 0;
  let closed = false;
  let overflowReported = false;
  let draining: Promise<void> | null = null;
  const counters = {
    requests: 0,
    retries: 0,
    sent: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    failed: 0,
    dropped: 0,
  };

  function report(error: ClientError) {
    try {
      if (options.onError) options.onError(error);
      else console.warn(`[monitoring client] ${error.code}: ${error.message}`);
    } catch {
      // An onError that throws must not reach the caller of track/flush either.
    }
  }

  const timer: ReturnType<typeof setInterval> = setInterval(() => {
    if (!draining && queue.length > 0) void flush();
  }, options.flushIntervalMs ?? 2000);
  (timer as { unref?: () => void }).unref?.();

  function track(event: TrackEvent): string | undefined {
    try {
      if (closed) {
        counters.dropped += 1;
        report(new ClientError('closed', 'track() after close(): event dropped', { eventIds: [] }));
        return undefined;
      }
      if (typeof event !== 'object' || event === null || typeof event.type !== 'string') {
        counters.dropped += 1;
        report(
          new ClientError('invalid_event', 'event must be an object with a string "type"', { eventIds: [] }),
        );
        return undefined;
      }
      const stamped: StampedEvent = {
        ...event,
        id: event.id || randomId(),
        timestamp: event.timestamp || new Date().toISOString(),
      };
      const json = JSON.stringify(stamped);
      const bytes = utf8Length(json);
      if (bytes + BODY_OVERHEAD_BYTES > MAX_BODY_BYTES) {
        counters.dropped += 1;
        report(
          new ClientError(
            'payload_too_large',
            `event ${stamped.id} is ${bytes} bytes as JSON, over the 4 MiB body limit`,
            {
              eventIds: [stamped.id],
            },
          ),
        );
        return undefined;
      }
      if (queue.length >= maxQueue) {
        const oldest = queue.shift();
        counters.dropped += 1;
        if (!overflowReported && oldest) {
          overflowReported = true;
          report(
            new ClientError(
              'queue_overflow',
              `queue full (${maxQueue}): dropping the oldest events until it drains`,
              {
                eventIds: [oldest.id],
              },
            ),
          );
        }
      }
      queue.push({ id: stamped.id, json, bytes });
      if (queue.length >= batchSize && !draining) startDrain(batchSize);
      return stamped.id;
    } catch (cause) {
      counters.dropped += 1;
      report(
        new ClientError('invalid_event', `event not serializable: ${String(cause)}`, { eventIds: [], cause }),
      );
      return undefined;
    }
  }

  async function flush(): Promise<void> {
    while (draining || queue.length > 0) await (draining ?? startDrain(1));
  }

  function startDrain(minimum: number): Promise<void> {
    const running = drain(minimum).finally(() => {
      draining = null;
    });
    draining = running;
    return running;
  }

  /** Sends while at least `minimum` events are queued, one request at a time, oldest first. */
  async function drain(minimum: number): Promise<void> {
    while (queue.length >= minimum) {
      const batch = takeBatch();
      inFlight = batch.length;
      try {
        await deliver(batch);
      } catch (cause) {
        counters.failed += batch.length;
        report(
          new ClientError('http_error', `unexpected client error: ${String(cause)}`, {
            eventIds: ids(batch),
            cause,
          }),
        );
      } finally {
        inFlight = 0;
      }
    }
    overflowReported = false;
  }

  function takeBatch(): Entry[] {
    let count = 0;
    let bytes = BODY_OVERHEAD_BYTES;
    while (count < queue.length && count < perRequest) {
      const next = queue[count]!;
      if (count > 0 && bytes + next.bytes + 1 > MAX_BODY_BYTES) break;
      bytes += next.bytes + 1;
      count += 1;
    }
    return queue.splice(0, count);
  }

  async function deliver(batch: Entry[]): Promise<void> {
    // Built once: every retry resends the same bytes, so the server dedupes on the same ids.
    const body = `{"events":[${batch.map((entry) => entry.json).join(',')}]}`;
    const eventIds = ids(batch);
    let lastProblem = '';
    let lastStatus: number | undefined;
    for (let attempt = 0; ; attempt += 1) {
      let retryAfterMs: number | undefined;
      try {
        counters.requests += 1;
        const response = await doFetch(endpoint, {
          method: 'POST',
          headers,
          body,
          signal: timeoutSignal(timeoutMs),
        });
        const text = await response.text().catch(() => '');
        lastStatus = response.status;
        if (response.ok) {
          settle(batch.length, eventIds, response.status, parseJson(text));
          return;
        }
        const message = errorMessage(text) ?? `HTTP ${response.status}`;
        if (!isRetryableStatus(response.status)) {
          counters.failed += batch.length;
          report(
            new ClientError(codeForStatus(response.status), `${response.status}: ${message}`, {
              status: response.status,
              eventIds,
              rejections: rejectionsOf(parseJson(text)),
            }),
          );
          return;
        }
        lastProblem = `${response.status}: ${message}`;
        retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      } catch (cause) {
        lastProblem = `network error: ${describe(cause)}`;
        lastStatus = undefined;
      }
      if (attempt >= maxRetries) {
        counters.failed += batch.length;
        report(
          new ClientError(
            'retries_exhausted',
            `gave up ${batch.length} events after ${attempt + 1} attempts; last: ${lastProblem}`,
            {
              status: lastStatus,
              eventIds,
            },
          ),
        );
        return;
      }
      counters.retries += 1;
      await sleep(retryDelay(attempt, retryAfterMs, policy));
    }
  }

  function settle(count: number, eventIds: string[], status: number, body: unknown) {
    counters.sent += count;
    if (!isIngestResponse(body)) return;
    counters.accepted += body.accepted;
    counters.duplicates += body.duplicates;
    counters.rejected += body.rejected;
    try {
      options.onResponse?.(body, eventIds);
    } catch {
      // Same rule as onError: a throwing hook must not break delivery.
    }
    if (body.rejected > 0) {
      const rejections = body.errors ?? [];
      const first = rejections[0];
      report(
        new ClientError(
          'rejected',
          `${body.rejected} of ${count} events rejected${first ? `; first: ${first.id ?? `#${first.index}`}: ${first.message}` : ''}`,
          {
            status,
            eventIds: rejections
              .map((r) => r.id ?? eventIds[r.index])
              .filter((id): id is string => id !== undefined),
            rejections,
          },
        ),
      );
    }
  }

  async function close(): Promise<void> {
    closed = true;
    clearInterval(timer);
    await flush();
  }

  function stats(): ClientStats {
    return { queued: queue.length, inFlight, ...counters };
  }

  return { track, flush, close, stats };
}

function codeForStatus(status: number): ClientErrorCode {
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 413) return 'payload_too_large';
  if (status === 400 || status === 415 || status === 422) return 'bad_request';
  return 'http_error';
}

function isIngestResponse(value: unknown): value is IngestResponse {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.accepted === 'number' &&
    typeof record.duplicates === 'number' &&
    typeof record.rejected === 'number'
  );
}

function rejectionsOf(body: unknown): EventRejection[] | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as { errors?: unknown; error?: { errors?: unknown } };
  const list = record.errors ?? record.error?.errors;
  return Array.isArray(list) ? (list as EventRejection[]) : undefined;
}

function errorMessage(text: string): string | undefined {
  const body = parseJson(text) as { error?: { message?: unknown } } | undefined;
  const message = body?.error?.message;
  return typeof message === 'string' ? message : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function describe(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = (cause as { cause?: unknown }).cause;
    return inner instanceof Error ? `${cause.message} (${inner.message})` : cause.message;
  }
  return String(cause);
}

function ids(batch: Entry[]): string[] {
  return batch.map((entry) => entry.id);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function timeoutSignal(ms: number): AbortSignal | undefined {
  return typeof AbortSignal !== 'undefined' && typeof AbortSignal.timeout === 'function'
    ? AbortSignal.timeout(ms)
    : undefined;
}

export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
}

function randomId(): string {
  const webCrypto = (globalThis as { crypto?: Crypto }).crypto;
  if (typeof webCrypto?.randomUUID === 'function') return webCrypto.randomUUID();
  // Node 18 has no global crypto unless flagged; an RFC 4122 v4 id from whatever randomness exists.
  const bytes = new Uint8Array(16);
  if (typeof webCrypto?.getRandomValues === 'function') webCrypto.getRandomValues(bytes);
  else for (let i = 0; i < 16; i += 1) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
