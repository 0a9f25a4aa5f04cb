import { auditKeyFailure, resolveApiKey, type AuthenticatedKey } from '@/lib/auth/api-keys';
import { env } from '@/lib/env';
import { requestIp } from '@/lib/http/deployment';
import { AppError } from '@/lib/http/errors';
import { getKv } from '@/lib/kv';
import { readJsonBody } from './body';
import { ingestBatch, type IngestResult } from './ingest';
import { MAX_BROWSER_BODY_BYTES, MAX_BROWSER_EVENTS_PER_BATCH } from './limits';
import { enforceRateLimit } from './rate-limit';

/**
 * The browser path of POST /api/v1/events: a public browser key, in the `key` query parameter (or the body's
 * `key`, for `sendBeacon`), from one of the key's allowed origins, for the event types a page sends.
 */

/** A request without an Authorization header that names a key elsewhere, or sends text/plain: a browser's. */
export function isBrowserRequest(request: Request): boolean {
  if (request.headers.get('authorization')) return false;
  const url = new URL(request.url);
  return url.searchParams.has('key') || /^text\/plain\b/i.test(request.headers.get('content-type') ?? '');
}

/** The CORS headers of an answer to an allowed origin; the page may read Retry-After (a 429's, a 503's). */
export function corsHeaders(origin: string): Record<string, string> {
  return { 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': 'Retry-After', Vary: 'Origin' };
}

/** The answer to a CORS preflight: 204 with the allowed method and headers for an allowed origin, else 403. */
export async function preflight(
  request: Request,
): Promise<{ status: number; headers: Record<string, string> }> {
  const origin = request.headers.get('origin');
  const token = new URL(request.url).searchParams.get('key') ?? undefined;
  if (!origin || !token) return { status: 403, headers: {} };
  try {
    await browserKey(request, token, origin);
  } catch {
    return { status: 403, headers: {} };
  }
  return {
    status: 204,
    headers: {
      ...corsHeaders(origin),
      'Access-Control-Allow-Methods': 'POST',
      'Access-Control-Allow-Headers': 'Content-Type',
      'Access-Control-Max-Age': '600',
    },
  };
}

/** Stores a browser's batch; throws AppError (401, 403, 413, 415, 429, 503) with what to fix. */
export async function ingestFromBrowser(request: Request): Promise<{ result: IngestResult; origin: string }> {
  const origin = request.headers.get('origin');
  if (!origin) {
    throw new AppError(
      'forbidden',
      'A browser key is used from web pages: the request must carry the Origin header a browser sets.',
    );
  }
  // A key in the URL is checked, and its limits counted, before the body is read: a refused key, origin or
  // client costs no body read. A key sent in the body instead is checked once the body is read.
  const fromQuery = new URL(request.url).searchParams.get('key') ?? undefined;
  let key = fromQuery === undefined ? null : await admit(request, fromQuery, origin);
  const body = await readJsonBody(request, { textPlain: true, limit: MAX_BROWSER_BODY_BYTES });
  if (!key) {
    const fromBody =
      typeof body === 'object' && body !== null && typeof (body as { key?: unknown }).key === 'string'
        ? (body as { key: string }).key
        : undefined;
    key = await admit(request, fromBody, origin);
  }
  const events = typeof body === 'object' && body !== null ? (body as { events?: unknown }).events : undefined;
  if (Array.isArray(events) && events.length > MAX_BROWSER_EVENTS_PER_BATCH) {
    throw new AppError(
      'payload_too_large',
      `${events.length} events in one request; a browser key sends at most ${MAX_BROWSER_EVENTS_PER_BATCH}: split the batch.`,
    );
  }
  return { result: await ingestBatch(key.projectId, body, { browser: true }), origin };
}

/** The browser key, from an allowed origin, within its limits: per client address first, then per key. */
async function admit(request: Request, token: string | undefined, origin: string): Promise<AuthenticatedKey> {
  const key = await browserKey(request, token, origin);
  const kv = getKv();
  // The address first, so one address over its limit cannot use up the key's count for every visitor. An
  // unknown address (no TRUSTED_PROXIES, not on Vercel) is not limited on its own: all visitors would share it.
  const ip = requestIp(request.headers);
  if (ip) await enforceRateLimit(kv, `${key.keyId}:ip:${ip}`, env.BROWSER_RATE_LIMIT_PER_IP_PER_MINUTE);
  await enforceRateLimit(kv, key.keyId);
  return key;
}

async function browserKey(
  request: Request,
  token: string | undefined,
  origin: string,
): Promise<AuthenticatedKey> {
  const key = await resolveApiKey(request, token, 'ingest');
  if (key.kind !== 'browser') {
    void auditKeyFailure(request, 'server_key_outside_header', key);
    throw new AppError(
      'forbidden',
      'This is a server key: send it in the Authorization header from your server, never in a URL or a page. If it was published, revoke it.',
    );
  }
  if (!key.allowedOrigins.includes(origin)) {
    void auditKeyFailure(request, 'origin_not_allowed', key);
    throw new AppError(
      'forbidden',
      `Origin ${origin.slice(0, 200)} is not allowed for this browser key; add it to the key's allowed origins.`,
    );
  }
  return key;
}
