import { describeError, isDatabaseUnavailable } from '@/db/errors';
import { log } from '@/lib/log';

export const ERROR_CODES = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

/** The one error type of the domain; route handlers map it to a status with `errorResponse`. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
    /** Extra top-level fields of the error body, e.g. per-event errors. */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return ERROR_CODES[this.code];
  }
}

export function errorBody(code: ErrorCode, message: string) {
  return { error: { code, message } };
}

/** Maps any thrown value to a JSON response; unknown errors are logged, never echoed. */
export function errorResponse(error: unknown): Response {
  if (error instanceof AppError) {
    return Response.json(
      { ...errorBody(error.code, error.message), ...error.extra },
      { status: error.status, headers: error.headers },
    );
  }
  log.error('unhandled_error', { error: describeError(error) });
  return Response.json(errorBody('internal', 'Internal error; it has been logged.'), { status: 500 });
}

/**
 * For a failed database call: an unreachable database becomes 503 with Retry-After and `message`;
 * an AppError passes through; anything else is rethrown as is (a 500, logged by `errorResponse`).
 */
export function databaseFailure(error: unknown, message: string): never {
  if (error instanceof AppError) throw error;
  if (isDatabaseUnavailable(error)) throw new AppError('unavailable', message, { 'Retry-After': '5' });
  throw error;
}
