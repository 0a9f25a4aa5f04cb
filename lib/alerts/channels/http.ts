import { describeTarget, redact } from './format';
import { describeRefusal, ReachRefusedError, STRICT_REACH, staticRefusal } from './reach';
import { postGuarded } from './transport';
import { DEFAULT_TIMEOUT_MS, type DeliveryOptions, type DeliveryResult } from './types';

export interface PostJsonInput {
  url: string;
  body: string;
  headers?: Record<string, string>;
  /** Strings that must never appear in an error text (keys, tokens, the URL itself) */
  secrets?: ReadonlyArray<string | null | undefined>;
  /** Statuses counted as success; default any 2xx */
  isSuccess?: (status: number) => boolean;
}

/** 408, 425, 429 and 5xx may heal by themselves; other 4xx will not. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/**
 * POSTs JSON with an AbortController timeout covering the whole exchange. Never throws. Keeps the status
 * and the time taken, never the receiver's body; a redirect is a failure (never followed). The receiver's
 * host must pass `opts.reach` (default: public addresses only), checked again on every address DNS gives.
 * Error texts name only the receiver's origin, never its path or query.
 */
export async function postJson(input: PostJsonInput, opts: DeliveryOptions = {}): Promise<DeliveryResult> {
  const started = performance.now();
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const policy = opts.reach ?? STRICT_REACH;
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
  } catch {
    return done({ ok: false, retryable: false, error: 'invalid receiver URL' });
  }
  const refusal = staticRefusal(url, policy);
  if (refusal) {
    const error =
      refusal.reason === 'scheme'
        ? 'invalid receiver URL (expected http:// or https://)'
        : describeRefusal(refusal);
    return done({ ok: false, retryable: false, error });
  }

  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'chatwatch-alerts/1',
    ...input.headers,
  };
  try {
    let status: number;
    if (opts.fetch) {
      const res = await opts.fetch(url.toString(), {
        method: 'POST',
        headers,
        body: input.body,
        signal: controller.signal,
        redirect: 'manual',
      });
      status = res.status;
      await res.body?.cancel().catch(() => undefined);
    } else {
      status = await postGuarded(url, {
        headers,
        body: input.body,
        signal: controller.signal,
        policy,
        lookup: opts.lookup,
      });
    }
    const success = input.isSuccess ? input.isSuccess(status) : status >= 200 && status < 300;
    if (success) return done({ ok: true, status, retryable: false });
    if (status >= 300 && status < 400)
      return done({
        ok: false,
        status,
        retryable: false,
        error: `HTTP ${status} from ${target}: redirects are not followed`,
      });
    return done({
      ok: false,
      status,
      retryable: isRetryableStatus(status),
      error: `HTTP ${status} from ${target}`,
    });
  } catch (err) {
    if (timedOut) return done({ ok: false, retryable: true, error: `timeout after ${timeoutMs} ms` });
    const refused = refusedBy(err);
    if (refused) return done({ ok: false, retryable: false, error: refused.message });
    return done({ ok: false, retryable: true, error: `request to ${target} failed: ${networkReason(err)}` });
  } finally {
    clearTimeout(timer);
  }
}

function refusedBy(err: unknown): ReachRefusedError | null {
  if (err instanceof ReachRefusedError) return err;
  const cause = (err as { cause?: unknown } | null)?.cause;
  return cause instanceof ReachRefusedError ? cause : null;
}

function networkReason(err: unknown): string {
  if (err instanceof Error) {
    const own = (err as Error & { code?: string }).code;
    if (own) return own;
    const cause = (err as Error & { cause?: unknown }).cause;
    if (cause instanceof Error) {
      const code = (cause as Error & { code?: string }).code;
      return code ? `${code}` : cause.message;
    }
    return err.message;
  }
  return 'unknown error';
}
