import { errorBody } from './errors';

export type GuardInput = {
  method: string;
  /** The path as sent, still percent-encoded. */
  rawPath: string;
  headers: Pick<Headers, 'get'>;
  /** The origin users open the app at (PUBLIC_URL's, see lib/http/deployment.ts). */
  appOrigin: string;
  /** Without a public origin configured, an Origin that matches the Host header is also the app's own. */
  acceptHostOrigin: boolean;
};

export type Rejection = { status: 400 | 403; message: string };

export const isApiPath = (rawPath: string) => rawPath === '/api' || rawPath.startsWith('/api/');

/** What the proxy refuses before routing (Next would answer 500), or null to let the request through. */
export function checkRequest(input: GuardInput): Rejection | null {
  if (!isDecodablePath(input.rawPath)) {
    return {
      status: 400,
      message: 'The URL path is not valid percent-encoded UTF-8, or holds a NUL character.',
    };
  }
  if (
    !isApiPath(input.rawPath) &&
    isPossibleServerAction(input.method, input.headers) &&
    !isSameOrigin(input)
  ) {
    return {
      status: 403,
      message: 'Cross-origin form posts and server actions are refused; use the app at its own address.',
    };
  }
  return null;
}

/** NUL decodes, but Postgres text cannot hold it: a slug lookup with one fails as a 500. */
export function isDecodablePath(rawPath: string): boolean {
  try {
    return !decodeURIComponent(rawPath).includes('\0');
  } catch {
    return false;
  }
}

/** The requests Next's action handler inspects (lib/server-action-request-meta in Next). */
function isPossibleServerAction(method: string, headers: Pick<Headers, 'get'>): boolean {
  if (method !== 'POST') return false;
  const type = headers.get('content-type') ?? '';
  return (
    headers.get('next-action') !== null ||
    type.startsWith('multipart/form-data') ||
    type === 'application/x-www-form-urlencoded'
  );
}

/** A request without Origin is not a browser's cross-site post; one with a foreign or opaque Origin is. */
function isSameOrigin({ headers, appOrigin, acceptHostOrigin }: GuardInput): boolean {
  const origin = headers.get('origin');
  if (origin === null) return true;
  if (origin === appOrigin) return true;
  if (!acceptHostOrigin) return false;
  try {
    // Browsers set Host themselves, so a cross-site page cannot make it match its own Origin.
    return new URL(origin).host === headers.get('host');
  } catch {
    return false;
  }
}

/** The answer to a refused request: a JSON error under /api, short text for pages. */
export function rejectionResponse(rejection: Rejection, rawPath: string): Response {
  const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
  const code = rejection.status === 400 ? 'bad_request' : 'forbidden';
  if (isApiPath(rawPath))
    return Response.json(errorBody(code, rejection.message), { status: rejection.status, headers });
  headers['Content-Type'] = 'text/plain; charset=utf-8';
  return new Response(`${rejection.message}\n`, { status: rejection.status, headers });
}
