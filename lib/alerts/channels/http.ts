import { describeTarget, redact, truncate } from './format';
import { DEFAULT_TIMEOUT_MS, type DeliveryOptions, type DeliveryResult } from './types';

export interface PostJsonInput {
  url: string;
  body: string;
  headers?: Record<string, string>;
  /** Strings that must never appear in an error text (keys, tokens, the URL itself) */
  secrets?: ReadonlyArray<string | null | undefined>;
  /** Statuses counted as success; default any 2xx */
  isSuccess?: (status: number) => boolean;
  /** Extracts a short reason from an error response body */
  describeError?: (status: number, body: string) => string | undefined;
}

/** 408, 425, 429 and 5xx may heal by themselves; other 4xx will not. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/**
 * POSTs JSON with an AbortController timeout covering the whole exchange (connect, headers, body).
 * Never throws. Error texts name only the receiver's origin, never its path or query.
 */
export async function postJson(input: PostJsonInput, opts: DeliveryOptions = {}): Promise<DeliveryResult> {
  const started = performance.now();
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const doFetch = opts.fetch ?? ((u: string, init: RequestInit) => fetch(u, init));
  const secrets = [input.url, ...(input.secrets ?? [])];
  const target = describeTarget(input.url);
  const done = (r: Omit<DeliveryResult, 'durationMs'>): DeliveryResult => ({
    ...r,
    ...(r.error !== undefined ? { error: redact(r.error, secrets) } : {}),
    durationMs: Math.round(performance.now() - started),
  });

  let url: URL;
  try {
    url = new URL(input.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
  } catch {
    return done({ ok: false, retryable: false, error: 'invalid receiver URL' });
  }

  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  try {
    const res = await doFetch(url.toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'chatwatch-alerts/1', ...input.headers },
      body: input.body,
      signal: controller.signal,
      redirect: 'manual',
    });
    const text = await res.text().catch(() => '');
    const success = input.isSuccess ? input.isSuccess(res.status) : res.status >= 200 && res.status < 300;
    if (success) return done({ ok: true, status: res.status, retryable: false });
    const reason = input.describeError?.(res.status, text) ?? truncate(text.trim().replace(/\s+/g, ' '), 200);
    return done({
      ok: false,
      status: res.status,
      retryable: isRetryableStatus(res.status),
      error: `HTTP ${res.status} from ${target}${reason ? `: ${reason}` : ''}`,
    });
  } catch (err) {
    if (timedOut) return done({ ok: false, retryable: true, error: `timeout after ${timeoutMs} ms` });
    return done({ ok: false, retryable: true, error: `request to ${target} failed: ${networkReason(err)}` });
  } finally {
    clearTimeout(timer);
  }
}

function networkReason(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    if (cause instanceof Error) {
      const code = (cause as Error & { code?: string }).code;
      return code ? `${code}` : cause.message;
    }
    return err.message;
  }
  return 'unknown error';
}
