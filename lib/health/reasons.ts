/** A probe's own verdict with a fixed reason phrase (for example `HTTP 401`). */
export class ProbeFailure extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'ProbeFailure';
  }
}

export class ProbeTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`timeout after ${timeoutMs} ms`);
    this.name = 'ProbeTimeout';
  }
}

const PHRASES_BY_CODE: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  UND_ERR_SOCKET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'host unreachable',
  ETIMEDOUT: 'connect timeout',
  CONNECT_TIMEOUT: 'connect timeout',
  UND_ERR_CONNECT_TIMEOUT: 'connect timeout',
  CERT_HAS_EXPIRED: 'TLS certificate rejected',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate rejected',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS certificate rejected',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate rejected',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate rejected',
  '28P01': 'authentication failed',
  '28000': 'authentication failed',
  '3D000': 'database does not exist',
  '57P03': 'database is starting up',
  '53300': 'too many connections',
};

/**
 * Maps any thrown value to a fixed phrase: error texts can carry hosts, user names or keys,
 * so only known codes (found on the error, its `cause` chain or an AggregateError's members) pass.
 */
export function reasonFor(error: unknown, fallback: string): string {
  if (error instanceof ProbeFailure) return error.reason;
  if (error instanceof ProbeTimeout) return `timeout after ${error.timeoutMs} ms`;
  return phraseFromCode(error, 0) ?? fallback;
}

function phraseFromCode(error: unknown, depth: number): string | undefined {
  if (depth > 4 || typeof error !== 'object' || error === null) return undefined;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && Object.hasOwn(PHRASES_BY_CODE, code)) return PHRASES_BY_CODE[code];
  const nested = [cause, ...(Array.isArray(errors) ? errors : [])];
  for (const inner of nested) {
    const phrase = phraseFromCode(inner, depth + 1);
    if (phrase) return phrase;
  }
  return undefined;
}
