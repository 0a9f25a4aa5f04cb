import { clerkMiddleware, createRouteMatcher } from '@clerk/nextjs/server';
import { NextRequest, NextResponse, type NextFetchEvent } from 'next/server';
import { resolveAuthConfig } from '@/lib/auth/mode';
import { env } from '@/lib/env';
import { appOrigin, deployment } from '@/lib/http/deployment';
import { errorBody } from '@/lib/http/errors';
import { checkRequest, isApiPath, rejectionResponse } from '@/lib/http/request-guard';
import { applySecurityHeaders } from '@/lib/http/security-headers';
import { isStatusPageFramable } from '@/lib/status/framing';

const isPublicPage = createRouteMatcher(['/sign-in(.*)', '/status(.*)']);
// Clerk stays off Next internals, static files and the machine-facing APIs (ingest, health, cron).
const CLERK_PATHS =
  /^\/(?!_next|api\/v1\/events|api\/health|api\/cron|[^?]*\.(?:html?|css|js(?!on)|jpe?g|webp|png|gif|svg|ttf|woff2?|ico|csv|docx?|xlsx?|zip|webmanifest|txt|xml))/;
const STATUS_PAGE = /^\/status\/([^/]+)\/?$/;
const FORWARDING_HEADERS = ['x-forwarded-host', 'x-forwarded-proto'] as const;

const clerk =
  resolveAuthConfig(env).mode === 'clerk'
    ? clerkMiddleware(
        async (auth, request) => {
          // Route handlers answer 401 JSON themselves; a redirect would break API clients and cron.
          if (isApiPath(request.nextUrl.pathname) || isPublicPage(request)) return;
          const { userId, redirectToSignIn } = await auth();
          const { pathname, search } = request.nextUrl;
          if (!userId)
            return redirectToSignIn({
              returnBackUrl: new URL(pathname + search, appOrigin(request.nextUrl)).href,
            });
        },
        {
          publishableKey: env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY,
          jwtKey: env.CLERK_JWT_KEY,
          signInUrl: '/sign-in',
        },
      )
    : null;

/**
 * Every request: refuse what Next would answer with a 500 (broken percent-encoding, cross-origin server
 * actions; TRACE never gets here, see lib/http/method-guard.ts), run Clerk where the dashboards need it,
 * and set the security headers.
 */
export default async function proxy(request: NextRequest, event: NextFetchEvent) {
  const rawPath = new URL(request.url).pathname;
  const rejection = checkRequest({
    method: request.method,
    rawPath,
    headers: request.headers,
    appOrigin: appOrigin(request.nextUrl),
    acceptHostOrigin: deployment.publicOrigin === null,
  });
  const response = rejection
    ? rejectionResponse(rejection, rawPath)
    : await authenticate(request, event, rawPath);
  const status = rejection ? null : STATUS_PAGE.exec(rawPath);
  const framable = status ? await isStatusPageFramable(decodeURIComponent(status[1]!)) : false;
  applySecurityHeaders(response.headers, { framable, hsts: deployment.hsts });
  return response;
}

async function authenticate(request: NextRequest, event: NextFetchEvent, rawPath: string): Promise<Response> {
  if (!clerk || !CLERK_PATHS.test(rawPath)) return NextResponse.next();
  const response = (await clerk(withAppOrigin(request), event)) ?? NextResponse.next();
  // Clerk answers an expired cookie on a document request with a handshake redirect, even for API paths.
  if (isApiPath(rawPath) && response.headers.has('location')) {
    return NextResponse.json(
      errorBody('unauthorized', 'The session expired: reload the dashboard to refresh it, or sign in again.'),
      {
        status: 401,
        headers: { 'Cache-Control': 'no-store' },
      },
    );
  }
  return keepClientForwarding(response, request.headers);
}

/** Clerk builds its redirects (sign-in, handshake) from the forwarding headers: it gets the app's origin there. */
function withAppOrigin(request: NextRequest): NextRequest {
  const origin = new URL(appOrigin(request.nextUrl));
  const headers = new Headers(request.headers);
  headers.set('x-forwarded-host', origin.host);
  headers.set('x-forwarded-proto', origin.protocol.slice(0, -1));
  return new NextRequest(request.url, { method: request.method, headers });
}

/** Clerk passes the request headers it saw on to the app: give back the forwarding headers as they came. */
function keepClientForwarding(response: Response, original: Headers): Response {
  const overridden = response.headers.get('x-middleware-override-headers');
  if (!overridden) return response;
  const names = new Set(overridden.split(','));
  for (const name of FORWARDING_HEADERS) {
    const value = original.get(name);
    if (value === null) {
      names.delete(name);
      response.headers.delete(`x-middleware-request-${name}`);
    } else {
      names.add(name);
      response.headers.set(`x-middleware-request-${name}`, value);
    }
  }
  response.headers.set('x-middleware-override-headers', [...names].join(','));
  return response;
}

export const config = {
  // Every path but the ingest endpoint itself: Next buffers a request body for the proxy (up to 10 MB) before
  // the route runs, which would defeat ingest's own 4 MiB limit and 15 s read deadline and cost every batch a
  // copy. The OTLP receiver's routes are ingest too. The ingest routes set the security headers themselves.
  matcher: ['/((?!api/v1/events$|api/otlp/v1/(?:traces|logs|metrics)$).*)'],
};
