const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

/** True when an error (or one of its causes) says the database cannot be reached right now. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || code.startsWith('08'))) return true;
    if (current instanceof AggregateError && current.errors.some(isDatabaseUnavailable)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** The SQLSTATE of a database error or of one of its causes (drizzle wraps the driver's error). */
export function sqlState(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** True when the database refused the values themselves (SQLSTATE class 22, data exception, or 23, constraint). */
export function isDataError(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * A thrown value for a log line. Drizzle's failed-query error carries every parameter (a whole batch of
 * events, up to megabytes of user data): log the database's own error and the start of the statement instead.
 */
export function describeError(error: unknown): string {
  if (error instanceof Error && error.message.startsWith('Failed query:') && error.cause !== undefined) {
    const cause = error.cause as { message?: unknown; code?: unknown };
    const query = (error as { query?: unknown }).query;
    const statement = typeof query === 'string' ? query.slice(0, 80) : '';
    return `${typeof cause.code === 'string' ? `${cause.code} ` : ''}${String(cause.message ?? cause)} (statement: ${statement}...)`;
  }
  return String(error);
}
